package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side against servers that misbehave: one that answers a GET without end, or with a
 * Content-Length other than the upload's, is stopped at once; one that closes its connection after
 * every answer (as simple upload servers do) gets its GET retried, and never a PUT twice.
 */
class HttpTransferTest {
  private static final Duration STEP = Duration.ofSeconds(30);

  private static ServerSocket endless(String headers) throws IOException {
    return endless(headers, new byte[0], true);
  }

  private static ServerSocket endless(String headers, byte[] start) throws IOException {
    return endless(headers, start, true);
  }

  /** A server that answers every request with these headers, these bytes and then, if asked, the byte 'x' without end. */
  private static ServerSocket endless(String headers, byte[] start, boolean forever) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread server = new Thread(() -> {
      while (true) {
        try (Socket socket = listener.accept()) {
          InputStream in = socket.getInputStream();
          int matched = 0;
          for (int c; matched < 4 && (c = in.read()) >= 0; ) {
            matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : c == '\r' ? 1 : 0;
          }
          OutputStream out = socket.getOutputStream();
          out.write(headers.getBytes(StandardCharsets.US_ASCII));
          out.write(start);
          byte[] chunk = new byte[64 * 1024];
          Arrays.fill(chunk, (byte) 'x');
          while (forever) {
            out.write(chunk);
          }
        } catch (IOException e) {
          if (listener.isClosed()) {
            return;
          }
        }
      }
    }, "endless-http");
    server.setDaemon(true);
    server.start();
    return listener;
  }

  private static HttpTransfer.Outcome getFrom(ServerSocket server, TestFile file) {
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      // slack for a loaded 2-core machine; an unbounded read of the endless bodies would never end
      return assertTimeoutPreemptively(Duration.ofSeconds(25),
          () -> http.get("http://127.0.0.1:" + server.getLocalPort() + "/file", file, Progress.NONE));
    } finally {
      http.close();
    }
  }

  private static String verdict(HttpTransfer.Outcome get, TestFile file) {
    StepFailure failure = org.junit.jupiter.api.Assertions.assertThrows(StepFailure.class, () -> UploadFlow.requireSame(get, file));
    return failure.getMessage();
  }

  @Test
  void anAnswerOfOtherBytesStopsAtTheFirstDifference() throws IOException {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    try (ServerSocket server = endless("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n")) {
      HttpTransfer.Outcome get = getFrom(server, file);
      assertEquals(0, get.firstDifference(), "'x' is not the file's first byte");
      assertTrue(get.bytes() <= file.size + 1, "read " + get.bytes());
      assertTrue(verdict(get, file).startsWith("GET returned other bytes than were PUT: first difference at byte 0 of 1024"));
    }
  }

  @Test
  void anAnswerWithoutEndThatStartsWithTheFile() throws IOException {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    byte[] bytes = new byte[1024];
    new TestFile.Stream(file).next(bytes);
    try (ServerSocket server = endless("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", bytes)) {
      HttpTransfer.Outcome get = getFrom(server, file);
      assertEquals(1024, get.firstDifference());
      assertEquals(1025, get.bytes());
      assertTrue(verdict(get, file).contains("more than the 1024 bytes that were PUT; ejup stopped reading there"), verdict(get, file));
    }
  }

  @Test
  void aContentLengthOtherThanTheUploadIsNotRead() throws IOException {
    TestFile file = new TestFile(1024, 0, 1, "application/octet-stream");
    try (ServerSocket server = endless("HTTP/1.1 200 OK\r\nContent-Length: 536870912\r\n\r\n")) {
      HttpTransfer.Outcome get = getFrom(server, file);
      assertEquals(536870912, get.declaredLength());
      assertEquals(0, get.bytes());
      assertTrue(verdict(get, file).contains("Content-Length 536870912 for the 1024 bytes that were PUT"), verdict(get, file));
    }
  }

  @Test
  void aProbeGetReadsNoBody() throws IOException {
    try (ServerSocket server = endless("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")) {
      HttpTransfer.Outcome get = getFrom(server, null);
      assertEquals(200, get.status());
      assertEquals(0, get.bytes());
    }
  }

  @Test
  void aServerThatClosesAfterEachAnswerGetsItsGetRetriedAndEachPutOnce() throws Exception {
    Process python = new ProcessBuilder("python3", Path.of("src/test/resources/http/close_after_answer.py").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      String port = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      String url = "http://127.0.0.1:" + port + "/upload/a/b/file.bin";
      TestFile file = new TestFile(100_000, 0, 7, "application/octet-stream");
      HttpTransfer.Outcome put = http.put(url, java.util.List.of(), file, "application/octet-stream", Progress.NONE);
      assertEquals(201, put.status());
      // the PUT's connection sits in the pool, closed by the server: the GET must not fail on it
      HttpTransfer.Outcome get = http.get(url, file, Progress.NONE);
      assertEquals(200, get.status());
      UploadFlow.requireSame(get, file);
      // the overwrite probe's PUT, meant for the GET's connection, which the server closed: sent once more on a fresh one, answered
      assertEquals(201, http.putAgain(url, java.util.List.of(), file, "application/octet-stream").status());
      assertEquals(200, http.get(url, file, Progress.NONE).status());
      String puts = new String(URI.create("http://127.0.0.1:" + port + "/puts").toURL().openStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertEquals("2", puts, "every PUT reached the server exactly once");
    } finally {
      http.close();
      python.destroy();
    }
  }

  /**
   * The overwrite probe's PUT goes over the connection the GET left open (one TLS handshake less
   * per check: a third of a check's handshakes), where the upload's PUT always takes a fresh one.
   */
  @Test
  void theOverwriteProbeReusesTheGetsConnectionAndTheUploadNever() throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    java.util.List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Map<String, byte[]> stored = new java.util.concurrent.ConcurrentHashMap<>();
    server.createContext("/", exchange -> {
      seen.add(exchange.getRequestMethod() + " " + exchange.getRemoteAddress().getPort());
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (exchange.getRequestMethod().equals("PUT")) {
        boolean used = stored.putIfAbsent(exchange.getRequestURI().getPath(), body) != null;
        exchange.sendResponseHeaders(used ? 403 : 201, -1);
      } else {
        byte[] file = stored.get(exchange.getRequestURI().getPath());
        exchange.sendResponseHeaders(file == null ? 404 : 200, file == null ? -1 : file.length);
        if (file != null) {
          exchange.getResponseBody().write(file);
        }
      }
      exchange.close();
    });
    server.start();
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/upload/a/b/file.bin";
      TestFile file = new TestFile(1024, 0, 7, "application/octet-stream");
      assertEquals(201, http.put(url, java.util.List.of(), file, "application/octet-stream", Progress.NONE).status());
      assertEquals(200, http.get(url, file, Progress.NONE).status());
      assertEquals(403, http.putAgain(url, java.util.List.of(), file, "application/octet-stream").status());
      assertEquals(403, http.put(url, java.util.List.of(), file, "application/octet-stream", Progress.NONE).status());
      java.util.List<String> ports = seen.stream().map(s -> s.replaceAll("^\\S+ ", "")).toList();
      assertEquals(ports.get(1), ports.get(0), "the GET reuses the PUT's connection: " + seen);
      assertEquals(ports.get(1), ports.get(2), "the overwrite probe reuses the GET's connection: " + seen);
      assertTrue(!ports.get(3).equals(ports.get(2)), "an upload's PUT never goes over a pooled connection: " + seen);
    } finally {
      http.close();
      server.stop(0);
    }
  }

  @Test
  void aSlotHeaderHttpCannotCarryIsCriticalInWords() {
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      TestFile file = new TestFile(10, 0, 1, "application/octet-stream");
      StepFailure bad = org.junit.jupiter.api.Assertions.assertThrows(StepFailure.class, () -> http.put("http://127.0.0.1:9/x",
          java.util.List.of(new SlotAnswer.Header("Authorization", "Bearer \u00e9")), file, "application/octet-stream", Progress.NONE));
      assertEquals(dev.ejup.model.Status.CRIT, bad.status);
      assertEquals("unusable slot header: the Authorization header value holds the non-ASCII character U+00E9 at position 7, which HTTP headers cannot carry",
          bad.getMessage());
    } finally {
      http.close();
    }
  }

  /** Retried or not, a server that hangs up without answering is said in words, not as okio's "\n not found: limit=0". */
  @Test
  void aServerThatHangsUpWithoutAnswering() throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        while (true) {
          try (Socket s = listener.accept()) {
            s.getInputStream().read(new byte[8192]);
          } catch (IOException e) {
            return;
          }
        }
      });
      server.setDaemon(true);
      server.start();
      HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
      try {
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
            () -> http.get("http://127.0.0.1:" + listener.getLocalPort() + "/file", null, Progress.NONE));
        StepFailure f = Diagnose.network(e, "the GET URL", "the upload listener", STEP);
        assertEquals("the GET URL: the server closed the connection without an answer", f.getMessage());
      } finally {
        http.close();
      }
    }
  }

  @Test
  void aShortAnswerSaysHowMuchCame() throws IOException {
    TestFile file = new TestFile(100_000, 0, 1, "application/octet-stream");
    byte[] bytes = new byte[100_000];
    TestFile.Stream stream = new TestFile.Stream(file);
    byte[] chunk = new byte[TestFile.CHUNK];
    for (int at = 0, n; (n = stream.next(chunk)) > 0; at += n) {
      System.arraycopy(chunk, 0, bytes, at, n);
    }
    try (ServerSocket server = endless("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", Arrays.copyOf(bytes, 70_000), false)) {
      HttpTransfer.Outcome get = getFrom(server, file);
      assertEquals(-1, get.firstDifference());
      assertEquals(70_000, get.bytes());
      assertEquals("GET returned other bytes than were PUT: 70000 of the 100000 bytes that were PUT", verdict(get, file));
    }
  }
}
