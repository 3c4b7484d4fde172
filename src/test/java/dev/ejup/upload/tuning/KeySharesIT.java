package dev.ejup.upload.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejup.testing.EjupProcess;
import dev.ejup.testing.Jdks;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One TLS key share per ClientHello through bin/ejup on every JDK the machine has (JDK 20+; JSSE's
 * two on 17), read from a real OpenSSL server's trace of the ClientHello; and a server whose
 * OpenSSL takes neither x25519 nor x448 (an ejabberd whose OpenSSL configuration allows P-384
 * only) still judged as JSSE's defaults judge it: STARTTLS, direct TLS and the HTTPS PUT and GET
 * each make their connection again with JSSE's groups, and the check is OK.
 */
class KeySharesIT {
  private static LocalEjabberd server;
  private static Path work;

  @BeforeAll
  static void start() throws IOException {
    work = Files.createTempDirectory("ejup-keyshares");
    server = LocalEjabberd.up("keyshares");
    // OpenSSL reads its configuration when ejabberd's TLS starts: P-384 only, on every listener
    Path conf = server.openSslConf("openssl-p384.cnf", "Groups = P-384");
    // the PUT and GET on another host name than the XMPP domain (the certificate names 127.0.0.1 too),
    // so the HTTP connection meets the refusal on its own
    String config = Files.readString(server.config()).replace("put_url: https://@HOST@:", "put_url: https://127.0.0.1:");
    assertTrue(config.contains("put_url: https://127.0.0.1:"), config);
    server.write(config);
    server.restartWithOpenSsl(conf);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.down();
    }
    if (work != null) {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        // a test's leftovers in the temporary directory, nothing more
      }
    }
  }

  private static EjupProcess.Result check(Path jdk, String... extra) {
    List<String> args = new ArrayList<>(List.of("check", "--jid", server.get("JID"), "--no-probes", "--format", "json"));
    args.addAll(List.of(extra));
    Map<String, String> env = new HashMap<>(Map.of("EJUP_PASSWORD", server.password(), "EJUP_NO_CDS_LEARNING", "1", "JAVA_HOME", jdk.toString()));
    return EjupProcess.launcher(env, args.toArray(String[]::new)).waitFor(120);
  }

  @Test
  void aServerThatTakesNeitherX25519NorX448IsJudgedWithJssesOwnGroups() throws IOException {
    // the refusal itself, as a client offering x25519 only meets it
    LocalEjabberd.Shell.Result refused = LocalEjabberd.Shell.run(List.of("sh", "-c", "echo | openssl s_client -connect 127.0.0.1:"
        + server.get("HTTPS_PORT") + " -groups X25519 2>&1"), 30);
    assertTrue(refused.out().contains("Cipher is (NONE)"), "the server must refuse x25519 for this test to mean anything: " + refused.out());
    for (Map.Entry<Path, Integer> jdk : Jdks.all().entrySet()) {
      for (String[] mode : List.of(new String[] {"--server", "localhost:" + server.get("XMPP_PORT")},
          new String[] {"--server", "localhost:" + server.get("XMPPS_PORT"), "--direct-tls"})) {
        EjupProcess.Result r = check(jdk.getKey(), mode);
        assertEquals(0, r.exitCode(), jdk + " " + String.join(" ", mode) + ": " + r.out() + r.err());
        JsonNode report = new ObjectMapper().readTree(r.out());
        assertEquals("OK", report.get("status").asText(), r.out());
        List<String> steps = new ArrayList<>();
        report.get("reports").get(0).get("steps").forEach(step -> steps.add(step.get("name").asText() + "=" + step.get("status").asText()));
        assertTrue(steps.containsAll(List.of("connect=OK", "put=OK", "get=OK")), jdk + ": " + steps);
        assertTrue(r.out().contains("https://127.0.0.1:" + server.get("HTTPS_PORT") + "/upload/"), "the PUT went to 127.0.0.1: " + r.out());
        // the refused first handshake is in the report, beside the connection that got through
        String connect = report.get("reports").get(0).get("steps").get(0).get("detail").asText();
        assertEquals(jdk.getValue() >= 20, connect.contains("made again with Java's default TLS groups: the first handshake, offering x25519"
            + " and x448 only, was refused"), jdk + ": " + connect);
        String put = report.get("reports").get(0).get("steps").findValues("detail").stream().map(JsonNode::asText)
            .filter(d -> d.startsWith("HTTP 201")).findFirst().orElseThrow();
        assertEquals(jdk.getValue() >= 20, put.contains("(made again with Java's default TLS groups: 127.0.0.1 refused the first handshake,"
            + " offering x25519 and x448 only: "), jdk + ": " + put);
      }
    }
  }

  /** The key_share extension of a handshake message in an OpenSSL trace: its groups (the first one is the ClientHello's). */
  private static final Pattern KEY_SHARE = Pattern.compile("extension_type=key_share\\(51\\)[^\\n]*\\n((?:\\s+(?:NamedGroup|key_exchange)[^\\n]*\\n)+)");

  @Test
  void aClientHelloCarriesOneKeyShareWhereTheJdkCanSetGroups() throws Exception {
    Path pem = work.resolve("server.pem");
    Files.copy(server.config().getParent().resolve("ejabberd.pem"), pem, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    for (Map.Entry<Path, Integer> jdk : Jdks.all().entrySet()) {
      int port;
      try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = free.getLocalPort();
      }
      Path trace = work.resolve("trace-" + jdk.getValue());
      // s_server stops at the end of its input: a sleep holds it open; one connection, then it exits
      Process openssl = new ProcessBuilder("sh", "-c", "sleep 60 | exec openssl s_server -accept 127.0.0.1:" + port + " -cert " + pem
          + " -key " + pem + " -trace -naccept 1").redirectErrorStream(true).redirectOutput(trace.toFile()).start();
      try {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(trace).contains("ACCEPT") && System.nanoTime() < end) {
          Thread.sleep(50);
        }
        // the server speaks no XMPP after the handshake: the check fails, the ClientHello is what is read
        check(jdk.getKey(), "--server", "127.0.0.1:" + port, "--direct-tls", "--insecure", "--step-timeout", "3");
      } finally {
        openssl.descendants().forEach(ProcessHandle::destroy);
        openssl.destroy();
        openssl.waitFor(10, TimeUnit.SECONDS);
      }
      Matcher share = KEY_SHARE.matcher(Files.readString(trace));
      assertTrue(share.find(), jdk + ": no ClientHello with a key_share in the trace:\n" + Files.readString(trace));
      List<String> groups = Pattern.compile("NamedGroup: (\\S+)").matcher(share.group(1)).results().map(m -> m.group(1)).toList();
      List<String> expected = jdk.getValue() >= 20 ? List.of("ecdh_x25519") : List.of("ecdh_x25519", "secp256r1");
      assertEquals(expected, groups, jdk + " (Java " + jdk.getValue() + ")");
    }
  }
}
