package dev.ejup.docroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sandbox rules on Debian's real ejabberd.service and AppArmor profile (copies of the 23.01
 * package's files, kept equal to the installed ones by SandboxIT): which docroots they hide, make
 * read-only or deny, and the drop-in or override line that fixes each.
 */
class SandboxTest {
  private static String fixture(String name) throws IOException {
    return Files.readString(Path.of("src/test/resources/sandbox/" + name));
  }

  private static Sandbox.Unit debianUnit(boolean live, String... dropIns) throws IOException {
    List<String> files = new java.util.ArrayList<>(List.of(fixture("ejabberd.service")));
    files.addAll(List.of(dropIns));
    return new Sandbox.Unit("/lib/systemd/system/ejabberd.service", Sandbox.parseUnit(files), live);
  }

  private static Sandbox.Profile debianProfile(String mode, String local) throws IOException {
    String text = fixture("usr.sbin.ejabberdctl");
    return new Sandbox.Profile("/etc/apparmor.d/usr.sbin.ejabberdctl", text, "/etc/apparmor.d/local/usr.sbin.ejabberdctl", local, mode);
  }

  @Test
  void debiansUnitIsReadAsSystemdShowsIt() throws IOException {
    Sandbox.Unit unit = debianUnit(true);
    assertEquals("yes", unit.get("ProtectHome"));
    assertEquals("full", unit.get("ProtectSystem"));
    assertEquals("yes", unit.get("PrivateTmp"));
    assertEquals("", unit.get("ReadWritePaths"));
  }

  @Test
  void aDocrootUnderHomeIsHiddenByProtectHome() throws IOException {
    Sandbox.Finding f = Sandbox.judge(debianUnit(true), "/home/xmpp/upload");
    assertEquals(Status.CRIT, f.status());
    assertTrue(f.detail().startsWith("systemd hides /home/xmpp/upload from ejabberd: ProtectHome=yes"), f.detail());
    assertEquals(List.of("[Service]", "ProtectHome=tmpfs", "BindPaths=/home/xmpp/upload"), f.fixLines());
    assertEquals("/etc/systemd/system/ejabberd.service.d/ejup-docroot.conf", f.fixFile());
    assertTrue(f.hint().contains("'ProtectHome=tmpfs' 'BindPaths=/home/xmpp/upload'"), f.hint());
    // the fix, as a drop-in after the unit, is what systemd then runs
    Sandbox.Unit fixed = debianUnit(true, String.join("\n", f.fixLines()) + "\n");
    assertEquals(Status.OK, Sandbox.judge(fixed, "/home/xmpp/upload").status());
  }

  @Test
  void aRelativeDocrootCannotBeJudgedByEitherSandbox() throws IOException {
    for (boolean live : List.of(true, false)) {
      Sandbox.Finding f = Sandbox.judge(debianUnit(live), "upload");
      assertEquals(Status.UNKNOWN, f.status(), f.detail());
      assertEquals("docroot upload is not an absolute path, so what systemd does to it cannot be judged", f.detail());
      assertTrue(f.fixLines().isEmpty() && f.fixFile().isEmpty(), f.toString());
    }
    for (String mode : List.of("enforce", "complain", "not running")) {
      Sandbox.Finding f = Sandbox.judge(debianProfile(mode, "upload/** rwk,\n"), "upload");
      assertEquals(Status.UNKNOWN, f.status(), mode + ": " + f.detail());
      assertTrue(f.fixLines().isEmpty(), f.toString());
    }
  }

  @Test
  void aDocrootUnderTmpIsAPrivateCopy() throws IOException {
    Sandbox.Finding f = Sandbox.judge(debianUnit(true), "/tmp/upload");
    assertEquals(Status.CRIT, f.status());
    assertTrue(f.detail().contains("PrivateTmp=yes") && f.detail().contains("loses them at every restart"), f.detail());
    assertTrue(f.hint().contains("/var/lib/ejabberd/upload"), f.hint());
    assertEquals(Status.CRIT, Sandbox.judge(debianUnit(true), "/var/tmp/upload").status());
  }

  @Test
  void aDocrootUnderEtcOrUsrIsReadOnlyWithProtectSystemFull() throws IOException {
    for (String docroot : List.of("/etc/ejabberd/upload", "/usr/local/share/upload")) {
      Sandbox.Finding f = Sandbox.judge(debianUnit(true), docroot);
      assertEquals(Status.CRIT, f.status(), docroot);
      assertTrue(f.detail().contains("read-only for ejabberd (ProtectSystem=full)"), f.detail());
      assertEquals(List.of("[Service]", "ReadWritePaths=" + docroot), f.fixLines());
      assertEquals(Status.OK, Sandbox.judge(debianUnit(true, "[Service]\nReadWritePaths=" + docroot + "\n"), docroot).status());
    }
  }

  @Test
  void srvOptAndVarLibAreLeftWritableBySystemd() throws IOException {
    for (String docroot : List.of("/srv/upload", "/opt/ejabberd/upload", "/var/lib/ejabberd/upload")) {
      assertEquals(Status.OK, Sandbox.judge(debianUnit(true), docroot).status(), docroot);
    }
  }

