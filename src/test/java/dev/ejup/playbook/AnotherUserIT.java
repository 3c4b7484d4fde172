package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.testing.FallbackLocks;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ejup run by a user other than root (setpriv to nobody), as a monitoring system runs it.
 *
 * <p>Root's cron and a monitoring user's run the same health check on one host: before, the lock
 * was one file in /tmp, root made it 0644, and every later run by another user ended in
 * "internal error: AccessDeniedException". Each user now has a lock directory of its own.
 * Runs the built jar as root, then as nobody (setpriv), without a server: the play's one step
 * waits on a closed port, so each run must end CRITICAL (2), never UNKNOWN (3).
 */
class AnotherUserIT {
  private static final List<String> NOBODY = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

  private static LocalEjabberd.Shell.Result ejup(List<String> asUser, String... args) {
    List<String> argv = new ArrayList<>(asUser);
    // -XX:-UsePerfData: no /tmp/hsperfdata_nobody, which the JVM makes for each user and never removes
    argv.addAll(List.of("env", "-i", "PATH=/usr/bin:/bin", "HOME=/", "java", "-XX:-UsePerfData", "-jar",
        Path.of("target/ejup.jar").toAbsolutePath().toString()));
    argv.addAll(List.of(args));
    return LocalEjabberd.Shell.run(argv, 120);
  }

  private static LocalEjabberd.Shell.Result ejup(List<String> asUser, Path book) {
    return ejup(asUser, "play", book.toString(), "-e", "domain=example.org");
  }

  /** Before: "cannot read password file F: F", the path twice and no reason. */
  @Test
  void aPasswordFileThisUserMayNotReadSaysSoWithThePath(@TempDir Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path secret = Files.writeString(dir.resolve("monitor.pw"), "secret\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    LocalEjabberd.Shell.Result r = ejup(NOBODY, "check", "--jid", "monitor@example.org", "--server", "127.0.0.1:1",
        "--password-file", secret.toString());
    assertEquals(3, r.exit(), r.out());
    assertTrue(r.out().contains("password file " + secret + ": permission denied"), r.out());
  }

  @Test
  void anotherUsersRunAfterRootsIsNotBlockedByItsLock(@TempDir Path dir) throws IOException {
    // runs without XDG_RUNTIME_DIR and /run/user/UID, as from cron: their lock directories are /tmp/ejup-UID
    FallbackLocks locks = FallbackLocks.before(0, 65534);
    try {
      runAsRootThenAsNobody(dir);
    } finally {
      locks.removeMade();
    }
  }

  private static void runAsRootThenAsNobody(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path book = dir.resolve("hc.yml");
    // the lock value of the playbooks shipped before: a path in /tmp, now only the lock's name
    Files.writeString(book, "name: hc\nlock: /tmp/ejup-healthcheck.lock\nvars: {domain: ~}\nsteps:\n"
        + "  - wait: {server: '127.0.0.1:1', timeout: '0.2'}\n");
    Files.setPosixFilePermissions(book, PosixFilePermissions.fromString("rw-r--r--"));
    LocalEjabberd.Shell.Result root = ejup(List.of(), book);
    assertEquals(2, root.exit(), root.out());
    LocalEjabberd.Shell.Result nobody = ejup(NOBODY, book);
    assertEquals(2, nobody.exit(), nobody.out());
    assertTrue(!nobody.out().contains("internal error") && !nobody.out().contains("Exception"), nobody.out());
    assertTrue(Files.isDirectory(Path.of("/tmp/ejup-65534")) || Files.isDirectory(Path.of("/run/user/65534")), "nobody's own lock directory");
  }
}
