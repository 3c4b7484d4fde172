package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import dev.ejup.testing.LocalNginx;
import dev.ejup.testing.SilentServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `ejup check` through a real nginx terminating TLS in front of ejabberd 23.01's plain upload
 * listener (put_url points at nginx): the block `ejup config generate --proxy nginx` prints loads
 * and carries an upload, and each classic proxy failure is named as the proxy's, with its fix.
 */
class ProxyIT {
  private static LocalEjabberd server;
  private static LocalNginx nginx;
  private static String upstream;

  @BeforeAll
  static void start() throws IOException {
    server = LocalEjabberd.up("proxyit");
    nginx = LocalNginx.on("proxyit", LocalNginx.freePort());
    upstream = "http://127.0.0.1:" + server.get("HTTP_PORT");
    String config = Files.readString(server.config())
        .replace("put_url: https://@HOST@:" + server.get("HTTPS_PORT") + "/upload", "put_url: https://@HOST@:" + nginx.port() + "/upload");
    LocalEjabberd.Shell.Result reload = server.load(config);
    assertEquals(0, reload.exit(), reload.out());
  }

  @AfterAll
  static void stop() {
    if (nginx != null) {
      nginx.close();
    }
    if (server != null) {
      server.down();
    }
  }

  /** What `ejup config generate --proxy nginx` prints for the test server's plain listener. */
  private static String generated(String... extra) {
    List<String> args = new ArrayList<>(List.of("config", "generate", "--proxy", "nginx", "--host", "localhost",
        "--scheme", "http", "--ip", "127.0.0.1", "--port", server.get("HTTP_PORT"), "--max-size", "10485760"));
    args.addAll(List.of(extra));
    Ejup.Result r = Ejup.runCaptured(Map.of(), args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    return r.out();
  }

  private static Ejup.Result check(String... extra) {
    List<String> args = new ArrayList<>(List.of("check", "--jid", server.get("JID"), "--server", "localhost:" + server.get("XMPP_PORT")));
    args.addAll(List.of(extra));
    Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", server.password()), args.toArray(String[]::new));
    assertFalse((r.out() + r.err()).contains("\tat "), r.out() + r.err());
    return r;
  }

  private static String line(Ejup.Result r, String step) {
    return r.out().lines().filter(l -> l.matches("\\s+\\S+\\s+[0-9.]+s\\s+" + step + "\\s.*")).findFirst()
        .orElseThrow(() -> new AssertionError("no step " + step + " in:\n" + r.out() + r.err()));
  }

  /** The step's line and the hint line under it. */
  static String stepAndHint(Ejup.Result r, String step) {
    List<String> lines = r.out().lines().toList();
    int at = lines.indexOf(line(r, step));
    return lines.get(at) + "\n" + (at + 1 < lines.size() ? lines.get(at + 1) : "");
  }

  @Test
  void theGeneratedBlockLoadsAndAnUploadThroughNginxPasses() throws Exception {
    String block = generated();
    LocalEjabberd.Shell.Result syntax = nginx.test(block);
    assertEquals(0, syntax.exit(), "nginx -t refused what ejup printed:\n" + syntax.out() + "\n" + block);
    nginx.start(block);
    // larger than nginx's default client_max_body_size (1m): the generated block must lift it
    Ejup.Result r = check("--size", "2M");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(line(r, "slot").contains("https://localhost:" + nginx.port() + "/upload/"), r.out());
    assertTrue(line(r, "put").contains("HTTP 201 Created, 2097152 bytes"), r.out());
    assertTrue(line(r, "get").trim().startsWith("OK"), r.out());
  }

  @Test
  void theGeneratedApacheBlockLoadsAndAnUploadThroughApachePasses() throws Exception {
    Ejup.Result generate = Ejup.runCaptured(Map.of(), "config", "generate", "--proxy", "apache", "--host", "localhost",
        "--scheme", "http", "--ip", "127.0.0.1", "--port", server.get("HTTP_PORT"), "--max-size", "10485760");
    assertEquals(0, generate.exitCode(), generate.err());
    java.nio.file.Path dir = java.nio.file.Path.of("/var/lib/ejup-test/apache-proxyit");
    Files.createDirectories(dir);
    java.nio.file.Path site = Files.writeString(dir.resolve("site.conf"), generate.out());
    int port = LocalNginx.freePort();
    List<String> args = List.of("--dir", dir.toString(), "--port", Integer.toString(port), "--site", site.toString());
    List<String> test = new ArrayList<>(List.of("scripts/local-apache", "test"));
    test.addAll(args);
    LocalEjabberd.Shell.Result syntax = LocalEjabberd.Shell.run(test, 180);
    assertEquals(0, syntax.exit(), "apache2 -t refused what ejup printed:\n" + syntax.out() + "\n" + generate.out());
    List<String> run = new ArrayList<>(List.of("scripts/local-apache", "run"));
    run.addAll(args);
    String config = Files.readString(server.config());
    Process apache = new ProcessBuilder(run).redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
    try {
      assertEquals(0, server.load(config.replace(":" + nginx.port() + "/upload", ":" + port + "/upload")).exit());
      long end = System.nanoTime() + 60_000_000_000L;
      while (System.nanoTime() < end && apache.isAlive()) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
          break;
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      Ejup.Result r = check("--size", "2M", "--no-probes");
      assertEquals(0, r.exitCode(), r.out() + r.err());
      assertTrue(line(r, "put").contains("HTTP 201 Created, 2097152 bytes") && line(r, "slot").contains(":" + port + "/upload/"), r.out());
    } finally {
      apache.destroy();
      apache.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(0, server.load(config).exit());
    }
  }

  @Test
  void nginxsOwnBodySizeLimitIsNamedWithTheValueToSet() throws Exception {
    nginx.start(generated().replace("client_max_body_size 10485760;", "client_max_body_size 16k;"));
    Ejup.Result r = check("--size", "64K", "--no-probes");
    assertEquals(2, r.exitCode(), r.out());
    String put = stepAndHint(r, "put");
    assertTrue(put.contains("HTTP 413") && put.contains("from nginx in front of ejabberd"), put);
    assertTrue(put.contains("client_max_body_size 10485760;"), "names the directive and the max-file-size to set: " + put);
    assertFalse(put.contains("expected another size"), put);
  }

  @Test
  void aProxyThatDoesNotPassTheHostHeaderIsNamed() throws Exception {
    nginx.start(generated().replace("proxy_set_header Host $host;", "proxy_set_header Host 127.0.0.1;"));
    Ejup.Result r = check("--no-probes");
    assertEquals(2, r.exitCode(), r.out());
    String put = stepAndHint(r, "put");
    assertTrue(put.contains("HTTP 404") && put.contains("Host header"), put);
    assertTrue(put.contains("proxy_set_header Host $host;"), put);
  }

  @Test
  void aProxyThatRewritesThePathPrefixIsNamed() throws Exception {
    // a URI part on proxy_pass replaces the location's prefix: ejabberd gets /HASH/RANDOM/FILE
    nginx.start(generated().replace("proxy_pass " + upstream + ";", "proxy_pass " + upstream + "/;"));
    Ejup.Result r = check("--no-probes");
    assertEquals(2, r.exitCode(), r.out());
    String put = stepAndHint(r, "put");
    assertTrue(put.contains("HTTP 404") && put.contains("no request handler for the path"), put);
    assertTrue(put.contains("the proxy changes the path"), put);
  }

  @Test
  void aPathTheProxyDoesNotForwardIsTheProxysOwn404() throws Exception {
    nginx.start(generated().replace("location /upload/ {", "location /files/ {"));
    Ejup.Result r = check("--no-probes");
    assertEquals(2, r.exitCode(), r.out());
    String put = stepAndHint(r, "put");
    // nginx answers a PUT to a location it serves itself with 405, an unknown path with 404
    assertTrue(put.matches("(?s).*HTTP 40[45].*") && put.contains("from nginx in front of ejabberd") && put.contains("does not pass /upload on"), put);
    assertTrue(put.contains("location /upload/ {"), put);
  }

  @Test
  void aProxyTimeoutAndAnUnreachableUpstreamAreTheProxys() throws Exception {
    try (SilentServer hung = new SilentServer()) {
      nginx.start(generated().replace("proxy_pass " + upstream + ";", "proxy_pass http://127.0.0.1:" + hung.port() + ";")
          .replace("proxy_read_timeout 300s;", "proxy_read_timeout 2s;"));
      Ejup.Result r = check("--no-probes", "--step-timeout", "20");
      assertEquals(2, r.exitCode(), r.out());
      String put = stepAndHint(r, "put");
      assertTrue(put.contains("HTTP 504") && put.contains("timed out waiting for ejabberd"), put);
      assertTrue(put.contains("proxy_read_timeout"), put);
    }
    int closed = LocalNginx.freePort();
    nginx.start(generated().replace("proxy_pass " + upstream + ";", "proxy_pass http://127.0.0.1:" + closed + ";"));
    Ejup.Result r = check("--no-probes");
    assertEquals(2, r.exitCode(), r.out());
    String put = stepAndHint(r, "put");
    assertTrue(put.contains("HTTP 502") && put.contains("could not reach ejabberd's upload listener"), put);
  }
}