  @Test
  void dropInsAddAndResetListsAndALaterValueWins() throws IOException {
    Sandbox.Unit unit = debianUnit(true, "[Service]\nReadWritePaths=/etc/a\nReadWritePaths=-/etc/b\n", "[Service]\nProtectSystem=strict\n");
    assertEquals("strict", unit.get("ProtectSystem"));
    assertEquals(Status.OK, Sandbox.judge(unit, "/etc/b/x").status());
    assertEquals(Status.CRIT, Sandbox.judge(unit, "/srv/upload").status(), "strict makes all but /dev /proc /sys read-only");
    Sandbox.Unit reset = debianUnit(true, "[Service]\nReadWritePaths=/etc/a\n", "[Service]\nReadWritePaths=\n");
    assertEquals(Status.CRIT, Sandbox.judge(reset, "/etc/a").status(), "an empty assignment resets the list");
    Sandbox.Unit elsewhere = debianUnit(true, "[Install]\nProtectHome=no\n");
    assertEquals(Status.CRIT, Sandbox.judge(elsewhere, "/home/x").status(), "only [Service] counts");
  }

  @Test
  void whereSystemdDoesNotRunTheUnitIsAWarningOfWhatWillHappen() throws IOException {
    Sandbox.Finding f = Sandbox.judge(debianUnit(false), "/home/xmpp/upload");
    assertEquals(Status.WARN, f.status());
    assertTrue(f.detail().endsWith("systemd is not running here, so this happens once it starts ejabberd"), f.detail());
    assertFalse(f.fixLines().isEmpty());
  }

  @Test
  void debiansProfileAllowsVarLibEjabberdAndDeniesTheRest() throws IOException {
    List<Sandbox.Rule> rules = Sandbox.rules(fixture("usr.sbin.ejabberdctl"), "");
    assertTrue(Sandbox.allows(rules, "/var/lib/ejabberd/upload/a/b/f.bin", "rw"));
    assertTrue(Sandbox.allows(rules, "/var/lib/ejabberd/upload/a/", "w"));
    assertTrue(Sandbox.allows(rules, "/var/log/ejabberd/ejabberd.log", "w"));
    assertFalse(Sandbox.allows(rules, "/var/log/ejabberd/x/y.log", "w"), "* stops at /");
    for (String path : List.of("/srv/upload/f.bin", "/opt/ejabberd/upload/f.bin", "/home/x/upload/f.bin", "/tmp/upload/f.bin",
        "/etc/ejabberd/upload/f.bin")) {
      assertFalse(Sandbox.allows(rules, path, "w"), path);
    }
    assertTrue(Sandbox.allows(rules, "/etc/ejabberd/ejabberd.yml", "r"));
    assertFalse(Sandbox.allows(rules, "/etc/ejabberd/ejabberd.yml", "w"));
    assertTrue(Sandbox.allows(rules, "/usr/bin/bash", "r"), "{,usr/} alternation");
    assertFalse(Sandbox.allows(rules, "/etc/environment", "r"), "a rule of the nested profile su is not ejabberd's");
  }

  @Test
  void aDeniedDocrootIsCriticalWhenEnforcedAWarningInComplainMode() throws IOException {
    Sandbox.Finding enforced = Sandbox.judge(debianProfile("enforce", ""), "/srv/upload");
    assertEquals(Status.CRIT, enforced.status());
    assertTrue(enforced.detail().startsWith("AppArmor profile usr.sbin.ejabberdctl (enforce) allows ejabberd no writes under /srv/upload"),
        enforced.detail());
    assertEquals(List.of("/srv/upload/ rw,", "/srv/upload/** rwk,"), enforced.fixLines());
    assertEquals("/etc/apparmor.d/local/usr.sbin.ejabberdctl", enforced.fixFile());
    assertTrue(enforced.hint().contains("apparmor_parser -r /etc/apparmor.d/usr.sbin.ejabberdctl"), enforced.hint());
    assertEquals(Status.WARN, Sandbox.judge(debianProfile("complain", ""), "/srv/upload").status());
    assertEquals(Status.OK, Sandbox.judge(debianProfile("enforce", ""), "/var/lib/ejabberd/upload").status());
    // the override line, in local/, is what makes it pass
    Sandbox.Finding fixed = Sandbox.judge(debianProfile("enforce", String.join("\n", enforced.fixLines()) + "\n"), "/srv/upload");
    assertEquals(Status.OK, fixed.status(), fixed.detail());
  }

  @Test
  void whereAppArmorDoesNotRunDebiansComplainProfileDeniesNothing() throws IOException {
    String text = fixture("usr.sbin.ejabberdctl");
    assertEquals("complain", Sandbox.fileMode(text));
    assertEquals("not running", Sandbox.mode(text, false, null));
    assertEquals("complain", Sandbox.mode(text, true, "/usr/sbin/ejabberdctl//su (complain)\n/usr/sbin/ejabberdctl (complain)\n"));
    assertEquals("enforce", Sandbox.mode(text, true, "/usr/sbin/ejabberdctl (enforce)\n"));
    assertEquals("not loaded", Sandbox.mode(text, true, "/usr/bin/man (enforce)\n"));
    assertEquals(Status.OK, Sandbox.judge(debianProfile("not running", ""), "/srv/upload").status());
    Sandbox.Profile enforcing = new Sandbox.Profile("/etc/apparmor.d/usr.sbin.ejabberdctl", text.replace(" flags=(complain)", ""),
        "/etc/apparmor.d/local/usr.sbin.ejabberdctl", "", "not running");
    assertEquals(Status.WARN, Sandbox.judge(enforcing, "/srv/upload").status(), "enforced as soon as it is loaded");
  }
}
