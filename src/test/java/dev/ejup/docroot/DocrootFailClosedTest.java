package dev.ejup.docroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import dev.ejup.ssh.LocalShell;
import dev.ejup.ssh.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A docroot run never says OK for work that did not run: a failure injected into each remote
 * command in turn (through the same code as a real run, on this machine's real commands) ends as
 * a step that names where it stopped, in one line, and the report is never OK.
 */
class DocrootFailClosedTest {
  // not a @TempDir under /tmp: Debian's ejabberd.service gives ejabberd a private /tmp, which docroot check reports
  Path dir;

  @org.junit.jupiter.api.BeforeEach
  void scratch() throws java.io.IOException {
    dir = Files.createTempDirectory(Files.createDirectories(Path.of("/var/lib/ejup-test")), "docroot-failclosed-");
  }

  @org.junit.jupiter.api.AfterEach
  void clean() throws java.io.IOException, InterruptedException {
    new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
  }

  /** The real shell, failing at the nth command (1-based) with what fault makes. */
  private static final class FailingShell implements Shell {
    private final Shell real = new LocalShell();
    private final int failAt;
    private final Supplier<RuntimeException> fault;
    int commands;

    FailingShell(int failAt, Supplier<RuntimeException> fault) {
      this.failAt = failAt;
      this.fault = fault;
    }

    @Override
    public Result run(List<String> argv, boolean asRoot, byte[] stdin) {
      if (++commands == failAt) {
        throw fault.get();
      }
      return real.run(argv, asRoot, stdin);
    }

    @Override
    public String where() {
      return "localhost";
    }

    @Override
    public void close() {
      real.close();
    }
  }

  private Docroot.Options setUp(String mode) throws IOException {
    Path docroot = Files.createDirectories(dir.resolve("upload"));
    Files.writeString(Files.createDirectories(docroot.resolve("h/r")).resolve("ejup-check-1.bin"), "x");
    Files.setPosixFilePermissions(docroot, PosixFilePermissions.fromString(mode));
    String base = Files.readString(Path.of("src/test/resources/config/base.yml"));
    Path config = dir.resolve("ejabberd.yml");
    Files.writeString(config, base.replace("    put_url: https://@HOST@:5443/upload\n",
        "    put_url: https://@HOST@:5443/upload\n    docroot: \"" + docroot + "\"\n"));
    // root owns the temporary folder and everything in it, so the run without a fault is OK
    return new Docroot.Options(config.toString(), "root", false);
  }

  private static void neverOkAtAnyCommand(BiFunction<Shell, Docroot.Options, Report> action, Docroot.Options options,
      Status withoutFault) {
    FailingShell clean = new FailingShell(0, () -> null);
    Report baseline = action.apply(clean, options);
    assertEquals(withoutFault, baseline.worst(), baseline.toString());
    assertTrue(clean.commands > 5, "the run used the shell: " + clean.commands);
    for (int n = 1; n <= clean.commands; n++) {
      for (Supplier<RuntimeException> fault : List.<Supplier<RuntimeException>>of(
          () -> new IllegalStateException("java.lang.NullPointerException: Cannot invoke \"String.length()\""),
          () -> UserError.critical("the connection to localhost dropped while running `stat`", "check the network"))) {
        Report report = action.apply(new FailingShell(n, fault), options);
        assertNotEquals(Status.OK, report.worst(), "fault at command " + n + ": " + report);
        Step failed = report.steps().stream().filter(s -> s.status() == Status.UNKNOWN || s.status() == Status.CRIT)
            .findFirst().orElseThrow();
        assertFalse(failed.detail().isBlank() || failed.detail().contains("\n"), failed.toString());
        assertFalse(failed.detail().contains("Exception") || failed.detail().contains("java."), "no class names: " + failed);
        assertTrue(failed.detail().contains("dropped while running") || failed.detail().contains("the " + failed.name() + " step stopped"),
            "says what happened and where: " + failed);
      }
    }
  }

  @Test
  void checkIsNeverOkWhenAStepFails() throws IOException {
    neverOkAtAnyCommand(Docroot::check, setUp("rwxr-x---"), Status.OK);
  }

  @Test
  void fixIsNeverOkWhenAStepFails() throws IOException {
    Docroot.Options options = setUp("rwxrwxrwx");
    neverOkAtAnyCommand((shell, o) -> {
      try {
        Files.setPosixFilePermissions(dir.resolve("upload"), PosixFilePermissions.fromString("rwxrwxrwx"));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return Docroot.fix(shell, o);
    }, options, Status.OK);
  }

  @Test
  void pruneIsNeverOkWhenAStepFails() throws IOException {
    neverOkAtAnyCommand((shell, o) -> Docroot.prune(shell, o, "ejup-check-*", Duration.ofHours(1)), setUp("rwxr-x---"), Status.OK);
  }

  @Test
  void anAgeIsAPositiveNumberOfMinutesHoursOrDays() {
    assertEquals(Duration.ofMinutes(30), Docroot.age("30m"));
    assertEquals(Duration.ofHours(1), Docroot.age(" 1h "));
    assertEquals(Duration.ofDays(2), Docroot.age("2d"));
    for (String bad : List.of("-1h", "0", "0h", "0m", "garbage", "", "h", "1", "1w", "1.5h", "+1h", "99999999999d", "1 h")) {
      UserError e = assertThrows(UserError.class, () -> Docroot.age(bad), bad);
      assertEquals(3, e.exitCode());
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void pruneRefusesAnAgeThatIsNotPositiveBeforeConnecting() {
    for (String bad : List.of("-1h", "0", "0m", "garbage")) {
      // port 1: were it to connect, the error would be a refused connection, exit 2
      dev.ejup.Ejup.Result r = dev.ejup.Ejup.runCaptured(java.util.Map.of(), "docroot", "prune", "--ssh", "root@127.0.0.1:1",
          "--older-than", bad);
      assertEquals(3, r.exitCode(), bad + ": " + r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().contains("'" + bad + "'"), r.err());
    }
  }

  @Test
  void anOwnerThatIsNoUserNameIsAUsageErrorBeforeConnecting() {
    for (String bad : List.of("-x", "a:b", "", "root; rm", "x y")) {
      dev.ejup.Ejup.Result r = dev.ejup.Ejup.runCaptured(java.util.Map.of(), "docroot", "check", "--ssh", "root@127.0.0.1:1",
          "--owner", bad);
      assertEquals(3, r.exitCode(), bad + ": " + r.err());
      assertTrue(r.err().contains("--owner '" + bad.strip() + "' is not a user name or uid"), r.err());
    }
    assertEquals("9000", new Docroot.Options(null, " 9000 ", false).owner());
  }

  @Test
  void aContainerUidIsHonouredOnThisMachineToo() throws IOException, InterruptedException {
    Docroot.Options root = setUp("rwxr-x---");
    Path docroot = dir.resolve("upload");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertEquals(0, new ProcessBuilder("chown", "-R", "9000:9000", docroot.toString()).start().waitFor());
    Docroot.Options as9000 = new Docroot.Options(root.config(), "9000", false);
    Report report = Docroot.check(new LocalShell(), as9000);
    assertEquals(Status.OK, report.worst(), report.toString());
    assertTrue(report.steps().stream().anyMatch(s -> s.detail().equals(docroot + " is 9000:9000 0750, writable by 9000")), report.toString());
  }
}
