package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The truth about CORS is a browser: a page on another origin (http://127.0.0.1:PORT) has
 * headless Chromium PUT and GET a real ejabberd slot with fetch, and `ejup check --origin` on that
 * origin must reach the same verdict, with and without the custom_headers that allow it.
 */
class CorsIT {
  private static LocalEjabberd server;
  private static HttpServer pages;
  private static String pristine;
  private static volatile String page = "";

  @BeforeAll
  static void start() throws IOException {
    server = LocalEjabberd.up("corsit");
    pristine = Files.readString(server.config());
    pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    pages.createContext("/", exchange -> {
      byte[] body = page.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    pages.start();
  }

  @AfterAll
  static void stop() {
    if (pages != null) {
      pages.stop(0);
    }
    if (server != null) {
      server.down();
    }
  }

  private static String origin() {
    return "http://127.0.0.1:" + pages.getAddress().getPort();
  }

  private static void withHeaders(String allowOrigin) {
    String config = allowOrigin == null ? pristine : pristine.replaceFirst("(\n  mod_http_upload:\n)", "$1    custom_headers:\n"
        + "      \"Access-Control-Allow-Origin\": \"" + allowOrigin + "\"\n"
        + "      \"Access-Control-Allow-Methods\": \"GET,HEAD,PUT,OPTIONS\"\n"
        + "      \"Access-Control-Allow-Headers\": \"Content-Type\"\n");
    LocalEjabberd.Shell.Result reload = server.load(config);
    assertEquals(0, reload.exit(), reload.out());
  }

  private static Ejup.Result check(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("check", "--jid", server.get("JID"), "--server", "localhost:" + server.get("XMPP_PORT")));
    args.addAll(List.of(extra));
    return Ejup.runCaptured(Map.of("EJUP_PASSWORD", server.password()), args.toArray(String[]::new));
  }

  /** What the browser makes of a PUT and GET of a fresh slot from the page's origin: "ok" or where it was blocked. */
  private static String browser() {
    Ejup.Result slot = check("--stop-after", "slot");
    assertEquals(0, slot.exitCode(), slot.out() + slot.err());
    Matcher url = Pattern.compile("slot\\s+PUT (\\S+)").matcher(slot.out());
    assertTrue(url.find(), slot.out());
    page = """
        <!doctype html><html><body><pre id="result">running</pre><script>
        (async () => {
          const out = document.getElementById('result');
          const bytes = new Uint8Array(1024).map((_, i) => (i * 7) & 255);
          let stage = 'PUT';
          try {
            const put = await fetch('%s', {method: 'PUT', body: bytes, headers: {'Content-Type': 'application/octet-stream'}});
            if (put.status !== 201 && put.status !== 200) { out.textContent = 'RESULT:put-status-' + put.status; return; }
            stage = 'GET';
            const get = await fetch('%s');
            const back = new Uint8Array(await get.arrayBuffer());
            out.textContent = back.length === bytes.length && back.every((b, i) => b === bytes[i]) ? 'RESULT:ok' : 'RESULT:get-differs';
          } catch (e) {
            out.textContent = 'RESULT:blocked-' + stage;
          }
        })();
        </script></body></html>
        """.formatted(url.group(1), url.group(1));
    LocalEjabberd.Shell.Result dom = LocalEjabberd.Shell.run(List.of("scripts/local-chromium", "dump-dom", origin() + "/"), 180);
    Matcher result = Pattern.compile("RESULT:([\\w-]+)").matcher(dom.out());
    assertTrue(result.find(), "the page never finished: " + dom.out());
    return result.group(1);
  }

  /** ejup's cors step: OK or CRITICAL, with its line and hint. */
  private static String ejup() {
    Ejup.Result r = check("--origin", origin(), "--no-probes");
    String cors = r.out().lines().filter(l -> l.matches("\\s+\\S+\\s+[0-9.]+s\\s+cors\\s.*")).findFirst()
        .orElseThrow(() -> new AssertionError("no cors step:\n" + r.out() + r.err()));
    assertEquals(cors.trim().startsWith("OK") ? 0 : 2, r.exitCode(), r.out());
    return cors.trim() + "\n" + r.out();
  }

  @Test
  void withoutCorsHeadersTheBrowserIsBlockedAndEjupSaysSo() {
    withHeaders(null);
    String browser = browser();
    String ejup = ejup();
    assertEquals("blocked-PUT", browser, "ejabberd 23.01 answers OPTIONS with Allow: only");
    assertTrue(ejup.startsWith("CRITICAL"), ejup);
    assertTrue(ejup.contains("the preflight, PUT and GET: no Access-Control-Allow-Origin"), ejup);
    assertTrue(ejup.contains("\"Access-Control-Allow-Origin\": \"" + origin() + "\""), "the hint has the custom_headers to add: " + ejup);
  }

  @Test
  void withHeadersForThatOriginTheBrowserUploadsAndEjupAgrees() {
    withHeaders(origin());
    String browser = browser();
    String ejup = ejup();
    assertEquals("ok", browser);
    assertTrue(ejup.startsWith("OK"), ejup);
  }

  @Test
  void headersForAnotherOriginBlockTheBrowserAndEjupNamesTheMismatch() {
    // what Debian's stock lines give ejabberd 23.01: it does not expand @HOST@ in custom_headers
    withHeaders("https://@HOST@");
    String browser = browser();
    String ejup = ejup();
    assertEquals("blocked-PUT", browser);
    assertTrue(ejup.startsWith("CRITICAL") && ejup.contains("Access-Control-Allow-Origin 'https://@HOST@', not " + origin()), ejup);
    assertTrue(ejup.contains("does not expand @HOST@"), ejup);
  }
}
