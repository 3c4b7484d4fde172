package dev.ejup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ~/.ssh/config as ssh reads it: where each host goes, through which hops, and what ejup refuses. */
class SshConfigTest {
  @TempDir
  Path home;

  private Path config(String text) throws IOException {
    Files.createDirectories(home.resolve(".ssh"));
    return Files.writeString(home.resolve(".ssh/config"), text);
  }

  private Hop hop(String ssh) {
    return Hop.resolve(SshTarget.parse(ssh), home, null);
  }

  private Hop hop(String ssh, String config) throws IOException {
    config(config);
    return hop(ssh);
  }

  @Test
  void proxyJumpIsTheWayInNotIgnored() throws IOException {
    Hop h = hop("xmpp", "Host xmpp\n  HostName 10.0.0.5\n  User deploy\n  ProxyJump admin@bastion.example.org:2200\n");
    assertEquals("deploy@10.0.0.5:22", h.address());
    assertEquals("jump host admin@bastion.example.org:2200", h.via().label());
    assertNull(h.via().via());
  }

  @Test
  void aChainIsFollowedHopByHopEachWithItsOwnSettings() throws IOException {
    Hop h = hop("xmpp", "Host xmpp\n  ProxyJump a,ssh://root@b:2022\nHost a\n  HostName 192.0.2.1\n  User alice\n  Port 2201\n"
        + "  ProxyJump outer\nHost b\n  HostName 192.0.2.2\n  ProxyJump ignored-for-b\n");
    Hop b = h.via();
    assertEquals("root@192.0.2.2:2022", b.address(), "the hop's own user and port win over its config");
    Hop a = b.via();
    assertEquals("alice@192.0.2.1:2201", a.address());
    assertEquals("outer", a.via().alias(), "the first hop's own ProxyJump is followed, as ssh -J a,b does");
    assertNull(a.via().via());
  }

  @Test
  void theFirstObtainedValueWinsAcrossBlocksFilesAndOptions() throws IOException {
    Files.createDirectories(home.resolve(".ssh/config.d"));
    Files.writeString(home.resolve(".ssh/config.d/10-fleet.conf"), "Host xmpp*\n  Port 2202\n  ProxyJump fleet-bastion\n");
    config("Include config.d/*.conf\nHost !xmpp9 xmpp*\n  User first\nHost *\n  User second\n  Port 22\n");
    Path system = Files.writeString(home.resolve("ssh_config"), "Host * !system-bastion\n  ProxyJump system-bastion\n  User third\n");
    Hop h = Hop.resolve(SshTarget.parse("xmpp1"), home, system);
    assertEquals("first@xmpp1:2202", h.address());
    assertEquals("fleet-bastion", h.via().alias());
    Hop negated = Hop.resolve(SshTarget.parse("xmpp9"), home, system);
    assertEquals("second@xmpp9:2202", negated.address(), "a negated pattern keeps the block away");
    Hop optionFirst = Hop.resolve(SshTarget.parse("-o ProxyJump=none -p 2022 xmpp1"), home, system);
    assertNull(optionFirst.via(), "a command-line ProxyJump=none comes before every file, as with ssh -o");
    assertEquals(2022, optionFirst.port());
    Hop jumpedTo = Hop.resolve(SshTarget.parse("-J bastion -p 2022 xmpp1"), home, system);
    assertEquals("bastion", jumpedTo.via().alias());
    assertEquals(22, jumpedTo.via().port(), "the server's -o options are not the jump host's, as with ssh");
    assertEquals("system-bastion", jumpedTo.via().via().alias(), "the jump host's own route comes from the files, not from -J");
    Hop other = Hop.resolve(SshTarget.parse("mail"), home, system);
    assertEquals("system-bastion", other.via().alias(), "/etc/ssh/ssh_config counts too");
  }

