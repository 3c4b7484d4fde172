package dev.ejup.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ejup as a real process (its own JVM, the test class path): for what an in-process run cannot
 * show, such as a signal, two runs at once, or another user.
 */
public final class EjupProcess {
  private EjupProcess() {}

  /** The java command and class path that run ejup's main, with a prefix such as runuser (may be empty). */
  public static List<String> command(List<String> prefix, String classPath, String... args) {
    List<String> all = new ArrayList<>(prefix);
    all.add(ProcessHandle.current().info().command().orElse("java"));
    all.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", classPath, "dev.ejup.Ejup"));
    all.addAll(List.of(args));
    return all;
  }

  public static String testClassPath() {
    return System.getProperty("java.class.path");
  }

  public static Process start(String... args) throws IOException {
    return new ProcessBuilder(command(List.of(), testClassPath(), args)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.PIPE).start();
  }

  /** @param exit the exit code, err what it printed on stderr */
  public record Result(int exit, String err) {}

  public static Result await(Process p, long seconds) throws IOException, InterruptedException {
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ejup did not finish in " + seconds + " s");
    }
    return new Result(p.exitValue(), new String(err, StandardCharsets.UTF_8));
  }

  /** The class path's entries, for copying them where another user can read them. */
  public static List<Path> classPathEntries() {
    List<Path> entries = new ArrayList<>();
    for (String entry : testClassPath().split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(Path.of(entry));
      }
    }
    return entries;
  }
}
