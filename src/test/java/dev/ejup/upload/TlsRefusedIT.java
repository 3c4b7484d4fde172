package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An ejabberd whose TLS has nothing in common with Java's (its OpenSSL allows TLS 1.3 with
 * AES-128-CCM-8 only, which JSSE does not implement): STARTTLS goes through, the handshake after it
 * is refused. The check names that, with the settings to change, where it used to blame the port
 * ("closed the connection before the XMPP stream began (a direct TLS port?)", hint: add --direct-tls).
 * ejabberd refuses by closing the connection without a TLS alert, on the direct TLS port too, where
 * ejup used to call that port a STARTTLS one ("does not speak TLS from the first byte").
 */
class TlsRefusedIT {
  private static LocalEjabberd server;

  @BeforeAll
  static void start() {
    server = LocalEjabberd.up("tlsrefused");
    server.restartWithOpenSsl(server.openSslConf("openssl-ccm8.cnf", "MinProtocol = TLSv1.3", "Ciphersuites = TLS_AES_128_CCM_8_SHA256"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.down();
    }
  }

  @Test
  void aHandshakeRefusedAfterStartTlsIsNamedAsTlsNotAsTheWrongPort() {
    Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", server.password()), "check", "--jid", server.get("JID"),
        "--server", "localhost:" + server.get("XMPP_PORT"), "--no-probes");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    String connect = r.out().lines().filter(l -> l.matches("\\s+CRITICAL\\s+[0-9.]+s\\s+connect\\s.*")).findFirst()
        .orElseThrow(() -> new AssertionError("no critical connect step:\n" + r.out()));
    assertTrue(connect.contains("localhost:" + server.get("XMPP_PORT") + " refused the TLS handshake without a TLS alert: no usable"
        + " certificate, or no TLS version, cipher suite or key exchange group in common with Java's TLS"), r.out());
    assertTrue(r.out().contains("hint: ejabberd's log says which") && r.out().contains("check certfiles") && r.out().contains("let that listener accept TLS 1.2 or 1.3 with AES-GCM and x25519 or P-256"), r.out());
    assertFalse(r.out().contains("direct TLS") || r.out().contains("--direct-tls"), "the port is right: " + r.out());
  }

  @Test
  void aHandshakeRefusedOnTheDirectTlsPortIsNamedAsTlsNotAsAStartTlsPort() {
    Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", server.password()), "check", "--jid", server.get("JID"),
        "--server", "localhost:" + server.get("XMPPS_PORT"), "--direct-tls", "--no-probes");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    String connect = r.out().lines().filter(l -> l.matches("\\s+CRITICAL\\s+[0-9.]+s\\s+connect\\s.*")).findFirst()
        .orElseThrow(() -> new AssertionError("no critical connect step:\n" + r.out()));
    assertTrue(connect.contains("localhost:" + server.get("XMPPS_PORT") + " refused the TLS handshake without a TLS alert: no usable"
        + " certificate, or no TLS version, cipher suite or key exchange group in common with Java's TLS"), r.out());
    assertFalse(connect.contains("does not speak TLS"), r.out());
    assertTrue(r.out().contains("hint: ejabberd's log says which") && r.out().contains("check certfiles") && r.out().contains("let that listener accept TLS 1.2 or 1.3 with AES-GCM and x25519 or P-256"), r.out());
  }
}