  @Test
  void matchBlocksApplyToTheirHostOnlyAndSeeTheHostNameSoFar() throws IOException {
    Hop h = hop("xmpp", "Host xmpp\n  HostName xmpp.internal\nHost other\n  User nobody\n"
        + "Match host *.internal user deploy,admin\n  ProxyJump inner-bastion\nMatch originalhost other\n  ProxyJump other-bastion\n");
    assertNull(h.via(), "the user is the local one here, neither deploy nor admin");
    assertEquals("inner-bastion", hop("deploy@xmpp").via().alias(), "Match host sees the HostName set before it");
    assertEquals("nobody@other:22", hop("other").address());
    assertEquals("other-bastion", hop("other").via().alias());
    assertNull(hop("admin@xmpp.example.org").via(), "a Match line starts a block of its own (JSch took its lines into the Host before)");
  }

  @Test
  void proxyCommandGetsItsTokensAndTheFirstOfProxyCommandAndProxyJumpWins() throws IOException {
    Hop h = hop("xmpp", "Host xmpp\n  HostName 10.0.0.5\n  Port 2222\n  User deploy\n"
        + "  ProxyCommand ssh -W '[%h]:%p' -l %r bastion # via %n %%\n  ProxyJump later\n");
    assertNull(h.via());
    assertEquals("ssh -W '[10.0.0.5]:2222' -l deploy bastion # via xmpp %", h.proxyCommand(),
        "the command as written, quotes kept, for the shell");
    Hop none = hop("-o ProxyCommand=none xmpp");
    assertNull(none.proxyCommand());
    assertNull(none.via(), "ProxyCommand none came first, so the later ProxyJump is not used either");
    Hop jumpFirst = hop("y", "Host y\n  ProxyJump j\n  ProxyCommand nc %h %p\n");
    assertEquals("j", jumpFirst.via().alias());
    assertNull(jumpFirst.proxyCommand());
  }

  @Test
  void aLoopOfJumpHostsIsRefusedNotFollowedForever() throws IOException {
    UserError e = assertThrows(UserError.class, () -> hop("a", "Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n"));
    assertTrue(e.getMessage().contains("loop"), e.getMessage());
  }

  /** One per class: where ssh connects from or to, the name it looks up, host-key trust, the identity, unknown. */
  @ParameterizedTest
  @ValueSource(strings = {
      "BindAddress 192.0.2.9", "BindInterface eth1", "AddressFamily inet6", "CanonicalizeHostname yes",
      "ProxyUseFdpass yes", "KnownHostsCommand /usr/local/bin/keys %H", "RevokedHostKeys /etc/ssh/revoked",
      "PKCS11Provider /usr/lib/opensc-pkcs11.so", "SecurityKeyProvider /usr/lib/sk.so", "CertificateFile ~/.ssh/id_cert.pub",
      "HostName %C.example.org", "IdentityFile ${KEYS}/id_ed25519", "NoSuchOption yes"})
  void aDirectiveEjupDoesNotFollowIsRefusedNamingIt(String directive) throws IOException {
    // should anything slip through, it meets a closed local port, never another machine
    config("# fleet\nHost xmpp\n  " + directive + "\n  HostName 127.0.0.1\n  Port 1\n");
    UserError e = assertThrows(UserError.class, () -> SshConnection.open(options("xmpp")));
    String keyword = directive.split(" ")[0];
    assertTrue(e.getMessage().startsWith(home.resolve(".ssh/config") + ":3: " + keyword), e.getMessage());
    assertFalse(e.oneLine().contains("\n"), e.oneLine());
    assertEquals(3, e.exitCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Match exec \"test -e /run/vpn\"", "Match localnetwork 10.0.0.0/8", "Match final", "Match tagged x"})
  void aMatchEjupCannotEvaluateIsRefusedWhenItMightApply(String match) throws IOException {
    config("Host xmpp\n  HostName 10.0.0.5\n" + match + "\n  ProxyJump bastion\n");
    UserError e = assertThrows(UserError.class, () -> hop("xmpp"));
    assertTrue(e.getMessage().contains(":3: `" + match.replace("\"", "")), e.getMessage());
    config("Host xmpp\n  HostName 10.0.0.5\nMatch host other.example.org " + match.substring(6) + "\n  ProxyJump bastion\n");
    assertNull(hop("xmpp").via(), "a block another criterion already rules out does not matter");
  }

