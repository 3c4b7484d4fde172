package dev.ejup.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.testing.Checkout;
import dev.ejup.testing.EjupProcess;
import dev.ejup.testing.LocalEjabberd;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * `ejup serve` through bin/ejup, after a good check has taught the launcher its start-up cache (as
 * on any machine after its first check): the exporter's hot code reaches C2. On JDK 25 the cache
 * also holds the method profiles of the C1-only check it learned from; replayed, they kept SCRAM's
 * SHA-1 (4,096 HMAC rounds per login), XML and TLS code at C1's level 1 for the exporter's whole
 * life (bench: 47 against 38 ms of CPU per warm probe). Before, SHA-1's compression never left
 * level 1 however many probes ran.
 */
class ServeJitIT {
  private static final Pattern COMPILED = Pattern.compile("(?m)^\\d+ (\\d) \\d+ sun\\.security\\.provider\\.SHA\\.implCompress0\\(");

  @Test
  void aLongRunningExporterCompilesScramsShaOneWithC2AfterACheckTaughtTheCache() throws Exception {
    Checkout checkout = Checkout.copy();
    LocalEjabberd server = LocalEjabberd.up("servewarmjit");
    EjupProcess serve = null;
    try {
      Map<String, String> env = Map.of("EJUP_PASSWORD", server.password());
      EjupProcess.Result check = EjupProcess.launcher(checkout.launcher(), env, "check", "--jid", server.get("JID"),
          "--server", "localhost:" + server.get("XMPP_PORT"), "--no-probes", "--format", "nagios").waitFor(300);
      assertEquals(0, check.exitCode(), check.out() + check.err());
      EjupProcess.Result settle = EjupProcess.launcher(checkout.launcher(), Map.of(), "version").waitFor(120);
      assertEquals(0, settle.exitCode(), settle.err());
      assertTrue(checkout.cacheFiles().stream().anyMatch(f -> f.startsWith("learned.")), checkout.cacheFiles().toString());

      Path password = checkout.root.resolve("password");
      Files.writeString(password, server.password() + "\n");
      Path config = checkout.root.resolve("serve.yml");
      Files.writeString(config, "modules:\n  quick:\n    jid: hc@{target}\n    password_file: " + password + "\n"
          + "    server: \"{target}:" + server.get("XMPP_PORT") + "\"\n    probes: false\n    targets: [localhost]\n");
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      serve = EjupProcess.launcher(checkout.launcher(), Map.of(), "serve", "--config", config.toString(), "--listen", "127.0.0.1:" + port);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      String base = "http://127.0.0.1:" + port;
      long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (true) {
        try {
          if (http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
            break;
          }
        } catch (java.io.IOException notYet) {
          assertTrue(System.nanoTime() < until, "not ready: " + serve.errSoFar());
        }
        Thread.sleep(100);
      }
      // 8,192 SHA-1 blocks per login: 80 logins are ~650,000 calls, far past C2's thresholds
      for (int i = 0; i < 80; i++) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/probe?module=quick&target=localhost"))
            .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.body().contains("\nprobe_success 1\n"), r.body());
      }
      // the launcher execs java: the launcher's pid is the JVM's
      String java = Files.readSymbolicLink(Path.of("/proc/" + serve.pid() + "/exe")).toString();
      LocalEjabberd.Shell.Result codes = LocalEjabberd.Shell.run(
          List.of(Path.of(java).resolveSibling("jcmd").toString(), String.valueOf(serve.pid()), "Compiler.codelist"), 120);
      assertEquals(0, codes.exit(), codes.out());
      List<String> levels = new java.util.ArrayList<>();
      for (Matcher m = COMPILED.matcher(codes.out()); m.find(); ) {
        levels.add(m.group(1));
      }
      assertTrue(levels.contains("4"), "SHA-1's compression at levels " + levels + " only (" + java + "), not C2's 4");
    } finally {
      if (serve != null) {
        serve.signal("TERM");
        serve.waitFor(60);
      }
      server.down();
    }
  }
}
