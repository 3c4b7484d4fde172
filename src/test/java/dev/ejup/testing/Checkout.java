package dev.ejup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A copy of what bin/ejup needs from a checkout (the launcher, its runtime file, the built jar) in
 * a directory of its own, readable by every user: tests break, age and learn its start-up caches
 * without touching the checkout's, and may run beside the other integration tests.
 */
public final class Checkout {
  public final Path root;

  private Checkout(Path root) {
    this.root = root;
  }

  /** A copy with the jar and no start-up cache; sources only when {@link #withSources} is called. */
  public static Checkout copy() throws IOException {
    Path root = Files.createTempDirectory("i14-checkout");
    for (Path dir : List.of(root, Files.createDirectories(root.resolve("bin")), Files.createDirectories(root.resolve("target")))) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    for (String file : List.of("bin/ejup", "bin/ejup-runtime.sh", "target/ejup.jar")) {
      Files.copy(Path.of(file), root.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
      Files.setLastModifiedTime(root.resolve(file), Files.getLastModifiedTime(Path.of(file)));
    }
    // tens of MB each (jar and caches): gone when the test JVM ends
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
    return new Checkout(root);
  }

  private static void delete(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // a temporary directory left behind
    }
  }

  public Path launcher() {
    return root.resolve("bin/ejup");
  }

  public Path jar() {
    return root.resolve("target/ejup.jar");
  }

  /** A source tree beside the jar, all of it older than the jar (as after a build). */
  public Checkout withSources() throws IOException {
    Path source = Files.createDirectories(root.resolve("src/main/java")).resolve("A.java");
    Files.writeString(source, "class A {}\n");
    Files.writeString(root.resolve("pom.xml"), "<project/>\n");
    Files.createDirectories(root.resolve("templates"));
    var older = java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar()).toMillis() - 60_000);
    // directories too: the launcher counts a file added or removed by a pull as a change
    for (Path p : List.of(source, source.getParent(), root.resolve("src/main"), root.resolve("pom.xml"), root.resolve("templates"))) {
      Files.setLastModifiedTime(p, older);
    }
    return this;
  }

  /** The per-JDK cache directories under target/start-up (one per JDK the launcher ran with). */
  public List<Path> cacheDirs() throws IOException {
    Path top = root.resolve("target/start-up");
    if (!Files.isDirectory(top)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(top)) {
      return dirs.sorted().toList();
    }
  }

  /** Names of the files in every cache directory. */
  public List<String> cacheFiles() throws IOException {
    List<String> names = new ArrayList<>();
    for (Path dir : cacheDirs()) {
      try (Stream<Path> files = Files.list(dir)) {
        files.forEach(f -> names.add(f.getFileName().toString()));
      }
    }
    return names;
  }

  /** Pids of the running processes whose command line holds text (e.g. a marker passed in EJUP_JAVA_OPTS). */
  public static List<Long> processesWith(String text) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
          if (cmdline.contains(text)) {
            pids.add(Long.parseLong(proc.getFileName().toString()));
          }
        } catch (IOException gone) {
          // ended while listed
        }
      }
    }
    return pids;
  }

  /** The command line of a process, NULs as spaces ("" when it is gone). */
  public static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), java.nio.charset.StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException gone) {
      return "";
    }
  }
}
