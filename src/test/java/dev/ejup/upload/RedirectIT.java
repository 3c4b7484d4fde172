package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import dev.ejup.testing.LocalNginx;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `ejup check` with a get_url behind a real nginx that answers the GET with a redirect, as a CDN
 * or a proxy in front of the real ejabberd 23.01 does (the PUT goes straight to ejabberd's https
 * listener). A redirect to the same bytes is followed as every client follows it; one to other
 * bytes, to a 404, in a loop, or from https to plain http is named. The old code stopped at the
 * 3xx and called every one of them CRITICAL "GET answered HTTP 302".
 */
class RedirectIT {
  private static LocalEjabberd server;
  private static LocalNginx nginx;
  private static String https;
  private static String http;

  @BeforeAll
  static void start() throws IOException {
    server = LocalEjabberd.up("redirectit");
    nginx = LocalNginx.on("redirectit", LocalNginx.freePort());
    https = "https://localhost:" + server.get("HTTPS_PORT");
    http = "http://localhost:" + server.get("HTTP_PORT");
    String put = "put_url: " + https.replace("localhost", "@HOST@") + "/upload";
    String config = Files.readString(server.config());
    assertTrue(config.contains(put), config);
    LocalEjabberd.Shell.Result reload = server.load(config.replace(put,
        put + "\n    get_url: https://@HOST@:" + nginx.port() + "/upload"));
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

  private static Ejup.Result check(String... extra) {
    List<String> args = new ArrayList<>(List.of("check", "--jid", server.get("JID"), "--server", "localhost:" + server.get("XMPP_PORT")));
    args.addAll(List.of(extra));
    Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", server.password()), args.toArray(String[]::new));
    String all = r.out() + r.err();
    assertFalse(all.contains("\tat ") || all.matches("(?s).*\\b(okhttp3|java\\.net|javax\\.net)\\.[A-Za-z.]+.*"), all);
    return r;
  }

  /** The step's line and the hint line under it. */
  private static String step(Ejup.Result r, String step) {
    return ProxyIT.stepAndHint(r, step);
  }

  @Test
  void aRedirectToWhereEjabberdServesTheFileIsFollowedAndTheBytesCompared() throws Exception {
    nginx.start("location /upload/ { return 302 " + https + "$request_uri; }\n");
    Ejup.Result r = check();
    assertEquals(0, r.exitCode(), r.out() + r.err());
    String get = step(r, "get");
    assertTrue(get.trim().startsWith("OK") && get.contains("HTTP 200 after 302 -> " + https + "/upload/")
        && get.contains("bytes identical to the PUT"), get);
    // the never-issued path is redirected alike, and ejabberd's 404 behind the redirect is the answer
    String missing = step(r, "probe-missing");
    assertTrue(missing.trim().startsWith("OK") && missing.contains("answered 404 after 302 -> " + https + "/upload/"), missing);
  }

  @Test
  void aRelativeLocationToAnotherPathOfTheSameServerIsFollowed() throws Exception {
    // absolute_redirect off: nginx sends the Location as written, relative
    nginx.start("absolute_redirect off;\n"
        + "location /upload/ { return 301 /files$request_uri; }\n"
        + "location /files/ { rewrite ^/files(/.*)$ $1 break; proxy_pass " + http.replace("localhost", "127.0.0.1") + "; proxy_set_header Host $host; }\n");
    Ejup.Result r = check("--no-probes");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    String get = step(r, "get");
    assertTrue(get.contains("HTTP 200 after 301 -> https://localhost:" + nginx.port() + "/files/upload/"), get);
    assertTrue(Files.readString(java.nio.file.Path.of("/var/lib/ejup-test/nginx-redirectit/access.log")).contains("\"GET /upload/"),
        "the first GET went to get_url");
  }

  @Test
  void aRedirectToALoginPageIsOtherBytes() throws Exception {
    nginx.start("location /upload/ { return 302 /login; }\nlocation = /login { default_type text/html; return 200 '<html>please log in</html>'; }\n");
    Ejup.Result r = check("--no-probes");
    assertEquals(2, r.exitCode(), r.out());
    String get = step(r, "get");
    assertTrue(get.trim().startsWith("CRIT") && get.contains("GET returned other bytes than were PUT after 302 -> https://localhost:"
        + nginx.port() + "/login"), get);
    assertTrue(get.contains("login or error page"), get);
  }

  @Test
  void aRedirectToA404IsA404() throws Exception {
    nginx.start("location /upload/ { return 307 " + https + "/upload/never/issued.bin; }\n");
    Ejup.Result r = check("--no-probes");
    assertEquals(2, r.exitCode(), r.out());
    String get = step(r, "get");
    assertTrue(get.trim().startsWith("CRIT") && get.contains("GET answered HTTP 404 Not Found after 307 -> " + https + "/upload/never/issued.bin"), get);
    assertTrue(get.contains("make the redirect"), get);
  }

  @Test
  void aRedirectLoopIsNamedAsOne() throws Exception {
    // http to https and back, the classic: here two locations sending to each other
    nginx.start("location /upload/ { return 302 /again$request_uri; }\nlocation /again/ { rewrite ^/again(/.*)$ $1 redirect; }\n");
    Ejup.Result r = check("--no-probes");
    assertEquals(2, r.exitCode(), r.out());
    String get = step(r, "get");
    assertTrue(get.trim().startsWith("CRIT") && get.contains("GET redirects in a loop: https://localhost:" + nginx.port() + "/upload/"), get);
    assertTrue(get.contains("-302-> https://localhost:" + nginx.port() + "/again/upload/"), get);
  }

  @Test
  void aRedirectFromHttpsToPlainHttpIsCriticalUnlessPlainHttpIsAllowedThenAWarning() throws Exception {
    nginx.start("location /upload/ { return 302 " + http + "$request_uri; }\n");
    Ejup.Result r = check("--no-probes");
    assertEquals(2, r.exitCode(), r.out());
    String get = step(r, "get");
    // stopped before anything goes out in the clear
    assertTrue(get.trim().startsWith("CRIT") && get.contains("redirects from https to plain http: https://localhost:" + nginx.port()
        + " -> " + http + " (not followed)"), get);
    assertTrue(get.contains("mixed content") && get.contains("--allow-http"), get);

    Ejup.Result allowed = check("--no-probes", "--allow-http");
    assertEquals(1, allowed.exitCode(), allowed.out());
    String warned = step(allowed, "get");
    assertTrue(warned.trim().startsWith("WARN") && warned.contains("accepted by --allow-http") && warned.contains("mixed content"), warned);
  }

  /** nginx passing get_url to ejabberd, and doing what onMissing says with ejabberd's 404. */
  private static String proxied(String onMissing) {
    return "location /upload/ { proxy_pass " + http.replace("localhost", "127.0.0.1") + "; proxy_set_header Host $host; "
        + "proxy_intercept_errors on; error_page 404 = @missing; }\n" + "location @missing { " + onMissing + " }\n";
  }

  @Test
  void aNeverIssuedPathRedirectedToAPageThatAnswers200IsServedSomethingAndCritical() throws Exception {
    // a CDN or site rule sending unknown files to the home page: a client that follows downloads that page as the file
    nginx.start(proxied("return 302 /;") + "location = / { default_type text/html; return 200 '<html>welcome</html>'; }\n");
    Ejup.Result r = check();
    assertEquals(2, r.exitCode(), r.out());
    assertTrue(step(r, "get").trim().startsWith("OK"), r.out());
    String missing = step(r, "probe-missing");
    assertTrue(missing.trim().startsWith("CRIT") && missing.contains("answered HTTP 200 after 302 -> https://localhost:" + nginx.port()
        + "/ instead of 404"), missing);
  }

  @Test
  void aNeverIssuedPathThatRedirectsInALoopServesNothingAndIsAWarning() throws Exception {
    nginx.start(proxied("return 302 $request_uri;"));
    Ejup.Result r = check();
    assertEquals(1, r.exitCode(), r.out());
    String missing = step(r, "probe-missing");
    assertTrue(missing.trim().startsWith("WARN") && missing.contains(": GET redirects in a loop: https://localhost:" + nginx.port() + "/upload/"),
        missing);
  }

  @Test
  void aNeverIssuedPathRedirectedToWhereNothingAnswersServesNothingAndIsAWarning() throws Exception {
    int closed = LocalNginx.freePort();
    nginx.start(proxied("return 302 https://localhost:" + closed + "$request_uri;"));
    Ejup.Result r = check();
    assertEquals(1, r.exitCode(), r.out());
    String missing = step(r, "probe-missing");
    assertTrue(missing.trim().startsWith("WARN") && missing.contains("was redirected, and then: ") && missing.contains("refused"), missing);
  }

  @Test
  void anExternalUploadServersRefusedFileWhoseUrlLoopsIsNotServedSoTheTokenProbesPass() throws Exception {
    // what the external server does not serve (404) redirects to itself
    Ejup.Result r = behindExternal("location @missing { return 302 $request_uri; }\n");
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(step(r, "probe-missing").trim().startsWith("WARN") && step(r, "probe-missing").contains("GET redirects in a loop"), r.out());
  }

  @Test
  void anExternalUploadServersRefusedFileRedirectedToAHomePageIsNotServedEither() throws Exception {
    // a home page that answers 200 is not the file: the token probes pass, the never-issued path is what fails
    Ejup.Result r = behindExternal("location @missing { return 302 /; }\n"
        + "location = / { default_type text/html; return 200 '<html>welcome</html>'; }\n");
    assertEquals(2, r.exitCode(), r.out());
    assertTrue(step(r, "probe-missing").trim().startsWith("CRIT"), r.out());
  }

  /** A check of an external upload server (prosody's mod_http_upload_external protocol) whose get_url nginx passes on, with onMissing for its 404s. */
  private Ejup.Result behindExternal(String onMissing) throws Exception {
    java.nio.file.Path root = Files.createTempDirectory("ejup-redirect-external-");
    java.nio.file.Path secret = Files.writeString(root.resolve("secret"), Long.toHexString(new java.security.SecureRandom().nextLong()) + "\n");
    int port = LocalNginx.freePort();
    String before = Files.readString(server.config());
    try (dev.ejup.testing.ExternalUploadServer external = dev.ejup.testing.ExternalUploadServer.start(
        Files.createTempDirectory(root, "files-"), secret, port, "1.1", false)) {
      Ejup.Result apply = Ejup.runCaptured(Map.of(), "config", "apply", server.config().toString(), "--no-backup",
          "--put-url", "http://127.0.0.1:" + port + "/upload", "--get-url", "https://localhost:" + nginx.port() + "/upload",
          "--external-secret", Files.readString(secret).trim());
      assertEquals(0, apply.exitCode(), apply.out() + apply.err());
      assertEquals(0, server.load(Files.readString(server.config())).exit());
      nginx.start("location /upload/ { proxy_pass http://127.0.0.1:" + port + "; proxy_intercept_errors on; error_page 404 = @missing; }\n"
          + onMissing);
      Ejup.Result r = check("--allow-http");
      assertTrue(step(r, "get").trim().startsWith("OK"), r.out());
      for (String probe : List.of("probe-forged-token", "probe-size-mismatch")) {
        assertTrue(step(r, probe).trim().startsWith("OK") && step(r, probe).contains("the file is not served"), r.out());
      }
      return r;
    } finally {
      assertEquals(0, server.load(before).exit());
      LocalEjabberd.Shell.run(List.of("rm", "-rf", root.toString()), 30);
    }
  }
}
