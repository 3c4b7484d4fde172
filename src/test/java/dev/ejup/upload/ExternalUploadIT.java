package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.ExternalUploadServer;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ejabberd 23.01 with external_secret (written by `ejup config apply --external-secret`) handing
 * out slots on a real external upload server (Flask, prosody's mod_http_upload_external
 * protocol): `ejup check` passes against a correct one over HTTP/1.1 and HTTP/1.0, and its
 * security probes call a server that skips the token check an open file host.
 */
class ExternalUploadIT {
  private static LocalEjabberd server;
  private static Path root;
  private static Path secret;
  private static int port;

  @BeforeAll
  static void start() throws IOException {
    server = LocalEjabberd.up("externalit");
    root = Files.createTempDirectory("ejup-external-");
    secret = root.resolve("secret");
    String shared = Long.toHexString(new java.security.SecureRandom().nextLong()) + Long.toHexString(System.nanoTime());
    Files.writeString(secret, shared + "\n");
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = probe.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/upload";
    Ejup.Result apply = Ejup.runCaptured(Map.of(), "config", "apply", server.config().toString(), "--no-backup",
        "--put-url", url, "--get-url", url, "--external-secret", shared);
    assertEquals(0, apply.exitCode(), apply.out() + apply.err());
    LocalEjabberd.Shell.run(List.of("chown", "ejabberd:ejabberd", server.config().toString()), 10).requireOk("chown");
    server.ctl("reload_config").requireOk("reload_config");
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.reset();
      server.down();
    }
    if (root != null) {
      LocalEjabberd.Shell.run(List.of("rm", "-rf", root.toString()), 30);
    }
  }

  private static Ejup.Result check(ExternalUploadServer external, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("check", "--jid", server.get("JID"),
        "--server", "localhost:" + server.get("XMPP_PORT"), "--allow-http"));
    args.addAll(List.of(extra));
    return Ejup.runCaptured(Map.of("EJUP_PASSWORD", server.password()), args.toArray(String[]::new));
  }

  private static String line(Ejup.Result r, String step) {
    return r.out().lines().filter(l -> l.matches("\\s+\\S+\\s+[0-9.]+s\\s+" + step + "\\s.*")).findFirst()
        .orElseThrow(() -> new AssertionError("no step " + step + " in:\n" + r.out() + r.err()));
  }

  private static ExternalUploadServer external(String http, boolean insecure) throws IOException {
    Path files = Files.createTempDirectory(root, "files-");
    return ExternalUploadServer.start(files, secret, port, http, insecure);
  }

  private static void assertPassesWithTheProbes(Ejup.Result r) {
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(line(r, "slot").contains("?v="), "ejabberd signed the PUT URL: " + line(r, "slot"));
    assertTrue(line(r, "put").contains("HTTP 201"), r.out());
    assertTrue(line(r, "get").trim().startsWith("OK"), r.out());
    assertTrue(line(r, "probe-forged-token").trim().startsWith("OK"), r.out());
    assertTrue(line(r, "probe-forged-token").contains("refused with HTTP 403 and the file is not served"), r.out());
    assertTrue(line(r, "probe-size-mismatch").trim().startsWith("OK"), r.out());
    assertTrue(line(r, "probe-size-mismatch").contains("PUT of 1025 bytes with the token signed for 1024 was refused with HTTP 403"), r.out());
  }

  @Test
  void aCorrectExternalServerOverHttp11Passes() throws IOException {
    try (ExternalUploadServer external = external("1.1", false)) {
      assertPassesWithTheProbes(check(external));
    }
  }

  @Test
  void aCorrectExternalServerOverHttp10Passes() throws IOException {
    try (ExternalUploadServer external = external("1.0", false)) {
      Ejup.Result r = check(external, "--size", "70000");
      assertEquals(0, r.exitCode(), r.out() + r.err());
      assertTrue(line(r, "put").contains("HTTP 201 CREATED, 70000 bytes"), r.out());
      assertTrue(line(r, "get").contains("70000 bytes identical"), r.out());
      assertTrue(line(r, "probe-forged-token").trim().startsWith("OK"), r.out());
      assertTrue(line(r, "probe-size-mismatch").contains("PUT of 70001 bytes with the token signed for 70000 was refused"), r.out());
    }
  }

  @Test
  void aServerThatSkipsTheTokenCheckIsAnOpenFileHost() throws IOException {
    try (ExternalUploadServer external = external("1.1", true)) {
      Ejup.Result r = check(external);
      assertEquals(2, r.exitCode(), r.out() + r.err());
      assertTrue(line(r, "get").trim().startsWith("OK"), "uploads themselves work: " + r.out());
      for (String probe : List.of("probe-forged-token", "probe-size-mismatch")) {
        assertTrue(line(r, probe).trim().startsWith("CRITICAL"), r.out());
        assertTrue(line(r, probe).contains("it is an open file host for anyone on the internet"), r.out());
      }
      assertTrue(line(r, "probe-forged-token").contains("stored a PUT with a forged token"), r.out());
      assertTrue(line(r, "probe-size-mismatch").contains("stored a PUT of 1025 bytes with a token signed for 1024"), r.out());
      assertTrue(r.out().contains("HMAC-SHA256 of \"<path> <Content-Length>\""), "the fix: " + r.out());
      assertFalse((r.out() + r.err()).contains("\tat "), r.out() + r.err());
    }
  }

  @Test
  void noProbesSkipsThemAndTheCheckStillPasses() throws IOException {
    try (ExternalUploadServer external = external("1.1", true)) {
      Ejup.Result r = check(external, "--no-probes");
      assertEquals(0, r.exitCode(), r.out() + r.err());
      assertFalse(r.out().contains("probe-forged-token"), r.out());
    }
  }

  @Test
  void theExternalServerDownIsCriticalAndNamedAsSuch() {
    Ejup.Result r = check(null);
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(line(r, "put").trim().startsWith("CRITICAL"), r.out());
    assertTrue(line(r, "put").contains("connection to the PUT URL refused"), r.out());
    assertTrue(r.out().contains("is the external upload server (put_url, signed with external_secret) running"), r.out());
  }

  @Test
  void aServerWithAnotherSecretNamesTheSecretNotTheDocroot() throws IOException {
    Path other = Files.createTempFile(root, "other-secret-", "");
    Files.writeString(other, "not-the-same-secret\n");
    try (ExternalUploadServer external = ExternalUploadServer.start(Files.createTempDirectory(root, "files-"), other, port, "1.1", false)) {
      Ejup.Result r = check(external);
      assertEquals(2, r.exitCode(), r.out() + r.err());
      assertTrue(line(r, "put").contains("the external upload server refused the PUT that ejabberd signed (HTTP 403"), r.out());
      assertTrue(r.out().contains("make mod_http_upload's external_secret and the upload server's secret the same string"), r.out());
      assertFalse(r.out().contains("docroot"), r.out());
    }
  }
}
