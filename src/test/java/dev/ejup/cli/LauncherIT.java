package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.testing.Checkout;
import dev.ejup.testing.EjupProcess;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * bin/ejup as cron and Nagios run it, as root and as another user, on a copy of the checkout:
 * it never builds (a stale or missing jar is one UNKNOWN line), runs the newest JDK with the
 * start-up cache made for it, proves the cache is really used, and goes on without one that is
 * stale or for another JDK. Each case was measured on the launcher that built at check time.
 */
class LauncherIT {
  private static final String[] CHECK_CLOSED_PORT = {"check", "--jid", "hc@localhost", "--server", "127.0.0.1:9",
      "--format", "nagios", "--deadline", "20"};
  private static final Map<String, String> PASSWORD = Map.of("EJUP_PASSWORD", "x", "EJUP_NO_CDS_LEARNING", "1");

  /** Before: five checks after a `git pull` ran five `mvn package` in one target/ (Maven's errors, exit 1 for one). */
  @Test
  void checksAfterAPullNeverBuildAndSayUnknownInOneLine() throws Exception {
    Checkout checkout = Checkout.copy().withSources();
    Path source = checkout.root.resolve("src/main/java/A.java");
    Files.setLastModifiedTime(source, FileTime.fromMillis(System.currentTimeMillis()));
    FileTime jarTime = Files.getLastModifiedTime(checkout.jar());
    List<EjupProcess> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(EjupProcess.launcher(checkout.launcher(), PASSWORD, CHECK_CLOSED_PORT));
    }
    for (EjupProcess check : five) {
      EjupProcess.Result r = check.waitFor(60);
      assertEquals(3, r.exitCode(), r.out() + r.err());
      assertEquals(1, r.out().lines().count(), r.out());
      assertTrue(r.out().startsWith("EJUP UNKNOWN - " + checkout.jar() + " is older than the sources"), r.out());
      assertTrue(r.out().contains("run scripts/install"), r.out());
      assertEquals("", r.err(), "no build, no Maven: " + r.err());
    }
    assertEquals(jarTime, Files.getLastModifiedTime(checkout.jar()), "the jar was not rebuilt");
    assertFalse(Files.exists(checkout.root.resolve("target/classes")), "nothing was compiled");
  }

  /**
   * The breaker's class, where Java cannot run: a cron job with --output kept the last run's
   * ejup_check_success 1 when the launcher could not start ejup (it printed its line on stdout,
   * which cron mails), and --format prometheus got a Nagios line node_exporter cannot read. The
   * file now gets the run's UNKNOWN as the series a run writes, through a link as ejup writes.
   */
  @Test
  void aCheckThatCannotStartReplacesTheLastReportInOutput(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Checkout checkout = Checkout.copy().withSources();
    Files.setLastModifiedTime(checkout.root.resolve("src/main/java/A.java"), FileTime.fromMillis(System.currentTimeMillis()));
    Path prom = Files.writeString(dir.resolve("ejup.prom"), "ejup_check_success{target=\"example.org\"} 1\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.prom"), prom);
    EjupProcess.Result r = EjupProcess.launcher(checkout.launcher(), PASSWORD, "check", "--jid", "hc@Example.org/monitor",
        "--format", "prometheus", "--output", link.toString()).waitFor(60);
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertEquals("", r.out());
    assertTrue(Files.isSymbolicLink(link), "written through the link");
    String written = Files.readString(prom);
    // the target as a run of that --jid names it in its series: the domain as written
    assertTrue(written.contains("ejup_check_success{target=\"Example.org\"} 0\n"), written);
    assertTrue(written.contains("ejup_check_status{target=\"Example.org\"} 3\n"), written);
    assertFalse(written.contains("} 1\n"), "the last run's report is gone: " + written);
    EjupProcess.Result play = EjupProcess.launcher(checkout.launcher(), PASSWORD, "play", "-f", "2", "playbooks/healthcheck.yml",
        "-e", "domain=example.org", "--format", "prometheus").waitFor(60);
    assertEquals(3, play.exitCode());
    assertTrue(play.out().contains("ejup_playbook_healthcheck_success{target=\"example.org\"} 0\n"), play.out());
    // a label value with what Prometheus must have escaped: a quote, a backslash, a line break
    EjupProcess.Result odd = EjupProcess.launcher(checkout.launcher(), PASSWORD, "check", "--jid", "hc@a\"b\\c\nd",
        "--format", "prometheus").waitFor(60);
    assertTrue(odd.out().contains("ejup_check_success{target=\"a\\\"b\\\\c\\nd\"} 0\n"), odd.out());
    Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write((written + play.out() + odd.out().replace("ejup_check_", "ejup_odd_"))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String said = new String(promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, promtool.waitFor(), said);
    EjupProcess.Result json = EjupProcess.launcher(checkout.launcher(), PASSWORD, "check", "--jid", "hc@example.org",
        "--format", "json", "--output", dir.resolve("ejup.json").toString()).waitFor(60);
    assertEquals("", json.out());
    assertTrue(Files.readString(dir.resolve("ejup.json")).startsWith("{\"status\": \"UNKNOWN\", \"exit_code\": 3,"));

    // the second breaker's: --format in another case (as Java reads it), and a copy of a playbook under another file name
    // (its series are named by the name it says)
    Path copy = Files.copy(Path.of("playbooks/healthcheck.yml"), dir.resolve("Health-Check.v2.yml"));
    EjupProcess.Result renamed = EjupProcess.launcher(checkout.launcher(), PASSWORD, "play", "--", copy.toString(),
        "--format=Prometheus").waitFor(60);
    assertTrue(renamed.out().contains("ejup_playbook_healthcheck_success{target=\"localhost\"} 0\n"), renamed.out());
    // a pipe or a device as --output is written as it is, never replaced by a file (as root that was /dev/null's fate)
    Path fifo = dir.resolve("report.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    java.util.concurrent.CompletableFuture<String> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return Files.readString(fifo);
      } catch (IOException e) {
        return e.toString();
      }
    });
    EjupProcess.launcher(checkout.launcher(), PASSWORD, "check", "--jid", "hc@example.org", "--format", "JSON", "--output",
        fifo.toString()).waitFor(60);
    assertTrue(read.get(30, java.util.concurrent.TimeUnit.SECONDS).startsWith("{\"status\": \"UNKNOWN\""));
    assertTrue(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther(), "still a pipe");
    Path device = dir.resolve("null");
    if (new ProcessBuilder("mknod", device.toString(), "c", "1", "3").start().waitFor() == 0) { // root (CI) only
      EjupProcess.launcher(checkout.launcher(), PASSWORD, "check", "--jid", "hc@example.org", "--format", "nagios", "--output",
          device.toString()).waitFor(60);
      assertTrue(Files.readAttributes(device, java.nio.file.attribute.BasicFileAttributes.class).isOther(), "still a device");
    }
  }

  @Test
  void aMissingJarIsOneUnknownLineForChecksAndOneErrorLineOtherwise() throws Exception {
    Checkout checkout = Checkout.copy();
    Files.delete(checkout.jar());
    EjupProcess.Result check = EjupProcess.launcher(checkout.launcher(), PASSWORD, CHECK_CLOSED_PORT).waitFor(60);
    assertEquals(3, check.exitCode());
    assertTrue(check.out().matches("EJUP UNKNOWN - \\S+ejup.jar is missing, nothing was checked \\(hint: build it once with scripts/install.*\\n"),
        check.out());
    EjupProcess.Result version = EjupProcess.launcher(checkout.launcher(), Map.of(), "version").waitFor(60);
    assertEquals(3, version.exitCode());
    assertEquals("", version.out());
    assertTrue(version.err().startsWith("ejup: ") && version.err().lines().count() == 1, version.err());
  }

  @Test
  void aJavaHomeWithoutJavaOrWithAnOldJavaIsOneUnknownLine() throws Exception {
    Checkout checkout = Checkout.copy();
    Path none = checkout.root.resolve("no-jdk");
    EjupProcess.Result missing = EjupProcess.launcher(checkout.launcher(), Map.of("JAVA_HOME", none.toString()), CHECK_CLOSED_PORT).waitFor(60);
    assertEquals(3, missing.exitCode());
    assertEquals("EJUP UNKNOWN - JAVA_HOME=" + none + " has no bin/java, nothing was checked (hint: point JAVA_HOME at a JDK 17 or newer,"
        + " or unset it to use the newest in /usr/lib/jvm)\n", missing.out());
    Path old = Files.createDirectories(checkout.root.resolve("jdk-11/bin"));
    Files.writeString(old.resolve("java"), "#!/bin/sh\necho 'a Java 11 ran'\n");
    Files.setPosixFilePermissions(old.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(old.getParent().resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"11.0.2\"\n");
    EjupProcess.Result eleven = EjupProcess.launcher(checkout.launcher(), Map.of("JAVA_HOME", old.getParent().toString()), CHECK_CLOSED_PORT)
        .waitFor(60);
    assertEquals(3, eleven.exitCode());
    assertTrue(eleven.out().startsWith("EJUP UNKNOWN - " + old.resolve("java") + " is Java 11, ejup needs 17 or newer"), eleven.out());
    assertFalse(eleven.out().contains("a Java 11 ran"), eleven.out());
  }

  /** Before: java was exec'd and refused to start: exit 1 (WARNING to Nagios) with no EJUP line. */
  @Test
  void aJvmThatCannotStartIsOneUnknownLine() throws Exception {
    Checkout checkout = Checkout.copy();
    EjupProcess.Result bogus = EjupProcess.launcher(checkout.launcher(), Map.of("EJUP_JAVA_OPTS", "-XX:+NoSuchEjupOption"), CHECK_CLOSED_PORT)
        .waitFor(60);
    assertEquals(3, bogus.exitCode(), bogus.out() + bogus.err());
    assertEquals(1, bogus.out().lines().count(), bogus.out());
    assertTrue(bogus.out().startsWith("EJUP UNKNOWN - ") && bogus.out().contains("NoSuchEjupOption"), bogus.out());
    // no release file: the version check had nothing to read
    Path broken = Files.createDirectories(checkout.root.resolve("jdk-broken/bin"));
    Files.writeString(broken.resolve("java"), "#!/bin/sh\necho 'cannot start' >&2\nexit 1\n");
    Files.setPosixFilePermissions(broken.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    EjupProcess.Result noRelease = EjupProcess.launcher(checkout.launcher(), Map.of("JAVA_HOME", broken.getParent().toString()),
        CHECK_CLOSED_PORT).waitFor(60);
    assertEquals(3, noRelease.exitCode(), noRelease.out() + noRelease.err());
    assertEquals(1, noRelease.out().lines().count(), noRelease.out());
    assertTrue(noRelease.out().startsWith("EJUP UNKNOWN - " + broken.resolve("java") + " does not start"), noRelease.out());
  }

  /** Before: on JDK 25 the learning run's AOT assembly printed after the JSON report on stdout, and its stderr was lost. */
  @Test
  void aLearningRunPrintsOnlyTheReportOnStdout() throws Exception {
    Checkout checkout = Checkout.copy();
    Path startUp = checkout.root.resolve("target/start-up");
    EjupProcess.Result help = EjupProcess.launcher(checkout.launcher(), Map.of(), "check", "--help").waitFor(60);
    assertEquals(0, help.exitCode(), help.err());
    if (Files.exists(startUp)) {
      try (var files = Files.walk(startUp)) {
        assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("learn.")), "check --help learned nothing");
      }
    }
    EjupProcess.Result learning = EjupProcess.launcher(checkout.launcher(), Map.of("EJUP_PASSWORD", "x"),
        "check", "--jid", "hc@localhost", "--server", "127.0.0.1:9", "--format", "json", "--deadline", "20").waitFor(120);
    assertEquals(2, learning.exitCode(), learning.out() + learning.err());
    assertTrue(learning.out().startsWith("{") && learning.out().endsWith("}\n"), learning.out());
    assertFalse(learning.out().contains("AOT"), learning.out());
    assertFalse(learning.err().contains("AOTCache"), learning.err());
    try (var files = Files.walk(startUp)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("learn.tried")), "it was a learning run");
    }
    EjupProcess.Result noPassword = EjupProcess.launcher(checkout.launcher(), Map.of("EJUP_NO_CDS_LEARNING", ""),
        "check", "--jid", "hc@localhost", "--format", "nagios").waitFor(60);
    assertEquals(3, noPassword.exitCode());
    assertTrue(noPassword.out().startsWith("EJUP UNKNOWN - no password"), noPassword.out());
    assertTrue(noPassword.err().startsWith("ejup: no password"), "stderr is kept: " + noPassword.err());
  }

  /** Before: as nagios, a stale jar never rebuilt and every check ended in Maven's errors (exit 3). */
  @Test
  void anotherUserRunsChecksWithTheCacheAndWritesNothing() throws Exception {
    Checkout checkout = Checkout.copy().withSources();
    startUpCache(checkout);
    Path log = Files.createDirectories(checkout.root.resolve("log"));
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> before = checkout.cacheFiles();
    LocalEjabberd.Shell.Result r = run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i",
        "PATH=/usr/bin:/bin", "EJUP_PASSWORD=x", "EJUP_JAVA_OPTS=-Xlog:class+load=info:file=" + log.resolve("classes.log")),
        checkout.launcher().toString(), CHECK_CLOSED_PORT);
    assertEquals(2, r.exit(), "a closed port is CRITICAL, not a build error: " + r.out());
    assertTrue(r.out().startsWith("EJUP CHECK CRITICAL"), r.out());
    assertEquals(before, checkout.cacheFiles(), "another user learns nothing and writes nothing");
    assertTrue(Files.readString(log.resolve("classes.log")).contains("dev.ejup.Ejup source: shared objects file"),
        "ejup's classes came from the cache");
  }

  /** The cache is made and used for the JDK the launcher picks (Temurin 25 here: an AOT cache). */
  @Test
  void theCacheIsReallyUsedAndSkippedCleanlyWhenStaleOrForAnotherJdk() throws Exception {
    Checkout checkout = Checkout.copy();
    startUpCache(checkout);
    List<Path> dirs = checkout.cacheDirs();
    assertEquals(1, dirs.size(), dirs.toString());
    Path cache;
    try (var files = Files.list(dirs.get(0))) {
      cache = files.filter(f -> f.getFileName().toString().startsWith("base.")).findFirst().orElseThrow();
    }
    assertTrue(ejupFromCache(checkout, Map.of()), "ejup's classes come from the cache");

    // the jar is rebuilt after the cache was made: the cache is not offered, the run is as good without it
    Files.setLastModifiedTime(checkout.jar(), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    assertFalse(ejupFromCache(checkout, Map.of()), "a cache older than the jar is not used");
    Files.setLastModifiedTime(checkout.jar(), FileTime.fromMillis(Files.getLastModifiedTime(cache).toMillis() - 5_000));

    // the same cache file where another JDK looks for its own: that JDK goes on without it, silently
    String other = cache.getFileName().toString().endsWith(".aot") ? "/usr/lib/jvm/java-17-openjdk-amd64" : "/usr/lib/jvm/temurin-25-jdk-amd64";
    if (Files.isExecutable(Path.of(other, "bin/java"))) {
      EjupProcess.Result once = EjupProcess.launcher(checkout.launcher(), Map.of("JAVA_HOME", other), "version").waitFor(60);
      assertEquals(0, once.exitCode(), once.err());
      for (Path dir : checkout.cacheDirs()) {
        if (!dir.equals(dirs.get(0))) {
          Files.copy(cache, dir.resolve(cache.getFileName().toString().endsWith(".aot") ? "base.cds" : "base.aot"));
        }
      }
      EjupProcess.Result foreign = EjupProcess.launcher(checkout.launcher(), Map.of("JAVA_HOME", other), "version").waitFor(60);
      assertEquals(0, foreign.exitCode(), foreign.err());
      assertTrue(foreign.out().startsWith("ejup "), foreign.out());
      assertEquals("", foreign.err(), "no warning from the JVM");
      assertFalse(ejupFromCache(checkout, Map.of("JAVA_HOME", other)), "another JDK's cache is not used");
    }
    // a cache cut short (a dump killed half-way) is refused by the proof the package step and the launcher run
    Path cut = checkout.root.resolve("cut.cache");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(cache), 1 << 20));
    LocalEjabberd.Shell.Result proof = run(List.of(), "bash", "-c",
        ". \"$0/bin/ejup-runtime.sh\"; ejup_java; ejup_cache_proven \"$1\" \"$0/target/ejup.jar\"", checkout.root.toString(), cut.toString());
    assertEquals(1, proof.exit(), "a cut cache is not proven: " + proof.out());
  }

  /**
   * The first good check learns the cache (one run, the lock's holder), a later run proves it with
   * this JDK and renames it into place, and the checks after it load the whole flow from it.
   */
  @Test
  void aGoodCheckLearnsTheCacheTheNextChecksUse() throws Exception {
    Checkout checkout = Checkout.copy();
    LocalEjabberd server = LocalEjabberd.up("i14launch");
    try {
      String[] check = {"check", "--jid", server.get("JID"), "--server", "localhost:" + server.get("XMPP_PORT"), "--format", "nagios"};
      Map<String, String> env = Map.of("EJUP_PASSWORD", server.password());
      EjupProcess.Result first = EjupProcess.launcher(checkout.launcher(), env, check).waitFor(300);
      assertEquals(0, first.exitCode(), first.out() + first.err());
      assertEquals("", first.err(), "the learning run says nothing of its own");
      assertTrue(checkout.cacheFiles().stream().anyMatch(f -> f.matches("learn\\.\\d+\\.ok")), checkout.cacheFiles().toString());
      EjupProcess.Result settle = EjupProcess.launcher(checkout.launcher(), Map.of(), "version").waitFor(120);
      assertEquals(0, settle.exitCode(), settle.err());
      List<String> files = checkout.cacheFiles();
      assertTrue(files.contains("learned.aot") || files.contains("learned.cds"), files.toString());
      assertFalse(files.stream().anyMatch(f -> f.matches("learn\\.\\d+.*")), files.toString());

      Path log = checkout.root.resolve("classes.log");
      Map<String, String> logged = new java.util.HashMap<>(env);
      logged.put("EJUP_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
      EjupProcess.Result used = EjupProcess.launcher(checkout.launcher(), logged, check).waitFor(120);
      assertEquals(0, used.exitCode(), used.out() + used.err());
      List<String> lines = Files.readAllLines(log);
      long shared = lines.stream().filter(l -> l.contains("source: shared objects file")).count();
      assertTrue(shared > 0.9 * lines.size(), shared + " of " + lines.size() + " classes from the learned cache");
      assertTrue(lines.stream().anyMatch(l -> l.contains("org.jivesoftware.smack.sasl.core.ScramMechanism source: shared objects file")),
          "the login, which the package step's training never reaches, was learned");
      assertEquals(files, checkout.cacheFiles(), "nothing learned twice");
    } finally {
      server.down();
    }
  }

  /**
   * Whether `bin/ejup version` loaded ejup's main class from a start-up cache (the JDK's own
   * classes come from the JDK's default archive with or without ejup's cache).
   */
  private static boolean ejupFromCache(Checkout checkout, Map<String, String> env) throws IOException {
    Path log = Files.createTempFile(checkout.root, "classes", ".log");
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("EJUP_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
    EjupProcess.Result r = EjupProcess.launcher(checkout.launcher(), all, "version").waitFor(60);
    assertEquals(0, r.exitCode(), r.err());
    return Files.readAllLines(log).stream().anyMatch(l -> l.contains("dev.ejup.Ejup source: shared objects file"));
  }

  /** Runs scripts/start-up-cache for the copy (the package step's cache, for the JDK the launcher picks). */
  static void startUpCache(Checkout checkout) throws IOException {
    Files.createDirectories(checkout.root.resolve("scripts"));
    Path copy = checkout.root.resolve("scripts/start-up-cache");
    Files.copy(Path.of("scripts/start-up-cache"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    LocalEjabberd.Shell.Result r = run(List.of("env", "-u", "JAVA_HOME"), copy.toString());
    assertEquals(0, r.exit(), r.out());
  }

  private static LocalEjabberd.Shell.Result run(List<String> prefix, String command, String... args) {
    List<String> argv = new ArrayList<>(prefix);
    argv.add(command);
    argv.addAll(List.of(args));
    return LocalEjabberd.Shell.run(argv, 300);
  }
}
