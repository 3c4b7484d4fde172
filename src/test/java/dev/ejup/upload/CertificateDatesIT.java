package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.ejup.Ejup;
import dev.ejup.testing.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate from a CA the system trusts, refused for its dates, is said to be expired or not
 * yet valid, with the date and the fix, on every way in (direct TLS, STARTTLS, the PUT and GET
 * URLs) and with --insecure. It used to be "not trusted (self-signed or unknown CA)", with the
 * hint to install a certificate from a trusted CA. Real TLS: peers here serve certificates the
 * test CA (scripts/lib/test-ca.sh, trusted system-wide) signed with those dates. An IT because
 * that CA is the machine's.
 */
class CertificateDatesIT {
  private static final Duration STEP = Duration.ofSeconds(20);
  private static final String NAMES = "(CN=localhost, issuer CN=ejup test CA)";

  @TempDir
  static Path dir;
  private static SSLContext expired;
  private static SSLContext notYetValid;
  private static SSLContext expiredIntermediate;
  private static SSLContext untrusted;

  private static final java.util.List<HttpsServer> SERVERS = new java.util.concurrent.CopyOnWriteArrayList<>();

  @org.junit.jupiter.api.AfterAll
  static void stop() {
    SERVERS.forEach(s -> s.stop(0));
  }

  @BeforeAll
  static void certificates() throws Exception {
    TestCa.Issued root = TestCa.root();
    expired = TestCa.serverContext(dir, TestCa.issue(dir, "localhost", root, "20200101000000Z", "20210101000000Z", false));
    notYetValid = TestCa.serverContext(dir, TestCa.issue(dir, "localhost", root, "20300101000000Z", "20310101000000Z", false));
    TestCa.Issued intermediate = TestCa.issue(dir, "ejup test intermediate", root, "20200101000000Z", "20220301000000Z", true);
    expiredIntermediate = TestCa.serverContext(dir, TestCa.issue(dir, "localhost", intermediate, "20200101000000Z", "20350101000000Z", false),
        intermediate.cert());
    untrusted = dev.ejup.testing.SelfSignedTls.serverContext(dir);
  }

  @Test
  void anExpiredCertificateOnADirectTlsPortIsExpiredNotUntrusted() throws Exception {
    String said = connect(expired, true);
    assertTrue(said.contains(" expired on 2021-01-01 " + NAMES), said);
    assertTrue(said.contains("hint: renew it (e.g. certbot renew) and reload ejabberd"), said);
    assertFalse(said.contains("not trusted") || said.contains("Let's Encrypt"), said);
  }

  @Test
  void anExpiredCertificateAfterStartTlsIsExpiredNotUntrusted() throws Exception {
    String said = connect(expired, false);
    assertTrue(said.contains(" expired on 2021-01-01 " + NAMES), said);
    assertFalse(said.contains("not trusted"), said);
  }

  @Test
  void aCertificateNotYetValidSaysWhenItBeginsAndToCheckTheClocks() throws Exception {
    for (boolean direct : new boolean[] {true, false}) {
      String said = connect(notYetValid, direct);
      assertTrue(said.contains(" is not yet valid: its validity begins on 2030-01-01 " + NAMES), said);
      assertTrue(said.contains("hint: check the clocks"), said);
      assertFalse(said.contains("not trusted"), said);
    }
  }

  @Test
  void anExpiredIntermediateIsNamedAsTheChainsCaCertificate() throws Exception {
    String said = connect(expiredIntermediate, true);
    assertTrue(said.contains(" comes with a CA certificate that expired on 2022-03-01 (CN=ejup test intermediate, issuer CN=ejup test CA)"), said);
    assertTrue(said.contains("hint: send the CA's current intermediate certificate with it"), said);
  }

  @Test
  void aSelfSignedCertificateIsStillUntrusted() throws Exception {
    String said = connect(untrusted, true);
    assertTrue(said.contains("is not trusted (self-signed or unknown CA)"), said);
  }

  @Test
  void anExpiredCertificateOfTheGetUrlIsExpired() throws Exception {
    String url = https(expired);
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      Exception e = assertThrows(Exception.class, () -> http.get(url, new TestFile(10, 0, 1, "application/octet-stream"), Progress.NONE));
      StepFailure f = Diagnose.network(e, "the GET URL", "the upload listener", STEP);
      assertEquals("TLS certificate of the GET URL expired on 2021-01-01 " + NAMES, f.getMessage());
      assertTrue(f.hint.startsWith("renew it (e.g. certbot renew)"), f.hint);
    } finally {
      http.close();
    }
  }

  @Test
  void insecureSaysItLetAnExpiredCertificateThroughWithTheRenewal() throws Exception {
    String url = https(expired);
    Tls tls = new Tls(true);
    HttpTransfer http = new HttpTransfer(tls, STEP);
    try {
      assertEquals(200, http.get(url, new TestFile(10, 0, 1, "application/octet-stream"), Progress.NONE).status());
    } finally {
      http.close();
    }
    String why = tls.overriddenFor("localhost");
    assertEquals("certificate expired on 2021-01-01 " + NAMES, why);
    assertTrue(tls.insecureHint(why, "install a certificate clients trust").startsWith("renew it (e.g. certbot renew)"), tls.insecureHint(why, ""));
  }

  /** An https server on loopback serving 10 bytes with tls's certificate, as https://localhost:PORT/f. */
  private static String https(SSLContext tls) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", exchange -> {
      try (exchange) {
        exchange.sendResponseHeaders(200, 10);
        exchange.getResponseBody().write(new byte[10]);
      }
    });
    server.start();
    SERVERS.add(server);
    return "https://localhost:" + server.getAddress().getPort() + "/f";
  }

  /** What ejup check says of an XMPP server with tls's certificate: its connect step CRITICAL. */
  private static String connect(SSLContext tls, boolean direct) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        while (!listener.isClosed()) {
          try (Socket s = listener.accept()) {
            serve(s, tls, direct);
          } catch (IOException e) {
            // the client refused the certificate, or hung up
          }
        }
      }, "dates-peer");
      server.setDaemon(true);
      server.start();
      Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", "secret"), "check", "--jid", "monitor@localhost",
          "--server", "127.0.0.1:" + listener.getLocalPort(), "--step-timeout", "10", "--deadline", "30", "--no-probes", direct ? "--direct-tls" : "--no-probes");
      String said = r.out() + r.err();
      assertEquals(2, r.exitCode(), said);
      assertTrue(said.lines().anyMatch(l -> l.matches("\\s+CRITICAL\\s+[0-9.]+s\\s+connect\\s.*")), said);
      assertFalse(said.contains("Exception") || said.contains("\tat "), said);
      return said;
    }
  }

  private static void serve(Socket s, SSLContext tls, boolean direct) throws IOException {
    SSLSocket secure = direct ? (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), false) : XmppWordsTest.startTls(s, tls);
    secure.setUseClientMode(false);
    secure.startHandshake();
    secure.close();
  }
}
