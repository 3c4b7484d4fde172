package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The commonest TLS fault on a real server: ejabberd's certfiles name a file that is gone (a moved
 * Let's Encrypt path). ejabberd (fast_tls) then answers STARTTLS with {@code <failure/>} and hangs
 * up a direct TLS handshake without an alert, as it does for ciphers in common with nobody. ejup
 * used to say "TLS negotiation has failed" with a hint to add --direct-tls, and on the direct TLS
 * port "does not speak TLS from the first byte (a STARTTLS port?)"; the certificate is now named.
 */
class NoCertificateIT {
  private static LocalEjabberd server;

  @BeforeAll
  static void start() throws Exception {
    server = LocalEjabberd.up("nocertit");
    String yaml = Files.readString(server.config());
    String pem = server.get("ROOT") + "/etc/ejabberd.pem";
    assertTrue(yaml.contains(pem), "the instance's config names " + pem);
    server.write(yaml.replace(pem, server.get("ROOT") + "/etc/missing.pem"));
    server.restartWithOpenSsl(server.openSslConf("openssl-default.cnf"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.down();
    }
  }

  private static String check(String port, String... extra) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("check", "--jid", server.get("JID"), "--server", "localhost:" + port,
        "--no-probes"));
    args.addAll(java.util.List.of(extra));
    Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", server.password()), args.toArray(String[]::new));
    assertEquals(2, r.exitCode(), r.out() + r.err());
    return r.out();
  }

  @Test
  void starttlsRefusedForWantOfACertificateNamesIt() {
    String said = check(server.get("XMPP_PORT"));
    assertTrue(said.contains("refused STARTTLS (<failure/>): no usable certificate for localhost?"), said);
    assertTrue(said.contains("hint: check ejabberd's certfiles"), said);
    assertFalse(said.contains("--direct-tls") || said.contains("--debug"), said);
  }

  @Test
  void aDirectTlsHangUpForWantOfACertificateNamesItToo() {
    String said = check(server.get("XMPPS_PORT"), "--direct-tls");
    assertTrue(said.contains("refused the TLS handshake without a TLS alert: no usable certificate"), said);
    assertTrue(said.contains("check certfiles"), said);
    assertFalse(said.contains("does not speak TLS"), said);
  }
}
