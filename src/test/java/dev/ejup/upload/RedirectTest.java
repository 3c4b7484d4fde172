package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A GET URL that answers with a redirect, against the JDK's HTTP server on loopback: followed as
 * clients follow it (relative Locations, each of 301/302/303/307/308, up to 20), bounded by the
 * step timeout as a whole, with a loop, a chain too long, a Location no client can use and a
 * redirect target whose certificate fails each named in words; the PUT is not followed. The old
 * code did not follow: every GET here got the 3xx.
 */
class RedirectTest {
  private static final Duration STEP = Duration.ofSeconds(20);
  private static final TestFile FILE = new TestFile(100_000, 0, 11, "application/octet-stream");

  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  /** The self-signed certificate's files; JUnit removes them (the suite must leave /tmp as it found it). */
  @org.junit.jupiter.api.io.TempDir
  java.nio.file.Path keys;
  /** Each request as "METHOD PATH Host=... Origin=...", in the order they came. */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  private interface Route {
    void answer(HttpExchange exchange) throws Exception;
  }

  private String serve(Map<String, Route> routes) throws IOException {
    return serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), routes, "http");
  }

  private String serve(HttpServer server, Map<String, Route> routes, String scheme) {
    server.createContext("/", exchange -> {
      try (exchange) {
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " Host=" + exchange.getRequestHeaders().getFirst("Host")
            + " Origin=" + exchange.getRequestHeaders().getFirst("Origin"));
        exchange.getRequestBody().readAllBytes();
        Route route = routes.get(exchange.getRequestURI().getPath());
        if (route == null) {
          exchange.sendResponseHeaders(404, -1);
        } else {
          route.answer(exchange);
        }
      } catch (Exception e) {
        // the client went first
      }
    });
    server.start();
    servers.add(server);
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** An https server on loopback with a self-signed certificate, as https://localhost:PORT. */
  private String secure(Map<String, Route> routes) throws Exception {
    HttpsServer tls = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    tls.setHttpsConfigurator(new HttpsConfigurator(dev.ejup.testing.SelfSignedTls.serverContext(keys)));
    return serve(tls, routes, "https").replace("127.0.0.1", "localhost");
  }

  private static Route redirect(int status, String location) {
    return exchange -> {
      exchange.getResponseHeaders().add("Location", location);
      exchange.sendResponseHeaders(status, -1);
    };
  }

  private static Route bytes(byte[] body) {
    return exchange -> {
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    };
  }

  private static byte[] file() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    TestFile.Stream stream = new TestFile.Stream(FILE);
    byte[] chunk = new byte[TestFile.CHUNK];
    for (int n; (n = stream.next(chunk)) > 0; ) {
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }

  private static HttpTransfer.Outcome get(HttpTransfer http, String url) throws Exception {
    return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> http.get(url, FILE, Progress.NONE));
  }

  private static HttpTransfer.Outcome get(String url) throws Exception {
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      return get(http, url);
    } finally {
      http.close();
    }
  }

  /** What the check's get step says of it: its detail, or its failure's words and hint. */
  private static String words(String url) {
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      return UploadFlow.requireSame(get(http, url), url, FILE).via();
    } catch (StepFailure f) {
      return f.status + " " + f.getMessage() + " | " + f.hint;
    } catch (Exception e) {
      StepFailure f = Diagnose.network(e, e instanceof HttpTransfer.Redirected r ? r.where : "the GET URL", "the download listener", STEP);
      return f.status + " " + f.getMessage() + " | " + f.hint;
    } finally {
      http.close();
    }
  }

  @Test
  void aRelativeRedirectToTheSameBytesIsFollowedAndTheBytesCompared() throws Exception {
    String base = serve(Map.of("/upload/f", redirect(302, "../real/f"), "/real/f", bytes(file())));
    HttpTransfer.Outcome got = get(base + "/upload/f");
    assertEquals(200, got.status());
    assertEquals(-1, got.firstDifference());
    assertEquals(FILE.size, got.bytes());
    assertEquals(" after 302 -> " + base + "/real/f", got.via());
    assertNull(got.downgrade());
    UploadFlow.requireSame(got, base + "/upload/f", FILE);
  }

  @Test
  void everyRedirectStatusIsFollowedToAnotherServer() throws Exception {
    String cdn = serve(Map.of("/f", bytes(file())));
    String base = serve(Map.of("/a", redirect(301, "/b"), "/b", redirect(303, "/c"), "/c", redirect(307, "/d"),
        "/d", redirect(308, cdn + "/f")));
    HttpTransfer.Outcome got = get(base + "/a");
    assertEquals(200, got.status());
    assertEquals(-1, got.firstDifference());
    assertEquals(" after 301 -> " + base + "/b, 303 -> " + base + "/c, 307 -> " + base + "/d, 308 -> " + cdn + "/f", got.via());
  }

  @Test
  void aRedirectToOtherBytesOrAnErrorIsCritical() throws Exception {
    String base = serve(Map.of("/login", bytes("<html>log in</html>".getBytes(StandardCharsets.UTF_8)),
        "/to-login", redirect(302, "/login"), "/to-missing", redirect(302, "/nothing")));
    String other = words(base + "/to-login");
    assertTrue(other.startsWith("CRIT GET returned other bytes than were PUT after 302 -> " + base + "/login: Content-Length 19"), other);
    assertTrue(other.contains("login or error page"), other);
    String missing = words(base + "/to-missing");
    assertTrue(missing.startsWith("CRIT GET answered HTTP 404 Not Found after 302 -> " + base + "/nothing"), missing);
  }

  @Test
  void aLoopIsNamedAsOneAndNotFollowedForever() throws Exception {
    String base = serve(Map.of("/a", redirect(302, "/b"), "/b", redirect(301, "/a"), "/self", redirect(307, "/self")));
    String loop = words(base + "/a");
    assertEquals("CRIT GET redirects in a loop: " + base + "/a -302-> " + base + "/b -301-> " + base + "/a", loop.substring(0, loop.indexOf(" | ")));
    assertTrue(loop.contains("clients give up"), loop);
    assertEquals(2, seen.size(), "two requests and no more: " + seen);
    String self = words(base + "/self");
    assertTrue(self.startsWith("CRIT GET redirects in a loop: " + base + "/self -307-> " + base + "/self |"), self);
  }

  @Test
  void twentyRedirectsAreFollowedAndTheTwentyFirstIsTooMany() throws Exception {
    Map<String, Route> routes = new ConcurrentHashMap<>();
    for (int i = 0; i < 21; i++) {
      routes.put("/r" + i, redirect(302, "/r" + (i + 1)));
    }
    routes.put("/r21", bytes(file()));
    String base = serve(routes);
    assertEquals(200, get(base + "/r1").status(), "20 redirects, as browsers and OkHttp follow");
    String tooMany = words(base + "/r0");
    assertTrue(tooMany.startsWith("CRIT GET was redirected more than 20 times (browsers and OkHttp stop there): " + base + "/r0 -302-> "
        + base + "/r1 -302-> " + base + "/r2 … (17 more) -302-> " + base + "/r20 -302-> " + base + "/r21 |"), tooMany);
  }

  @Test
  void aLocationNoClientCanFollowIsNamed() throws Exception {
    String base = serve(Map.of("/f", redirect(302, "ftp://files.example/f")));
    String said = words(base + "/f");
    assertTrue(said.startsWith("CRIT GET answered HTTP 302 with a Location that is not an http(s) URL: ftp://files.example/f"), said);
  }

  @Test
  void theStepTimeoutBoundsTheWholeChain() throws Exception {
    Route slow = exchange -> {
      Thread.sleep(700);
      String n = exchange.getRequestURI().getPath().substring(2);
      exchange.getResponseHeaders().add("Location", "/s" + (Integer.parseInt(n) + 1));
      exchange.sendResponseHeaders(302, -1);
    };
    Map<String, Route> routes = new ConcurrentHashMap<>();
    for (int i = 0; i < 15; i++) {
      routes.put("/s" + i, slow);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    String base = serve(server, routes, "http");
    Duration step = Duration.ofSeconds(2);
    HttpTransfer http = new HttpTransfer(new Tls(false), step);
    long start = System.nanoTime();
    try {
      Exception e = assertThrows(Exception.class, () -> assertTimeoutPreemptively(Duration.ofSeconds(30),
          () -> http.get(base + "/s0", FILE, Progress.NONE)));
      long took = (System.nanoTime() - start) / 1_000_000;
      // each hop alone is well inside the step timeout; the chain is not (15 x 0.7 s)
      assertTrue(took < 6000, "took " + took + " ms");
      StepFailure f = Diagnose.network(e, e instanceof HttpTransfer.Redirected r ? r.where : "the GET URL", "the download listener", step);
      assertTrue(f.getMessage().contains("did not answer within 2 s (the step timeout)"), f.getMessage());
    } finally {
      http.close();
    }
  }

  @Test
  void aRedirectTargetWhoseCertificateFailsIsNamedWithTheTlsWords() throws Exception {
    String target = secure(Map.of("/f", bytes(file())));
    String base = serve(Map.of("/f", redirect(302, target + "/f")));
    String said = words(base + "/f");
    assertTrue(said.startsWith("CRIT TLS certificate of the redirect target of the GET URL, " + target + " (after 302) is not trusted"), said);
  }

  @Test
  void aDowngradeFromHttpsToPlainHttpIsReportedForTheFlowToJudge() throws Exception {
    String plain = serve(Map.of("/f", bytes(file())));
    String secure = secure(Map.of("/f", redirect(301, plain + "/f")));
    HttpTransfer http = new HttpTransfer(new Tls(true), STEP);
    try {
      HttpTransfer.Outcome got = get(http, secure + "/f");
      assertEquals(200, got.status());
      assertEquals(secure + " -> " + plain, got.downgrade());
    } finally {
      http.close();
    }
  }

  @Test
  void withoutAllowHttpADowngradeIsNotFollowedAndNothingGoesOutInTheClear() throws Exception {
    // whoever serves get_url must not be able to point the check (or an exporter) at any plain-http address
    String plain = serve(Map.of("/internal", bytes(file())));
    String secure = secure(Map.of("/f", redirect(302, plain + "/internal")));
    HttpTransfer http = new HttpTransfer(new Tls(true), STEP);
    http.followsToPlainHttp(false);
    try {
      StepFailure f = assertThrows(StepFailure.class, () -> get(http, secure + "/f"));
      assertEquals(dev.ejup.model.Status.CRIT, f.status);
      assertTrue(f.getMessage().startsWith("the GET URL redirects from https to plain http: " + secure + " -> " + plain + " (not followed)"), f.getMessage());
      assertTrue(f.hint.contains("--allow-http"), f.hint);
      assertFalse(seen.stream().anyMatch(r -> r.startsWith("GET /internal")), "nothing sent in the clear: " + seen);
    } finally {
      http.close();
    }
  }

  @Test
  void aLocationsUserAndPasswordAreNeverShownAndALongChainIsShortInAnOkDetail() throws Exception {
    Map<String, Route> routes = new ConcurrentHashMap<>();
    String other = serve(routes);
    routes.put("/u", redirect(302, other.replace("http://", "http://hc:s3cretpw@") + "/h0"));
    for (int i = 0; i < 8; i++) {
      routes.put("/h" + i, redirect(302, "/h" + (i + 1) + "?" + "q".repeat(400)));
    }
    routes.put("/h8", bytes(file()));
    HttpTransfer.Outcome got = get(other + "/u");
    assertEquals(200, got.status());
    String via = got.via();
    assertFalse(via.contains("s3cretpw") || via.contains("hc:"), via);
    assertTrue(via.contains("(7 more)") && via.length() < 700, via.length() + ": " + via);
  }

  @Test
  void twoDifferentLocationsAreRefusedAsBrowsersRefuseThem() throws Exception {
    String base = serve(Map.of("/f", exchange -> {
      exchange.getResponseHeaders().add("Location", "/a");
      exchange.getResponseHeaders().add("Location", "/b");
      exchange.sendResponseHeaders(302, -1);
    }, "/a", bytes(file()), "/b", bytes(file())));
    StepFailure f = assertThrows(StepFailure.class, () -> get(base + "/f"));
    assertTrue(f.getMessage().startsWith("GET answered HTTP 302 with 2 different Location headers"), f.getMessage());
  }

  @Test
  void aBrowsersRedirectToAUrlWithAUserAndPasswordIsRefusedAsFetchRefusesIt() throws Exception {
    Map<String, Route> routes = new ConcurrentHashMap<>();
    String base = serve(routes);
    routes.put("/f", redirect(302, base.replace("http://", "http://hc:pw@") + "/g"));
    routes.put("/g", bytes(file()));
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    http.origin("https://chat.localhost");
    try {
      StepFailure f = assertThrows(StepFailure.class, () -> get(http, base + "/f"));
      assertTrue(f.getMessage().startsWith("GET redirected to a URL with a user and password on another origin than the page's: "
          + base + "/g"), f.getMessage());
    } finally {
      http.close();
    }
    assertEquals(200, get(base + "/f").status(), "without a page's origin it is followed, as OkHttp follows it");
  }

  @Test
  void thePutIsNotFollowedAndItsRedirectIsNamed() throws Exception {
    String base = serve(Map.of("/put", redirect(307, "/elsewhere"), "/elsewhere", bytes(new byte[0])));
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      HttpTransfer.Outcome put = http.put(base + "/put", List.of(), FILE, "application/octet-stream", Progress.NONE);
      assertEquals(307, put.status());
      assertEquals(1, seen.size(), "one PUT, not followed: " + seen);
      StepFailure f = assertThrows(StepFailure.class, () -> UploadFlow.requirePut(put, base + "/put", null, FILE.size, null, null));
      assertTrue(f.getMessage().startsWith("PUT answered HTTP 307") && f.getMessage().contains(", a redirect to /elsewhere; ejup does not "
          + "follow a redirected PUT"), f.getMessage());
      assertTrue(f.hint.contains("make put_url the address that stores the file"), f.hint);
    } finally {
      http.close();
    }
  }

  @Test
  void aHostHeaderForAClusterNodeIsNotSentToAnotherOrigin() throws Exception {
    String cdn = serve(Map.of("/f", bytes(file())));
    String node = serve(Map.of("/f", redirect(302, cdn + "/f"), "/same", redirect(302, "/f")));
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      assertEquals(200, get(http.withHost("upload.example.org"), node + "/f").status());
      assertEquals("GET /f Host=upload.example.org Origin=null", seen.get(0));
      assertEquals("GET /f Host=" + cdn.substring("http://".length()) + " Origin=null", seen.get(1));
    } finally {
      http.close();
    }
  }

  @Test
  void aBrowsersOriginTurnsNullAfterARedirectToAnotherOriginAndEveryRedirectMustAllowIt() throws Exception {
    Route allowing = exchange -> {
      exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "https://chat.example.org");
      bytes(file()).answer(exchange);
    };
    String cdn = serve(Map.of("/f", allowing));
    String base = serve(Map.of("/upload/f", redirect(302, "/moved/f"), "/moved/f", redirect(302, cdn + "/f")));
    HttpTransfer http = new HttpTransfer(new Tls(false), STEP);
    try {
      http.origin("https://chat.example.org");
      HttpTransfer.Outcome got = get(http, base + "/upload/f");
      assertEquals(200, got.status());
      assertTrue(seen.get(0).endsWith("Origin=https://chat.example.org") && seen.get(1).endsWith("Origin=https://chat.example.org")
          && seen.get(2).endsWith("Origin=null"), seen.toString());
      HttpTransfer.Outcome fine = new HttpTransfer.Outcome(200, "", 0, -1, "", -1, Headers.of(
          "Access-Control-Allow-Origin", "https://chat.example.org", "Access-Control-Allow-Methods", "PUT",
          "Access-Control-Allow-Headers", "Content-Type"), "");
      StepFailure f = assertThrows(StepFailure.class, () -> CorsProbe.verdict("https://chat.example.org", fine, fine, got));
      assertTrue(f.getMessage().contains("the GET's 302 redirect from " + base + "/upload/f: no Access-Control-Allow-Origin"), f.getMessage());
      assertTrue(f.getMessage().contains("Access-Control-Allow-Origin 'https://chat.example.org', not null"), f.getMessage());
      assertTrue(f.hint.contains("Origin: null"), f.hint);
      assertFalse(f.getMessage().contains("the preflight, PUT and GET"), f.getMessage());
    } finally {
      http.close();
    }
  }

  @Test
  void aBodyCutShortBehindARedirectIsTheRedirectTargets() throws Exception {
    byte[] half = java.util.Arrays.copyOf(file(), (int) FILE.size / 2);
    Route cut = exchange -> {
      exchange.sendResponseHeaders(200, FILE.size);
      exchange.getResponseBody().write(half);
      exchange.getResponseBody().flush();
      exchange.getHttpContext().getServer().stop(0); // hangs up in the middle of the body
    };
    String target = serve(Map.of("/f", cut));
    String base = serve(Map.of("/f", redirect(302, target + "/f")));
    String said = words(base + "/f");
    assertTrue(said.startsWith("CRIT the redirect target of the GET URL, " + target + " (after 302): "), said);
    assertTrue(said.contains(half.length + " of " + FILE.size + " bytes"), said);
  }
}
