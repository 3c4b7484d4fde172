package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the HTTP side (PUT, GET, the probes' requests, a cluster node's URL: all through
 * {@link HttpTransfer} and {@link Diagnose}) words a server that stops answering and one that
 * stops sending, against loopback servers that do just that. A call cut by OkHttp's call timeout
 * (the step timeout) was worded by whatever the cancel left behind ("Socket closed", "Canceled");
 * a body cut short of its Content-Length was worded as a server that sent no answer at all, and
 * a server that sent no answer at all as an answer cut short.
 */
class HttpFailureWordsTest {
  private static final Duration STEP = Duration.ofSeconds(2);

  /** What the server does after it has read a request's headers and its Content-Length's bytes. */
  private interface Answer {
    void after(String requestHead, OutputStream out) throws Exception;
  }

  /** A server that reads each request (headers and a Content-Length body) and then does what answer says, then closes. */
  private static ServerSocket server(Answer answer) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(() -> {
      while (true) {
        Socket s;
        try {
          s = listener.accept();
        } catch (IOException e) {
          return;
        }
        Thread one = new Thread(() -> {
          try (s) {
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            for (int c; head.indexOf("\r\n\r\n") < 0 && (c = in.read()) >= 0; ) {
              head.append((char) c);
            }
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
            answer.after(head.toString(), s.getOutputStream());
          } catch (Exception e) {
            // the client went first
          }
        }, "words-peer");
        one.setDaemon(true);
        one.start();
      }
    }, "words-server");
    thread.setDaemon(true);
    thread.start();
    return listener;
  }

  private static final Answer STALL = (head, out) -> Thread.sleep(30_000);

  private static String url(ServerSocket server) {
    return "http://127.0.0.1:" + server.getLocalPort() + "/upload/a/b/file.bin";
  }

  /** The failure of a PUT or GET as the check words it: the request's IOException through Diagnose, as UploadFlow passes it. */
  private static StepFailure failure(String where, ThrowingCall call) {
    IOException e = assertTimeoutPreemptively(Duration.ofSeconds(40), () -> assertThrows(IOException.class, call::run));
    return Diagnose.network(e, where, "the upload listener", STEP);
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }

  private static void assertTimeout(StepFailure f, String where) {
    // no "accepted the connection": OkHttp's call timeout also cancels a connect, so only "no answer" is known
    assertEquals(where + " did not answer within 2 s (the step timeout)", f.getMessage());
    assertTrue(f.hint.contains("longer step timeout"), f.hint);
  }

  /** D8: the PUT is sent and the server keeps quiet; the call timeout (equal to the read timeout) fires first and closes the socket. */
  @Test
  void aPutLeftWithoutAnswerIsATimeoutNotASocketClosed() throws Exception {
    try (ServerSocket server = server(STALL)) {
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
        assertTimeout(failure("the PUT URL", () -> http.put(url(server), List.of(), file, "application/octet-stream", Progress.NONE)), "the PUT URL");
      } finally {
        http.close();
      }
    }
  }

  /** The same for a GET and a probe's GET (no body read); a GET whose body stops half way says how far it got. */
  @Test
  void aGetLeftWithoutAnswerOrWithHalfABodyIsATimeout() throws Exception {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    try (ServerSocket quiet = server(STALL);
        ServerSocket half = server((head, out) -> {
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.write(bytes(file), 0, 512);
          out.flush();
          Thread.sleep(30_000);
        })) {
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        assertTimeout(failure("the GET URL", () -> http.get(url(quiet), file, Progress.NONE)), "the GET URL");
        assertTimeout(failure("the GET URL", () -> http.get(url(quiet), null, Progress.NONE)), "the GET URL");
        // it answered: how far its body got is the news
        StepFailure stalled = failure("the GET URL", () -> http.get(url(half), file, Progress.NONE));
        assertEquals("the GET URL answered, but its body stopped after 512 of 1024 bytes: no more within 2 s (the step timeout)",
            stalled.getMessage());
        assertTrue(stalled.hint.contains("stalled in the middle of the answer"), stalled.hint);
      } finally {
        http.close();
      }
    }
  }

  /**
   * The breaker's case: put_url on ejabberd's plain-http port, which hangs up on a TLS hello; the
   * words named certificates, versions and ciphers but not the likeliest cause, a port without TLS.
   */
  @Test
  void anHttpsUrlOnAPortThatHangsUpOnTheHelloNamesAPortWithoutTls() throws Exception {
    try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread peer = new Thread(() -> {
        try (Socket s = plain.accept()) {
          s.getInputStream().read(new byte[512]); // the ClientHello, which no HTTP server understands
        } catch (IOException e) {
          // the client went first
        }
      });
      peer.setDaemon(true);
      peer.start();
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        StepFailure f = failure("the GET URL", () -> http.get("https://127.0.0.1:" + plain.getLocalPort() + "/upload/x", null, Progress.NONE));
        assertTrue(f.getMessage().contains("refused the TLS handshake without a TLS alert"), f.getMessage());
        assertTrue(f.hint.contains("a port that speaks no TLS (an https URL on ejabberd's plain-http listener: check the port in put_url)"), f.hint);
      } finally {
        http.close();
      }
    }
  }

  /**
   * The breaker's case: a body that trickles (a byte every 10 ms) until the step timeout ends the
   * GET never stopped, but was said to have "stopped after 288 of 1024 bytes: no more within 3 s".
   */
  @Test
  void aGetWhoseBodyTricklesPastTheStepTimeoutIsTooSlowNotStopped() throws Exception {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    try (ServerSocket trickle = server((head, out) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      for (byte b : bytes(file)) {
        out.write(b);
        out.flush();
        Thread.sleep(10);
      }
    })) {
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        StepFailure slow = failure("the GET URL", () -> http.get(url(trickle), file, Progress.NONE));
        assertTrue(slow.getMessage().matches("the GET URL answered, but its body came too slowly: \\d+ of 1024 bytes within 2 s \\(the step timeout\\)"),
            slow.getMessage());
        assertTrue(slow.hint.contains("sends slowly"), slow.hint);
      } finally {
        http.close();
      }
    }
  }

  /**
   * A listener whose accept queue is full (a server too busy to accept, or a firewall that drops
   * packets, look alike): the kernel drops the SYN, and the connect times out. Nothing accepted the
   * connection, so the words must not say it did.
   */
  @Test
  void aConnectThatTimesOutIsNoAcceptedConnection() throws Exception {
    java.util.List<Socket> queued = new java.util.ArrayList<>();
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // never accepted: fill the queue until one more connect no longer completes at once
      for (int i = 0; i < 64; i++) {
        Socket s = new Socket();
        try {
          s.connect(full.getLocalSocketAddress(), 300);
          queued.add(s);
        } catch (java.net.SocketTimeoutException e) {
          s.close();
          break;
        }
      }
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        StepFailure f = failure("the GET URL", () -> http.get(url(full), null, Progress.NONE));
        // OkHttp's call timeout and its connect timeout are the same step timeout: whichever fires first, the words stay true
        assertTrue(f.getMessage().equals("no connection to the GET URL within 2 s (the step timeout)")
            || f.getMessage().equals("the GET URL did not answer within 2 s (the step timeout)"), f.getMessage());
        assertFalse(f.getMessage().contains("accepted"), f.getMessage());
      } finally {
        http.close();
      }
    } finally {
      for (Socket s : queued) {
        s.close();
      }
    }
  }

  /** An HTTPS listener that accepts and never answers the ClientHello: a timeout, not a TLS failure nor a refused handshake. */
  @Test
  void anHttpsHandshakeLeftWithoutAnswerIsATimeout() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread quiet = new Thread(() -> {
        try (Socket s = server.accept()) {
          Thread.sleep(30_000);
        } catch (Exception e) {
          // closed
        }
      });
      quiet.setDaemon(true);
      quiet.start();
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
        assertTimeout(failure("the PUT URL", () -> http.put("https://127.0.0.1:" + server.getLocalPort() + "/upload/f", List.of(), file,
            "application/octet-stream", Progress.NONE)), "the PUT URL");
      } finally {
        http.close();
      }
    }
  }

  /** D9: the server answers 200 with the file's Content-Length, sends 1014 of its 1024 bytes and closes. */
  @Test
  void aBodyCutShortOfItsContentLengthSaysHowMuchCame() throws Exception {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    try (ServerSocket server = server((head, out) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(bytes(file), 0, 1014);
      out.flush();
    })) {
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        StepFailure f = failure("the GET URL", () -> http.get(url(server), file, Progress.NONE));
        assertEquals("the GET URL: the connection closed before the answer was complete: 1014 of 1024 bytes", f.getMessage());
        assertFalse(f.hint.contains("--debug"), f.hint);
      } finally {
        http.close();
      }
    }
  }

  /** The same with chunked transfer coding, where no length was announced: cut in a chunk, and before the last chunk. */
  @Test
  void aChunkedBodyCutShortSaysHowMuchCame() throws Exception {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    byte[] bytes = bytes(file);
    for (boolean inChunk : new boolean[] {true, false}) {
      try (ServerSocket server = server((head, out) -> {
        out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write("200\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, 0, 512);
        out.write((inChunk ? "\r\n200\r\n" : "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (inChunk) {
          out.write(bytes, 512, 100);
        }
        out.flush();
      })) {
        HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
        try {
          StepFailure f = failure("the GET URL", () -> http.get(url(server), file, Progress.NONE));
          assertEquals("the GET URL: the connection closed before the answer was complete: " + (inChunk ? 612 : 512) + " bytes of the body came",
              f.getMessage());
        } finally {
          http.close();
        }
      }
    }
  }

  /** A server that reads the request and closes before any status line keeps its words, for a PUT and for a GET. */
  @Test
  void aCloseBeforeAnyStatusLineIsAnAnswerNeverSent() throws Exception {
    try (ServerSocket server = server((head, out) -> { })) {
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
        assertEquals("the PUT URL: the server closed the connection without an answer",
            failure("the PUT URL", () -> http.put(url(server), List.of(), file, "application/octet-stream", Progress.NONE)).getMessage());
        assertEquals("the GET URL: the server closed the connection without an answer",
            failure("the GET URL", () -> http.get(url(server), file, Progress.NONE)).getMessage());
      } finally {
        http.close();
      }
    }
  }

  /** A server answering 200 with these headers (after the status line) and this body, then closing. */
  private static ServerSocket answering(String headers, byte[] body) throws IOException {
    return server((head, out) -> {
      out.write(("HTTP/1.1 200 OK\r\nConnection: close\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    });
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(packed)) {
      out.write(plain);
    }
    return packed.toByteArray();
  }

  /** The GET's words through the check's own path: its failure through Diagnose, or what the comparison of its bytes says. */
  private static StepFailure get(ServerSocket server, TestFile file) throws StepFailure {
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      HttpTransfer.Outcome got = http.get(url(server), file, Progress.NONE); // within the step timeout
      return assertThrows(StepFailure.class, () -> UploadFlow.requireSame(got, url(server), file));
    } catch (IOException e) {
      return Diagnose.network(e, "the GET URL", "the upload listener", STEP);
    } finally {
      http.close();
    }
  }

  private static void assertWords(StepFailure f) {
    for (String leak : List.of("ID1ID2", "0x", "--debug", "Exception", "expected chunk size")) {
      assertFalse((f.getMessage() + f.hint).contains(leak), leak + " in: " + f.getMessage() + " | " + f.hint);
    }
    assertEquals(dev.ejup.model.Status.CRIT, f.status);
  }

  /**
   * The tester's case: Content-Encoding gzip over plain bytes. OkHttp asks for gzip and decodes it
   * as clients do; the step said okio's "ID1ID2: actual 0x00004200 != expected 0x00001f8b" with
   * "run again with --debug".
   */
  @Test
  void plainBytesLabelledGzipAreSaidInWords() throws Exception {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    try (ServerSocket server = answering("Content-Length: 1024\r\nContent-Encoding: gzip\r\n", bytes(file))) {
      StepFailure f = get(server, file);
      assertEquals("the GET URL answered with Content-Encoding gzip, but its body is not gzip (it does not begin with gzip's bytes 1f 8b)", f.getMessage());
      assertTrue(f.hint.contains("clients decode it as gzip and fail") && f.hint.contains("nginx: gzip"), f.hint);
      assertWords(f);
    }
  }

  /** gzip that breaks further in (its CRC, here): the same class, with how far it got. */
  @Test
  void gzipThatBreaksOffIsSaidInWords() throws Exception {
    TestFile file = new TestFile(100_000, 0, 1, "application/octet-stream");
    byte[] packed = gzip(bytes(file));
    packed[packed.length - 8] ^= 0x55; // the trailer's CRC-32
    try (ServerSocket server = answering("Content-Length: " + packed.length + "\r\nContent-Encoding: gzip\r\n", packed)) {
      StepFailure f = get(server, file);
      assertTrue(f.getMessage().startsWith("the GET URL answered with Content-Encoding gzip, but its body is not gzip: it breaks off as gzip after "),
          f.getMessage());
      assertWords(f);
    }
  }

  /** Real gzip is decoded as clients decode it, and the bytes compare equal. */
  @Test
  void realGzipPasses() throws Exception {
    TestFile file = new TestFile(100_000, 0, 1, "application/octet-stream");
    byte[] packed = gzip(bytes(file));
    try (ServerSocket server = answering("Content-Length: " + packed.length + "\r\nContent-Encoding: gzip\r\n", packed)) {
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        UploadFlow.requireSame(http.get(url(server), file, Progress.NONE), url(server), file);
      } finally {
        http.close();
      }
    }
  }

  /** A chunked body whose size line is no size: OkHttp's "expected chunk size and optional extensions but was ..." in words. */
  @Test
  void aBrokenChunkedBodyIsSaidInWords() throws Exception {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.write("200\r\n".getBytes(StandardCharsets.US_ASCII));
    body.write(bytes(file), 0, 512);
    body.write("\r\nHTTP/1.1 500 oops\r\n".getBytes(StandardCharsets.US_ASCII));
    try (ServerSocket server = answering("Transfer-Encoding: chunked\r\n", body.toByteArray())) {
      StepFailure f = get(server, file);
      assertEquals("the GET URL answered with a broken chunked body (Transfer-Encoding: chunked) after 512 bytes: a chunk's size line is not one",
          f.getMessage());
      assertWords(f);
    }
  }

  /**
   * A coding OkHttp does not decode (it accepts gzip alone) reaches the comparison as it came: the
   * difference says which coding the server chose, unasked.
   */
  @Test
  void aCodingThatWasNotAskedForIsNamedWithTheDifference() throws Exception {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream out = new java.util.zip.DeflaterOutputStream(packed)) {
      out.write(bytes(file));
    }
    try (ServerSocket server = answering("Content-Length: " + packed.size() + "\r\nContent-Encoding: deflate\r\n", packed.toByteArray())) {
      StepFailure f = get(server, file);
      assertTrue(f.getMessage().endsWith("; it answered with Content-Encoding deflate, which ejup did not accept (it sends Accept-Encoding: gzip)"),
          f.getMessage());
      assertTrue(f.hint.contains("keep the encoded bytes"), f.hint);
    }
  }

  /**
   * The breaker's case: Content-Encoding br over the very bytes that were PUT. The comparison
   * passes, but a browser or curl --compressed, which accept br, decode bytes that were never
   * encoded and fail; the step said OK. Other labels of the same kind too.
   */
  @Test
  void aCodingThatWasNotAskedForIsCriticalEvenOverTheSameBytes() throws Exception {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    for (String coding : List.of("br", "deflate", "gzip, br", "zstd")) {
      try (ServerSocket server = answering("Content-Length: 1024\r\nContent-Encoding: " + coding + "\r\n", bytes(file))) {
        StepFailure f = get(server, file);
        assertEquals("GET answered with Content-Encoding " + coding + ", which ejup did not accept (it sends Accept-Encoding: gzip),"
            + " over the very bytes that were PUT", f.getMessage());
        assertTrue(f.hint.contains("decode bytes that were never encoded"), f.hint);
        assertWords(f);
      }
    }
    // identity is no coding at all
    try (ServerSocket server = answering("Content-Length: 1024\r\nContent-Encoding: identity\r\n", bytes(file))) {
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        UploadFlow.requireSame(http.get(url(server), file, Progress.NONE), url(server), file);
      } finally {
        http.close();
      }
    }
  }

  private static byte[] bytes(TestFile file) {
    byte[] all = new byte[(int) file.size];
    TestFile.Stream stream = new TestFile.Stream(file);
    byte[] chunk = new byte[TestFile.CHUNK];
    for (int at = 0, n; (n = stream.next(chunk)) > 0; at += n) {
      System.arraycopy(chunk, 0, all, at, Math.min(n, all.length - at));
    }
    return all;
  }
}
