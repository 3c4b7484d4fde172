package dev.ejup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.UserError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SshValuesTest {
  @Test
  void targetsParseLikeOpenSsh() {
    assertEquals(new SshTarget("root", "xmpp.example.org", 2222), SshTarget.parse("root@xmpp.example.org:2222"));
    assertEquals(new SshTarget(null, "xmpp", null), SshTarget.parse("xmpp"));
    assertEquals(new SshTarget("admin", "::1", 22), SshTarget.parse("admin@[::1]:22"));
    assertThrows(UserError.class, () -> SshTarget.parse("root@host:99999"));
    assertThrows(UserError.class, () -> SshTarget.parse("@host"));
    assertNull(SshTarget.parse("root@host").port());
  }

  @Test
  void quotingSurvivesARealShell() throws Exception {
    for (String nasty : List.of("plain", "with space", "it's", "$(touch /tmp/ejup-pwned)", "`id`", "-rf", "a\nb", "\"q\"", "")) {
      Process p = new ProcessBuilder("sh", "-c", "printf %s " + Quote.arg(nasty)).start();
      assertEquals(nasty, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), nasty);
      assertEquals(0, p.waitFor());
    }
    assertTrue(!new java.io.File("/tmp/ejup-pwned").exists());
    assertEquals("chown -R -- 'a b' /x", Quote.command(List.of("chown", "-R", "--", "a b", "/x")));
  }

  @Test
  void sudoRefusalsAreRecognised() {
    assertTrue(Sudo.isRefusal("sudo: a password is required\n"));
    assertTrue(Sudo.isRefusal("Sorry, user bob is not allowed to execute '/usr/bin/chown x' as root on h."));
    assertTrue(!Sudo.isRefusal("chown: cannot access '/x': No such file or directory"));
  }
}
