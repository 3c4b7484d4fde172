package dev.ejup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The JDKs bin/ejup can run on here. */
public final class Jdks {
  private Jdks() {}

  /** Every JDK 17 or newer under /usr/lib/jvm (Debian's alias links skipped), as the launcher finds them, with its feature version. */
  public static Map<Path, Integer> all() throws IOException {
    Map<Path, Integer> found = new LinkedHashMap<>();
    try (Stream<Path> dirs = Files.list(Path.of("/usr/lib/jvm"))) {
      for (Path dir : dirs.sorted().toList()) {
        Path release = dir.resolve("release");
        if (Files.isSymbolicLink(dir) || !Files.isExecutable(dir.resolve("bin/java")) || !Files.isReadable(release)) {
          continue;
        }
        Matcher version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
        if (version.find() && Integer.parseInt(version.group(1)) >= 17) {
          found.put(dir, Integer.parseInt(version.group(1)));
        }
      }
    }
    return found;
  }
}
