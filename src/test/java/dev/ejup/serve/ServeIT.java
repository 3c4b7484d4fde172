package dev.ejup.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejup.report.Consumers;
import dev.ejup.testing.EjupProcess;
import dev.ejup.testing.LocalEjabberd;
import dev.ejup.testing.SilentServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ejup serve` against a real ejabberd 23.01 with three virtual hosts: probes that pass, each
 * failure as probe_success 0 with its step, refusals, bounds, reload, the page in Chromium and a
 * real Prometheus scraping through the relabel config of contrib/prometheus/prometheus.yml.
 */
class ServeIT {
  private static LocalEjabberd server;
  @TempDir static Path dir;
  private static Path configFile;
  private static Exporter exporter;
  private static String base;
  private static SilentServer silent;
  private static int closedPort;
  private static final List<String> log = new CopyOnWriteArrayList<>();
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() throws IOException {
    server = LocalEjabberd.upWithVhosts("i13serveit", 3);
    silent = new SilentServer();
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort(); // closed again at once: nothing listens there
    }
    configFile = dir.resolve("serve.yml");
    Files.writeString(configFile, config(""));
    exporter = new Exporter(new Exporter.Settings(configFile, new InetSocketAddress("127.0.0.1", 0), 0.5, 3, 50), log::add);
    base = "http://127.0.0.1:" + exporter.start().getPort();
  }

  @AfterAll
  static void stop() throws IOException {
    if (exporter != null) {
      exporter.stop();
    }
    if (silent != null) {
      silent.close();
    }
    server.down();
  }

  /** Modules: the real server, one whose server is down, one with a wrong password, one that hangs. */
  private static String config(String extra) throws IOException {
    Path good = dir.resolve("good.pass");
    Files.writeString(good, server.password() + "\n");
    Path wrong = dir.resolve("wrong.pass");
    Files.writeString(wrong, "not-the-password\n");
    Path rotated = dir.resolve("rotated.pass");
    if (!Files.exists(rotated)) {
      Files.writeString(rotated, server.password() + "\n");
    }
    String port = server.get("XMPP_PORT");
    return "modules:\n"
        + module("upload", good, "{target}:" + port, "true", "[localhost, '*.localhost']")
        + module("quick", good, "{target}:" + port, "false", "[localhost, '*.localhost']")
        + module("down", good, "{target}:" + closedPort, "false", "[localhost]")
        + module("badpass", wrong, "{target}:" + port, "false", "[localhost]")
        + module("rotated", rotated, "{target}:" + port, "false", "[localhost]")
        + module("hang", good, "{target}:" + silent.port(), "false", "[localhost]")
        + module("web", good, "{target}:" + port, "false", "[localhost, '*.localhost']") + "    origin: \"https://chat.{target}\"\n"
        + module("webother", good, "{target}:" + port, "false", "[localhost]") + "    origin: https://evil.localhost\n"
        + module("pruned", good, "{target}:" + port, "false", "[localhost]")
        + "    prune: {config: " + server.config() + ", older_than: 1h, every: 10m}\n"
        + extra;
  }

  private static String module(String name, Path password, String serverTemplate, String probes, String targets) {
    return "  " + name + ":\n    jid: hc@{target}\n    password_file: " + password + "\n    server: \"" + serverTemplate + "\"\n"
        + "    probes: " + probes + "\n    timeout: 30\n    step_timeout: 10\n    targets: " + targets + "\n";
  }

  private static HttpResponse<String> get(String path, String... headers) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
      if (headers.length > 0) {
        request.headers(headers);
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("GET " + path + ": " + e, e);
    }
  }

  private static HttpResponse<String> probe(String module, String target, String... headers) {
    return get("/probe?module=" + module + "&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8), headers);
  }

  /** The value of one sample, e.g. sample(body, "ejup_check_step_status{target=\"localhost\",step=\"put\"}"). */
  private static String sample(String body, String series) {
    return body.lines().filter(l -> l.startsWith(series + " ")).map(l -> l.substring(series.length() + 1)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + series + " in:\n" + body));
  }

  private static String stepStatus(String body, String target, String step) {
    return sample(body, "ejup_check_step_status{target=\"" + target + "\",step=\"" + step + "\"}");
  }

  @Test
  void aProbeOfAWorkingServerPassesWithBlackboxSeriesAndEveryStep() {
    HttpResponse<String> r = probe("upload", "localhost");
    assertEquals(200, r.statusCode(), r.body());
    Consumers.prometheus(r.body());
    assertEquals("1", sample(r.body(), "probe_success"), r.body());
    assertTrue(Double.parseDouble(sample(r.body(), "probe_duration_seconds")) > 0, r.body());
    for (String step : List.of("connect", "login", "disco-items", "disco-info", "slot", "put", "get", "probe-too-large",
        "probe-overwrite", "probe-missing")) {
      assertEquals("0", stepStatus(r.body(), "localhost", step), step + " in:\n" + r.body());
    }
    assertEquals("10485760", sample(r.body(), "ejup_upload_max_file_size_bytes{target=\"localhost\"}"));
    assertEquals("201", sample(r.body(), "ejup_upload_put_status_code{target=\"localhost\"}"));
    assertEquals("200", sample(r.body(), "ejup_upload_get_status_code{target=\"localhost\"}"));
    // the test CA's server certificate is valid for years: both endpoints' expiry lies ahead
    double now = System.currentTimeMillis() / 1000.0;
    assertTrue(Double.parseDouble(sample(r.body(), "ejup_xmpp_cert_expiry_timestamp_seconds{target=\"localhost\"}")) > now + 86400);
    assertTrue(Double.parseDouble(sample(r.body(), "ejup_http_cert_expiry_timestamp_seconds{target=\"localhost\"}")) > now + 86400);
    // every probe uploads a new file: two probes, two files more in the docroot
    long before = checkFiles();
    assertEquals("1", sample(probe("quick", "localhost").body(), "probe_success"));
    assertEquals("1", sample(probe("quick", "localhost").body(), "probe_success"));
    assertEquals(before + 2, checkFiles(), "each probe uploads a file of its own");
  }

  private static long freshCheckFiles() {
    long hourAgo = System.currentTimeMillis() - 3_600_000;
    try (var files = Files.walk(Path.of(server.get("DOCROOT")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("ejup-check-") && p.toFile().lastModified() > hourAgo).count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static long checkFiles() {
    try (var files = Files.walk(Path.of(server.get("DOCROOT")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("ejup-check-")).count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Every probe leaves its file on the server (XEP-0363 has no delete): a module's prune: removes
   * the check files older than older_than from the docroots of the ejabberd.yml it names, on this
   * machine, as `ejup docroot prune` does, and nothing else.
   */
  @Test
  void pruneRemovesOldCheckFilesAfterAProbeAndLeavesTheRest() throws Exception {
    Path docroot = Path.of(server.get("DOCROOT"));
    Path old = Files.createDirectories(docroot.resolve("serveit-old")).resolve("ejup-check-1-00000000.bin");
    Path users = docroot.resolve("serveit-old").resolve("holiday.jpg");
    for (Path p : List.of(old, users)) {
      Files.writeString(p, "x");
      Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
    }
    long before = freshCheckFiles();
    assertEquals("1", sample(probe("pruned", "localhost").body(), "probe_success"));
    waitFor(() -> log.stream().anyMatch(l -> l.contains("msg=\"docroot prune\" module=pruned")), log::toString);
    String line = log.stream().filter(l -> l.contains("msg=\"docroot prune\" module=pruned")).findFirst().orElseThrow();
    // at least ours: the instance's docroot may hold check files of earlier runs, older than an hour too
    assertTrue(line.contains("status=OK") && line.matches(".* removed [1-9][0-9]* file\\(s\\) matching ejup-check-\\* older than 60 min .*"), line);
    assertFalse(Files.exists(old), "the old check file is gone");
    assertTrue(Files.exists(users), "a user's file stays, however old");
    assertEquals(before + 1, freshCheckFiles(), "no check file younger than an hour went, the probe's own among them");
    assertEquals("1.0", sample(get("/metrics").body(), "ejup_serve_docroot_prunes_total{module=\"pruned\",result=\"success\"}"));
  }

  @Test
  void serverDownIsProbeSuccessZeroAtConnect() {
    HttpResponse<String> r = probe("down", "localhost");
    assertEquals(200, r.statusCode(), "a failed probe is still a good scrape: " + r.body());
    Consumers.prometheus(r.body());
    assertEquals("0", sample(r.body(), "probe_success"));
    assertEquals("2", stepStatus(r.body(), "localhost", "connect"), r.body());
    assertEquals("2", sample(r.body(), "ejup_check_status{target=\"localhost\"}"));
  }

  @Test
  void wrongPasswordIsProbeSuccessZeroAtLogin() {
    HttpResponse<String> r = probe("badpass", "localhost");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("0", sample(r.body(), "probe_success"));
    assertEquals("0", stepStatus(r.body(), "localhost", "connect"), r.body());
    assertEquals("2", stepStatus(r.body(), "localhost", "login"), r.body());
    assertFalse(r.body().contains("step=\"put\""), "nothing after the failed step: " + r.body());
  }

  /**
   * The password file is read at every probe, without a reload: a wrong password written over it
   * fails the next probe at login (ejabberd refuses it; no SCRAM key kept from before hides it:
   * Smack keeps them by password and salt), a file gone fails it at login with the file's reason,
   * and the right one back passes again.
   */
  @Test
  void aChangedOrMissingPasswordFileCountsAtTheNextProbe() throws IOException {
    Path rotated = dir.resolve("rotated.pass");
    try {
      assertEquals("1", sample(probe("rotated", "localhost").body(), "probe_success"));
      Files.writeString(rotated, "rotated-but-not-on-the-server\n");
      HttpResponse<String> wrong = probe("rotated", "localhost");
      assertEquals("0", sample(wrong.body(), "probe_success"), wrong.body());
      assertEquals("2", stepStatus(wrong.body(), "localhost", "login"), wrong.body());
      Files.delete(rotated);
      HttpResponse<String> gone = probe("rotated", "localhost");
      assertEquals("0", sample(gone.body(), "probe_success"), gone.body());
      assertEquals("3", stepStatus(gone.body(), "localhost", "login"), gone.body());
      assertTrue(log.stream().anyMatch(l -> l.contains("password file " + rotated + " does not exist")), log.toString());
    } finally {
      Files.writeString(rotated, server.password() + "\n");
    }
    assertEquals("1", sample(probe("rotated", "localhost").body(), "probe_success"), "the right password back, no reload");
  }

  @Test
  void unwritableDocrootIsProbeSuccessZeroAtPut() {
    Path docroot = Path.of(server.get("DOCROOT"));
    String owner = LocalEjabberd.Shell.run(List.of("stat", "-c", "%U:%G", docroot.toString()), 10).out().strip();
    LocalEjabberd.Shell.run(List.of("chown", "-R", "root:root", docroot.toString()), 10).requireOk("chown");
    try {
      HttpResponse<String> r = probe("quick", "vh2.localhost");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("0", sample(r.body(), "probe_success"));
      assertEquals("0", stepStatus(r.body(), "vh2.localhost", "slot"), r.body());
      assertEquals("2", stepStatus(r.body(), "vh2.localhost", "put"), r.body());
      assertEquals("500", sample(r.body(), "ejup_upload_put_status_code{target=\"vh2.localhost\"}"), r.body());
      // the page says why, with the hint
      String page = get("/").body();
      assertTrue(page.contains("PUT answered HTTP 500") && page.contains("ejup docroot check"), page);
    } finally {
      LocalEjabberd.Shell.run(List.of("chown", "-R", owner, docroot.toString()), 10).requireOk("chown back");
    }
  }

  /**
   * A module's origin: makes each probe do what a browser on that origin does (check's --origin):
   * the server's custom_headers allow https://chat.localhost only, so the module whose origin is
   * https://chat.{target} passes with a cors step, and one on another origin fails at cors alone.
   */
  @Test
  void aModulesOriginRunsTheCorsStepAndAnOriginTheServerDoesNotAllowFailsThere() {
    String pristine;
    try {
      pristine = Files.readString(server.config());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    String withHeaders = pristine.replaceFirst("(\n  mod_http_upload:\n)", "$1    custom_headers:\n"
        + "      \"Access-Control-Allow-Origin\": \"https://chat.localhost\"\n"
        + "      \"Access-Control-Allow-Methods\": \"GET,HEAD,PUT,OPTIONS\"\n"
        + "      \"Access-Control-Allow-Headers\": \"Content-Type\"\n");
    assertTrue(withHeaders.contains("custom_headers"), "the test server's config changed shape: " + pristine);
    assertEquals(0, server.load(withHeaders).exit(), "ejabberd loads the CORS headers");
    try {
      HttpResponse<String> allowed = probe("web", "localhost");
      assertEquals(200, allowed.statusCode(), allowed.body());
      Consumers.prometheus(allowed.body());
      assertEquals("1", sample(allowed.body(), "probe_success"), allowed.body());
      assertEquals("0", stepStatus(allowed.body(), "localhost", "cors"), allowed.body());
      HttpResponse<String> other = probe("webother", "localhost");
      assertEquals(200, other.statusCode(), other.body());
      Consumers.prometheus(other.body());
      assertEquals("0", sample(other.body(), "probe_success"), other.body());
      assertEquals("0", stepStatus(other.body(), "localhost", "put"), "the upload itself works: " + other.body());
      assertEquals("0", stepStatus(other.body(), "localhost", "get"), other.body());
      assertEquals("2", stepStatus(other.body(), "localhost", "cors"), other.body());
      assertEquals("2", sample(other.body(), "ejup_check_status{target=\"localhost\"}"));
      // a module without origin: sends no Origin and has no cors step
      assertFalse(probe("quick", "localhost").body().contains("step=\"cors\""));
      String page = get("/").body();
      assertTrue(page.contains("Access-Control-Allow-Origin &#39;https://chat.localhost&#39;, not https://evil.localhost"), "the page says why: " + page);
    } finally {
      assertEquals(0, server.load(pristine).exit(), "ejabberd loads its old config");
    }
  }

  @Test
  void targetsOutsideTheListAndBadRequestsAreRefusedInOneLine() {
    long before = log.stream().filter(l -> l.contains("success=")).count();
    for (String target : List.of("example.org", "localhost.evil.example", "127.0.0.1", "localhost:5222", "x@localhost")) {
      HttpResponse<String> r = probe("upload", target);
      assertEquals(403, r.statusCode(), target + ": " + r.body());
      assertEquals(1, r.body().lines().count(), r.body());
      assertFalse(r.body().contains("probe_success"), r.body());
    }
    assertTrue(probe("down", "vh1.localhost").body().contains("not among module down's targets"));
    HttpResponse<String> unknown = probe("nosuch", "localhost");
    assertEquals(400, unknown.statusCode());
    assertEquals("unknown module \"nosuch\"; this exporter has badpass, down, hang, pruned, quick, rotated, upload, web, webother\n", unknown.body());
    HttpResponse<String> noTarget = get("/probe?module=upload");
    assertEquals(400, noTarget.statusCode());
    assertEquals("target parameter is missing\n", noTarget.body());
    assertEquals(400, probe("upload", "localhost", "X-Prometheus-Scrape-Timeout-Seconds", "soon").statusCode());
    assertEquals(before, log.stream().filter(l -> l.contains("success=")).count(), "no refused request ran a probe: " + log);
  }

  @Test
  void concurrentProbesOfSeveralVhostsAllPassWithinTheLimit() throws Exception {
    List<String> targets = List.of("localhost", "vh1.localhost", "vh2.localhost", "vh3.localhost", "vh1.localhost", "vh3.localhost");
    List<CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
    for (String target : targets) {
      running.add(CompletableFuture.supplyAsync(() -> probe("quick", target, "X-Prometheus-Scrape-Timeout-Seconds", "60")));
    }
    for (int i = 0; i < targets.size(); i++) {
      HttpResponse<String> r = running.get(i).get();
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("1", sample(r.body(), "probe_success"), targets.get(i) + ":\n" + r.body());
      assertEquals("0", stepStatus(r.body(), targets.get(i), "get"), r.body());
    }
    String metrics = get("/metrics").body();
    Matcher max = Pattern.compile("(?m)^ejup_serve_probes_in_flight (\\S+)$").matcher(metrics);
    assertTrue(max.find(), metrics);
    assertEquals(0.0, Double.parseDouble(max.group(1)), "none left in flight");
  }

  @Test
  void theScrapeTimeoutHeaderBoundsAProbeAndAHangDelaysNoOtherTarget() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> hanging =
        CompletableFuture.supplyAsync(() -> probe("hang", "localhost", "X-Prometheus-Scrape-Timeout-Seconds", "4"));
    assertTrue(silent.awaitClient(30), "the hanging probe connected");
    long other = System.nanoTime();
    HttpResponse<String> quick = probe("quick", "vh1.localhost", "X-Prometheus-Scrape-Timeout-Seconds", "30");
    double otherSeconds = (System.nanoTime() - other) / 1e9;
    assertEquals("1", sample(quick.body(), "probe_success"), quick.body());
    HttpResponse<String> hung = hanging.get();
    double hungSeconds = (System.nanoTime() - start) / 1e9;
    assertEquals(200, hung.statusCode(), hung.body());
    assertEquals("0", sample(hung.body(), "probe_success"));
    double probeSeconds = Double.parseDouble(sample(hung.body(), "probe_duration_seconds"));
    // 4 s header minus the 0.5 s offset: within Prometheus' own timeout, never the module's 30 s
    assertTrue(probeSeconds >= 3.0 && probeSeconds < 4.0, "the probe took " + probeSeconds + "s:\n" + hung.body());
    assertTrue(hungSeconds < 8, "answered in " + hungSeconds + "s");
    assertTrue(otherSeconds < hungSeconds, "the other target was not held up by the hang: " + otherSeconds + "s vs " + hungSeconds + "s");
  }

  @Test
  void aBadReloadKeepsTheOldConfigAndSaysWhy() throws Exception {
    String good = Files.readString(configFile);
    try {
      Files.writeString(configFile, good + "  broken:\n    jid: hc@{target}\n    targets: [localhost]\n");
      HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/-/reload")).POST(HttpRequest.BodyPublishers.noBody()).build();
      HttpResponse<String> r = http.send(post, HttpResponse.BodyHandlers.ofString());
      assertEquals(500, r.statusCode(), r.body());
      assertTrue(r.body().contains("module broken has no password_file"), r.body());
      assertEquals(1, r.body().lines().count(), r.body());
      assertTrue(get("/metrics").body().contains("ejup_serve_config_last_reload_successful 0.0"));
      assertEquals("1", sample(probe("quick", "localhost").body(), "probe_success"), "the old config still serves");
      assertTrue(get("/").body().contains("module broken has no password_file"), "the page says why");
      assertEquals(405, get("/-/reload").statusCode(), "a GET does not reload");
    } finally {
      Files.writeString(configFile, good);
      HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/-/reload")).POST(HttpRequest.BodyPublishers.noBody()).build();
      assertEquals(200, http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
    }
    assertEquals("Healthy\n", get("/-/healthy").body());
    assertEquals(200, get("/-/ready").statusCode());
  }

  @Test
  void ownMetricsAreValidPrometheusTextWithProbesByModuleAndResult() {
    probe("quick", "localhost");
    probe("down", "localhost");
    HttpResponse<String> r = get("/metrics");
    assertEquals(200, r.statusCode());
    Consumers.prometheus(r.body());
    assertTrue(Double.parseDouble(sample(r.body(), "ejup_serve_probes_total{module=\"quick\",result=\"success\"}")) >= 1, r.body());
    assertTrue(Double.parseDouble(sample(r.body(), "ejup_serve_probes_total{module=\"down\",result=\"failure\"}")) >= 1, r.body());
    assertTrue(r.body().contains("ejup_serve_probe_duration_seconds_bucket{module=\"quick\",le=\"+Inf\"}"), r.body());
    assertTrue(r.body().contains("jvm_memory_used_bytes") && r.body().contains("process_cpu_seconds_total"), "JVM and process metrics");
  }

  @Test
  void theHistoryPageShowsTheLastProbesInABrowser() throws Exception {
    probe("badpass", "localhost");
    Path profile = Files.createTempDirectory(dir, "chromium");
    Process chromium = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--virtual-time-budget=5000", "--dump-dom", base + "/").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(chromium.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "chromium ended");
    assertTrue(dom.contains("<h1>ejup serve</h1>"), dom);
    Matcher row = Pattern.compile("<tr class=\"probe failure\"><td>[^<]+</td><td>badpass</td><td>localhost</td>").matcher(dom);
    assertTrue(row.find(), "the failed probe is listed: " + dom);
    assertTrue(dom.contains("<td class=\"CRIT\">CRIT</td><td>login</td>"), "with its failing step: " + dom);
  }

  @Test
  void sighupReloadsAServeProcessAndABadConfigKeepsTheOldOne() throws Exception {
    Path file = dir.resolve("hup.yml");
    Files.writeString(file, config(""));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    EjupProcess serve = EjupProcess.start(Map.of(), "serve", "--config", file.toString(), "--listen", "127.0.0.1:" + port);
    String at = "http://127.0.0.1:" + port;
    try {
      waitFor(() -> serve.errSoFar().contains("msg=\"listening\""), serve::errSoFar);
      HttpClient c = http;
      java.util.function.Function<String, Integer> status = path -> {
        try {
          return c.send(HttpRequest.newBuilder(URI.create(at + path)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException | InterruptedException e) {
          throw new AssertionError(e);
        }
      };
      assertEquals(400, status.apply("/probe?module=later&target=localhost"));
      Files.writeString(file, config(module("later", dir.resolve("good.pass"), "{target}:" + server.get("XMPP_PORT"), "false", "[localhost]")));
      serve.signal("HUP");
      waitFor(() -> serve.errSoFar().contains("msg=\"config reloaded\""), serve::errSoFar);
      assertEquals(200, status.apply("/probe?module=later&target=localhost"));
      Files.writeString(file, "modules: [\n");
      serve.signal("HUP");
      waitFor(() -> serve.errSoFar().contains("config reload failed; the old config stays"), serve::errSoFar);
      assertTrue(serve.errSoFar().contains("not valid YAML"), serve.errSoFar());
      assertEquals(200, status.apply("/probe?module=later&target=localhost"), "the old config still serves");
    } finally {
      serve.signal("TERM");
      serve.waitFor(30);
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier done, java.util.function.Supplier<String> why) throws InterruptedException {
    long end = System.nanoTime() + 60_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 60 s: " + why.get());
      }
      Thread.sleep(100);
    }
  }

  @Test
  void aRealPrometheusScrapesThroughTheRelabelConfigAndReadsProbeSuccessBack() throws Exception {
    Path prom = Files.createTempDirectory(dir, "prometheus");
    int promPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      promPort = s.getLocalPort();
    }
    // the shipped scrape config, with this run's exporter, targets and a short interval
    String shipped = Files.readString(Path.of("contrib/prometheus/prometheus.yml"));
    String config = shipped.replace("127.0.0.1:9363", base.substring("http://".length()))
        .replace("scrape_interval: 60s", "scrape_interval: 5s").replace("scrape_timeout: 30s", "scrape_timeout: 5s")
        .replace("module: [upload]", "module: [quick]")
        .replace("          - example.org\n          - xmpp.example.net\n", "          - vh3.localhost\n          - example.org\n");
    assertTrue(config.contains("vh3.localhost") && config.contains("scrape_interval: 5s"), "the shipped config changed shape: " + config);
    Files.writeString(prom.resolve("prometheus.yml"), config);
    Files.copy(Path.of("contrib/prometheus/ejup-alerts.yml"), prom.resolve("ejup-alerts.yml"));
    Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + prom.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + prom.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
        .redirectErrorStream(true).redirectOutput(prom.resolve("prometheus.log").toFile()).start();
    try {
      JsonNode good = null;
      JsonNode refused = null;
      long end = System.nanoTime() + 90_000_000_000L;
      while (System.nanoTime() < end && (good == null || refused == null)) {
        Thread.sleep(1000);
        good = value(promPort, "probe_success{job=\"ejup_upload\",instance=\"vh3.localhost\"}");
        refused = value(promPort, "up{job=\"ejup_upload\",instance=\"example.org\"}");
      }
      assertTrue(good != null, "Prometheus never had probe_success of vh3.localhost; its log:\n" + Files.readString(prom.resolve("prometheus.log")));
      assertEquals("1", good.get(1).asText(), "probe_success through Prometheus");
      // a target outside the module's list is a failed scrape, not a probe
      assertEquals("0", refused.get(1).asText(), "example.org is refused");
      JsonNode step = value(promPort, "ejup_check_step_status{job=\"ejup_upload\",instance=\"vh3.localhost\",step=\"put\"}");
      assertEquals("0", step.get(1).asText());
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor();
      }
    }
  }

  /** The [time, "value"] of an instant query's only series, or null when it has none yet. */
  private static JsonNode value(int port, String query) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
        + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return null;
    }
    JsonNode result = new ObjectMapper().readTree(r.body()).path("data").path("result");
    return result.size() == 1 ? result.get(0).get("value") : null;
  }
}