  @Test
  void optionsGivenOnTheCommandLineAreCheckedTheSameWay() {
    UserError e = assertThrows(UserError.class, () -> SshConnection.open(options("-4 root@xmpp")));
    assertTrue(e.getMessage().startsWith("the ssh option -o AddressFamily inet: AddressFamily inet limits"), e.getMessage());
    UserError bind = assertThrows(UserError.class, () -> SshConnection.open(options("-o BindAddress=192.0.2.1 root@xmpp")));
    assertTrue(bind.getMessage().contains("BindAddress 192.0.2.1 changes the address"), bind.getMessage());
    assertThrows(UserError.class, () -> SshTarget.parse("-F /tmp/other root@xmpp"));
    assertThrows(UserError.class, () -> SshTarget.parse("root@xmpp uptime"));
    assertEquals(List.of("ProxyJump b", "ProxyCommand=ssh -W %h:%p b"),
        SshTarget.parse("-J b -o 'ProxyCommand=ssh -W %h:%p b' root@xmpp:22").options());
  }

  @Test
  void debiansOwnSshConfigAndCommonHarmlessSettingsAreNotRefused() throws IOException {
    config("IgnoreUnknown UseKeychain,SomethingNew\nHost *\n  ServerAliveInterval 30\n  ControlMaster auto\n  ControlPath ~/.ssh/cm-%r@%h:%p\n  ControlPersist 10m\n"
        + "  StrictHostKeyChecking accept-new\n  ForwardAgent yes\n  AddKeysToAgent yes\n  Compression yes\n"
        + "  UseKeychain yes\n  SomethingNew yes\n");
    Path system = Files.writeString(home.resolve("ssh_config"),
        "Include /nonexistent/ssh_config.d/*.conf\nHost *\n    SendEnv LANG LC_*\n    HashKnownHosts yes\n    GSSAPIAuthentication yes\n");
    Hop h = Hop.resolve(SshTarget.parse("root@xmpp:2222"), home, system);
    assertEquals("root@xmpp:2222", h.address());
    assertNull(h.via());
  }

  @Test
  void aProxyCommandThatNeverAnswersIsBoundedByTheTimeout() throws IOException {
    // a proxied stream has no socket for JSch to time out: ejup's stand-in must end the wait
    config("Host silent\n  HostName 127.0.0.1\n  Port 1\n  ProxyCommand sleep 180\n");
    long start = System.nanoTime();
    UserError e = assertThrows(UserError.class, () -> SshConnection.open(
        new SshOptions(SshTarget.parse("silent"), null, null, false, null, java.time.Duration.ofSeconds(2), home, null)));
    // slack for a loaded 2-core machine (20 times the timeout), still far below the command's 180 s
    assertTrue(System.nanoTime() - start < 40_000_000_000L, "bounded by the timeout, not by the command");
    assertTrue(e.getMessage().startsWith("the ProxyCommand for ") && e.getMessage().contains(
        "@127.0.0.1:1 failed: it was still running but had sent no SSH server greeting"), e.getMessage());
    assertEquals(2, e.exitCode());
  }

  private SshOptions options(String ssh) {
    return new SshOptions(SshTarget.parse(ssh), null, null, false, null, java.time.Duration.ofSeconds(5), home, null);
  }

  @Test
  void theCliSaysSoInOneLineBeforeConnecting() throws IOException {
    config("Host xmpp\n  HostName 127.0.0.1\n  Port 1\n  BindAddress 127.0.0.2\n");
    Ejup.Result r = Ejup.runCaptured(Map.of("HOME", home.toString()), "docroot", "check", "--ssh", "xmpp");
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains("BindAddress 127.0.0.2 changes the address"), r.err());
    assertFalse(r.err().contains("refused"), "nothing was contacted: " + r.err());
  }
}
