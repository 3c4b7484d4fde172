package dev.ejup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ejup.model.UserError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flags (--identity ...) and playbook variables (identity: ...) become SSH options by one rule. */
class SshOptionsTest {
  private static final Map<String, String> ENV = Map.of("HOME", "/home/admin");

  @Test
  void blankFileNamesMeanSshsDefaultsAsAbsentOnesDo() {
    // a playbook passes "${identity}" even when unset: "" must not become a file named ""
    SshOptions fromVars = SshOptions.of("root@xmpp:2222", "", " ", false, null, Duration.ofSeconds(30), ENV);
    SshOptions fromFlags = SshOptions.of("root@xmpp:2222", null, null, false, null, Duration.ofSeconds(30), ENV);
    assertEquals(fromFlags, fromVars);
    assertNull(fromVars.identity());
    assertNull(fromVars.knownHosts());
    assertEquals(new SshTarget("root", "xmpp", 2222), fromVars.target());
    assertEquals(SshOptions.SYSTEM_CONFIG, fromVars.systemConfig());
  }

  @Test
  void homeComesFromTheEnvironmentGiven() {
    SshOptions o = SshOptions.of("xmpp", "/k", "/kh", true, "pw", Duration.ofSeconds(5), ENV);
    assertEquals(Path.of("/home/admin"), o.home());
    assertEquals(Path.of("/k"), o.identity());
    assertEquals(Path.of("/kh"), o.knownHosts());
    assertEquals(Path.of(System.getProperty("user.home")), SshOptions.of("xmpp", null, null, false, null, Duration.ofSeconds(5), Map.of()).home());
  }

  @Test
  void aTargetThatIsNotHostPortIsAUserError() {
    UserError e = assertThrows(UserError.class, () -> SshOptions.of("root@host:0", null, null, false, null, Duration.ofSeconds(5), ENV));
    assertEquals(3, e.exitCode());
  }

  /**
   * JSch opens a key and a known_hosts file and reads them whole: a FIFO as either blocked the run
   * for ever (past --ssh-timeout), /dev/zero as a key filled the memory. Both are refused before
   * anything connects, in one line.
   */
  @Test
  void aKeyOrKnownHostsThatIsAPipeOrDeviceIsRefusedAtOnce(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("key.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Path known = java.nio.file.Files.writeString(dir.resolve("known_hosts"), "");
    Path key = java.nio.file.Files.writeString(dir.resolve("id"), "not a key\n");
    for (String[] files : new String[][] {{fifo.toString(), known.toString()}, {"/dev/zero", known.toString()}, {key.toString(), fifo.toString()}}) {
      long start = System.nanoTime();
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("docroot", "check", "--ssh", "root@127.0.0.1:1",
          "--known-hosts", files[1], "--ssh-timeout", "20"));
      if (!files[0].equals(key.toString())) {
        args.addAll(java.util.List.of("--identity", files[0]));
      }
      dev.ejup.Ejup.Result r = dev.ejup.Ejup.runCaptured(Map.of("HOME", dir.toString()), args.toArray(String[]::new));
      assertEquals(3, r.exitCode(), r.out() + r.err());
      org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() - start < 5_000_000_000L, "at once");
      org.junit.jupiter.api.Assertions.assertTrue(r.err().contains(files[0].equals(key.toString())
          ? "known_hosts file " + fifo + " is not a regular file" : "the key " + files[0] + " is not a regular file of at most 1 MiB"), r.err());
    }
  }
}
