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
}
