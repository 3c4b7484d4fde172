package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PUT's connection opened during the login ({@link EarlyTls}): taken by the second check of
 * the same account and server against the real ejabberd, and never the cause of a verdict: a
 * connection the server closed, a slot that points elsewhere and a certificate that fails each
 * leave the PUT to connect as it always did, with the outcome it always had.
 */
class EarlyTlsIT {
  private static final Duration STEP = Duration.ofSeconds(20);
  private static final List<okhttp3.Protocol> PROTOCOLS = List.of(okhttp3.Protocol.HTTP_2, okhttp3.Protocol.HTTP_1_1);
  private static LocalEjabberd server;
  @TempDir
  static Path dir;
  /** A context serving the test CA's certificate for localhost (made by scripts/lib/test-ca.sh, which the system trusts). */
  private static SSLContext trusted;
  /** A context serving a certificate nobody trusts. */
  private static SSLContext untrusted;

  @BeforeAll
  static void start() throws Exception {
    server = LocalEjabberd.up("earlytlsit");
    Path p12 = dir.resolve("trusted.p12");
    Process openssl = new ProcessBuilder("openssl", "pkcs12", "-export", "-inkey", "/var/lib/ejup-test/ca/server.key",
        "-in", "/var/lib/ejup-test/ca/server.crt", "-out", p12.toString(), "-passout", "pass:changeit", "-name", "server")
        .redirectErrorStream(true).start();
    String said = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, openssl.waitFor(), said);
    trusted = dev.ejup.testing.SelfSignedTls.fromPkcs12(p12);
    untrusted = dev.ejup.testing.SelfSignedTls.serverContext(dir);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.down();
    }
  }

  /** The same account over "localhost:PORT" or "127.0.0.1:PORT": to this class two servers, remembered apart. */
  private static CheckOptions options(String jid, String host) {
    return new CheckOptions(jid, server.password(), host + ":" + server.get("XMPP_PORT"), null, 1024, "application/octet-stream",
        false, false, false, false, Duration.ofSeconds(60), STEP, null, null);
  }

  @Test
  void theSecondCheckOfAnAccountPutsOverTheConnectionOpenedDuringItsLogin() {
    String jid = server.get("JID");
    UploadFlow first = new UploadFlow(options(jid, "localhost"), Progress.NONE);
    Report one = first.run();
    assertEquals(Status.OK, one.worst(), one.toString());
    assertEquals(null, first.early(), "a first check has nowhere to connect early");
    UploadFlow second = new UploadFlow(options(jid, "localhost"), Progress.NONE);
    Report two = second.run();
    assertEquals(Status.OK, two.worst(), two.toString());
    assertTrue(second.early().taken(), "the second check's PUT took the connection opened during its login");
    // the PUT's certificate was still checked, by this check, on that connection
    assertNotNull(two.metrics().get("http_cert_expiry_timestamp_seconds"), two.metrics().toString());
  }

  @Test
  void withInsecureNothingConnectsEarly() {
    CheckOptions o = options(server.get("JID"), "127.0.0.1");
    CheckOptions insecure = new CheckOptions(o.jid(), o.password(), o.server(), null, 1024, "application/octet-stream",
        true, false, false, false, Duration.ofSeconds(60), STEP, null, null);
    new UploadFlow(o, Progress.NONE).run(); // remembered where its slot pointed
    assertTrue(new UploadFlow(o, Progress.NONE).early() != null, "a second check connects early");
    assertEquals(null, new UploadFlow(insecure, Progress.NONE).early(), "not with --insecure");
  }

  /** A TLS server on 127.0.0.1 answering every request 201; counts connections, and closes the first one after its handshake when asked. */
  private static final class Upload implements AutoCloseable {
    final ServerSocket listener;
    final AtomicInteger connections = new AtomicInteger();

    Upload(SSLContext context, boolean closeFirst) throws IOException {
      this(context, closeFirst, 0, false, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /**
     * Also holds the first connection's handshake back for slowFirstMillis (a server still busy
     * when the PUT asks, or one that hangs), and with stall reads nothing after the handshake (a
     * server that stopped reading); listening where it is told.
     */
    Upload(SSLContext context, boolean closeFirst, long slowFirstMillis, boolean stall, ServerSocket listener) throws IOException {
      this.listener = listener;
      Thread accept = new Thread(() -> {
        while (!listener.isClosed()) {
          try {
            Socket tcp = listener.accept();
            int n = connections.incrementAndGet();
            Thread one = new Thread(() -> {
              if (n == 1 && slowFirstMillis > 0) {
                try {
                  Thread.sleep(slowFirstMillis);
                } catch (InterruptedException e) {
                  return;
                }
              }
              if (stall) {
                stall(context, tcp);
              } else {
                serve(context, tcp, closeFirst && n == 1);
              }
            }, "early-tls-upload");
            one.setDaemon(true);
            one.start();
          } catch (IOException e) {
            return;
          }
        }
      }, "early-tls-accept");
      accept.setDaemon(true);
      accept.start();
    }

    private static void stall(SSLContext context, Socket tcp) {
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(tcp, null, tcp.getPort(), true)) {
        tls.setUseClientMode(false);
        tls.startHandshake();
        Thread.sleep(60_000);
      } catch (IOException | InterruptedException e) {
        // the client went away, or the test ended
      }
    }

    private static void serve(SSLContext context, Socket tcp, boolean closeAfterHandshake) {
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(tcp, null, tcp.getPort(), true)) {
        tls.setUseClientMode(false);
        tls.startHandshake();
        if (closeAfterHandshake) {
          return;
        }
        InputStream in = tls.getInputStream();
        OutputStream out = tls.getOutputStream();
        while (true) {
          StringBuilder head = new StringBuilder();
          for (int c; !head.toString().endsWith("\r\n\r\n"); ) {
            if ((c = in.read()) < 0) {
              return;
            }
            head.append((char) c);
          }
          var length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
          in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
          out.write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    String url() {
      return "https://localhost:" + listener.getLocalPort() + "/upload/slot/file.bin";
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  private static EarlyTls startedFor(String url, Tls tls) throws Exception {
    EarlyTls early = new EarlyTls("early@localhost", url);
    early.slot(new java.net.URL(url));
    early.start(tls, (int) STEP.toMillis(), PROTOCOLS);
    assertNotNull(early.making(), "a slot pointed there before: it connects early");
    try {
      early.making().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      // made and failed: what the test is about in that case
    }
    return early;
  }

  private static HttpTransfer.Outcome put(Tls tls, EarlyTls early, String url) throws Exception {
    return put(tls, early, url, STEP, 1024);
  }

  private static HttpTransfer.Outcome put(Tls tls, EarlyTls early, String url, Duration step, long size) throws Exception {
    HttpTransfer http = new HttpTransfer(tls, step, early);
    try {
      return http.put(url, List.of(), new TestFile(size, 0, 7, "application/octet-stream"), "application/octet-stream", Progress.NONE);
    } finally {
      http.close();
      early.close();
    }
  }

  @Test
  void aPutTakesTheEarlyConnectionWhenItIsOpenAndChecksItsCertificate() throws Exception {
    try (Upload upload = new Upload(trusted, false)) {
      Tls tls = new Tls(false);
      EarlyTls early = startedFor(upload.url(), tls);
      assertEquals(201, put(tls, early, upload.url()).status());
      assertTrue(early.taken());
      assertEquals(1, upload.connections.get(), "one connection: the early one");
      assertNotNull(tls.expiry(0), "the host name check ran on the connection taken over");
    }
  }

  @Test
  void aPutWaitsForAnEarlyHandshakeStillUnderWayAndTakesIt() throws Exception {
    try (Upload upload = new Upload(trusted, false, 700, false, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))) {
      Tls tls = new Tls(false);
      EarlyTls early = new EarlyTls("early@localhost", upload.url());
      early.slot(new java.net.URL(upload.url()));
      early.start(tls, (int) STEP.toMillis(), PROTOCOLS);
      Thread.sleep(100); // connected, and its handshake held back by the server
      assertFalse(early.making().isDone(), "the early handshake is still under way");
      assertEquals(201, put(tls, early, upload.url()).status());
      assertTrue(early.taken(), "the PUT waited for the handshake already under way rather than starting a second");
      assertEquals(1, upload.connections.get(), "one connection: the early one");
    }
  }

  @Test
  void anEarlyHandshakeThatHangsIsWaitedForBrieflyThenThePutConnectsAnewWithinItsTimeout() throws Exception {
    Duration step = Duration.ofSeconds(4);
    try (Upload upload = new Upload(trusted, false, 30_000, false, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))) {
      Tls tls = new Tls(false);
      EarlyTls early = new EarlyTls("early@localhost", upload.url());
      early.slot(new java.net.URL(upload.url()));
      early.start(tls, (int) step.toMillis(), PROTOCOLS);
      Thread.sleep(100);
      long start = System.nanoTime();
      assertEquals(201, put(tls, early, upload.url(), step, 1024).status(), "a healthy server's PUT is not failed by the early connection's hang");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertFalse(early.taken());
      assertEquals(2, upload.connections.get());
      assertTrue(millis < step.toMillis(), "the wait left the new connection its time: " + millis + " ms");
    }
  }

  @Test
  void anEarlyHandshakeToAnotherAddressIsNotWaitedFor() throws Exception {
    try (Upload healthy = new Upload(trusted, false);
        Upload hung = new Upload(trusted, false, 30_000, false,
            new ServerSocket(healthy.listener.getLocalPort(), 50, InetAddress.getByName("::1")))) {
      Tls tls = new Tls(false);
      // the last slot pointed to the same port on another address (an upload host that moved, a node of a cluster)
      String before = "https://ip6-localhost:" + healthy.listener.getLocalPort() + "/upload/old/file.bin";
      EarlyTls early = new EarlyTls("early@localhost", before);
      early.slot(new java.net.URL(before));
      early.start(tls, (int) STEP.toMillis(), PROTOCOLS);
      Thread.sleep(100);
      long start = System.nanoTime();
      assertEquals(201, put(tls, early, healthy.url(), Duration.ofSeconds(4), 1024).status());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(1, hung.connections.get(), "the early connection went to the old address");
      assertTrue(millis < 900, "not waited for: " + millis + " ms");
    }
  }

  @Test
  void aPutOnTheEarlyConnectionToAServerThatStoppedReadingEndsAtItsTimeout() {
    Duration step = Duration.ofSeconds(3);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
      try (Upload upload = new Upload(trusted, false, 0, true, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))) {
        Tls tls = new Tls(false);
        EarlyTls early = startedFor(upload.url(), tls);
        long start = System.nanoTime();
        assertThrows(IOException.class, () -> put(tls, early, upload.url(), step, 64L << 20));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(early.taken(), "the PUT went over the early connection");
        assertTrue(millis < 3 * step.toMillis(), "the call timeout held: " + millis + " ms");
      }
    });
  }

  @Test
  void anEarlyConnectionTheServerClosedIsNotUsedThePutConnectsAnew() throws Exception {
    try (Upload upload = new Upload(trusted, true)) {
      Tls tls = new Tls(false);
      EarlyTls early = startedFor(upload.url(), tls);
      Thread.sleep(200); // the server's close arrives
      assertEquals(201, put(tls, early, upload.url()).status());
      assertFalse(early.taken(), "a closed connection is never handed to the PUT");
      assertEquals(2, upload.connections.get());
    }
  }

  @Test
  void aSlotThatPointsElsewhereConnectsThereAndTheEarlyConnectionIsClosedUnused() throws Exception {
    try (Upload before = new Upload(trusted, false); Upload now = new Upload(trusted, false)) {
      Tls tls = new Tls(false);
      EarlyTls early = startedFor(before.url(), tls);
      assertEquals(201, put(tls, early, now.url()).status());
      assertFalse(early.taken());
      assertEquals(1, now.connections.get());
    }
  }

  @Test
  void aCertificateTheEarlyHandshakeRefusedIsRefusedByThePutAsAlways() throws Exception {
    try (Upload upload = new Upload(untrusted, false)) {
      Tls tls = new Tls(false);
      EarlyTls early = startedFor(upload.url(), tls);
      assertTrue(early.making().isCompletedExceptionally(), "the early handshake refused the certificate");
      assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> put(tls, early, upload.url()));
      assertFalse(early.taken());
      assertEquals(2, upload.connections.get(), "the PUT made its own connection and met the certificate itself");
    }
  }
}
