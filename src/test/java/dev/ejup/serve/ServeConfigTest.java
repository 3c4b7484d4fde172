package dev.ejup.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config's refusals (one line, file:line, a fix), target patterns and blackbox's deadline rule. */
class ServeConfigTest {
  @TempDir
  Path dir;

  private Path write(String yaml) throws IOException {
    Files.writeString(dir.resolve("pw"), "secret\n");
    Path file = dir.resolve("serve.yml");
    Files.writeString(file, yaml.replace("PW", dir.resolve("pw").toString()));
    return file;
  }

  private ServeConfig load(String yaml) throws IOException {
    return ServeConfig.load(write(yaml));
  }

  private String refusal(String yaml) throws IOException {
    UserError e = assertThrows(UserError.class, () -> load(yaml));
    assertFalse(e.oneLine().contains("\n"), e.oneLine());
    assertFalse(e.oneLine().matches(".*\\b(java|org)\\.[a-z]+\\..*"), "no class names: " + e.oneLine());
    return e.oneLine();
  }

  @Test
  void aModuleReadsItsPasswordFromItsFileAndAllowsOnlyItsTargets() throws IOException {
    ServeConfig config = load("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n"
        + "    targets: [example.org, '*.example.net']\n    timeout: 12\n");
    ServeConfig.Module m = config.modules().get("upload");
    assertEquals("secret", m.password());
    assertTrue(m.allows("example.org") && m.allows("EXAMPLE.org") && m.allows("a.example.net") && m.allows("a.b.example.net"));
    for (String other : new String[] {"example.net", "xexample.org", "example.org.evil", "a.example.net.evil", "evil/.example.net", "sub.example.org"}) {
      assertFalse(m.allows(other), other);
    }
    assertTrue(load("modules:\n  u:\n    jid: m@{target}\n    password_file: PW\n    targets: ['*.localhost']\n").modules().get("u").allows("vh1.localhost"));
    assertEquals("monitor@a.example.net", ServeConfig.Module.fill(m.jid(), "a.example.net"));
    assertEquals(12_000, m.timeout().toMillis());
  }

  @Test
  void everyMistakeIsOneLineWithItsPlaceAndAFix() throws IOException {
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password: secret\n    targets: [a.org]\n")
        .matches(".*serve.yml:4:5: unknown key modules->upload->password \\(hint: did you mean password_file\\?\\)"), "passwords only from files");
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    targets: [a.org]\n").contains("has no password_file"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n").contains("has no targets"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@example.org\n    password_file: PW\n    targets: [a.org]\n")
        .contains("neither jid nor server of module upload holds {target}"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: " + dir.resolve("none") + "\n    targets: [a.org]\n")
        .contains("does not exist"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n    targets: ['*']\n").contains("not a domain name"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n    targets: ['*.org']\n").contains("would allow every domain under .org"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n    targets: ['a.*.org']\n").contains("not a domain name"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n    targets: [a.org]\n    timeout: -1\n")
        .contains("not a number of seconds"));
    assertTrue(refusal("modules: [\n").contains("not valid YAML"));
    assertTrue(refusal("modules: {}\n").contains("must name at least one module"));
    assertTrue(refusal("").contains("expected a mapping"));
  }

  /** origin: is check's --origin: the same rule refuses what a browser never sends, in the config's one-line style. */
  @Test
  void anOriginIsCheckedAsChecksOriginIsAndMayHoldTheTarget() throws IOException {
    String module = "modules:\n  web:\n    jid: monitor@{target}\n    password_file: PW\n    targets: [a.org]\n    origin: ";
    assertEquals("https://chat.a.org", ServeConfig.Module.fill(load(module + "https://chat.{target}\n").modules().get("web").origin(), "a.org"));
    assertEquals("http://127.0.0.1:8080", load(module + "http://127.0.0.1:8080\n").modules().get("web").origin());
    assertEquals(null, load(module.replace("    origin: ", "")).modules().get("web").origin(), "no origin: no CORS step");
    String path = refusal(module + "https://chat.a.org/converse\n");
    assertTrue(path.matches(".*serve.yml:6:13: modules->web->origin 'https://chat.a.org/converse': an origin is scheme://host\\[:port\\], "
        + "without a path .* \\(hint: write the web client's origin, e.g. origin: https://chat.example.org.*"), path);
    for (String bad : new String[] {"chat.a.org", "ftp://chat.a.org", "https://chat.a.org/", "https://chat.a.org?x=1", "'https://'"}) {
      assertTrue(refusal(module + bad + "\n").contains("modules->web->origin"), bad);
    }
  }

  @Test
  void theDeadlineIsTheScrapeTimeoutLessTheOffsetOrTheModulesTimeoutWhenShorter() throws IOException {
    ServeConfig.Module m = load("modules:\n  u:\n    jid: m@{target}\n    password_file: PW\n    targets: [a.org]\n    timeout: 20\n")
        .modules().get("u");
    assertEquals(9.5, Exporter.deadline("10", m, 0.5));
    assertEquals(20.0, Exporter.deadline("60", m, 0.5));
    assertEquals(20.0, Exporter.deadline(null, m, 0.5), "no header: blackbox's 120 s, so the module's own");
    assertEquals(0.15, Exporter.deadline("0.3", m, 0.5), 1e-9, "an offset that leaves nothing: half the header, never the module's 20 s");
    assertEquals(0.25, Exporter.deadline("0.5", m, 0.5), 1e-9, "a header equal to the offset leaves nothing too");
    assertEquals(0.5, Exporter.deadline("1", m, 0.5), 1e-9);
    for (String header : new String[] {"0.01", "0.3", "0.5", "0.7", "10", "60"}) {
      assertTrue(Exporter.deadline(header, m, 0.5) < Double.parseDouble(header), "never longer than the header " + header);
    }
    assertThrows(NumberFormatException.class, () -> Exporter.deadline("soon", m, 0.5));
  }

  /** Module u for targets *.a.org, on a port where nothing listens: every probe fails at connect. */
  private Path closedServerModule() throws IOException {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    return write("modules:\n  u:\n    jid: m@{target}\n    password_file: PW\n    server: 127.0.0.1:" + closed + "\n"
        + "    probes: false\n    targets: ['*.a.org']\n");
  }

  /**
   * A *.domain pattern admits names without end: what the exporter keeps per (module, target) to
   * run one probe at a time must go when the requests end, or asking for a.x.org, b.x.org, ...
   * grows it for ever. The probes here fail at connect (nothing listens on the port).
   */
  @Test
  void nothingIsKeptPerTargetOnceItsProbesEnd() throws Exception {
    Path file = closedServerModule();
    Exporter exporter = new Exporter(new Exporter.Settings(file, new java.net.InetSocketAddress("127.0.0.1", 0), 0.5, 4, 0), line -> { });
    int port = exporter.start().getPort();
    try {
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      java.util.List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
            + "/probe?module=u&target=t" + (i % 20) + ".a.org")).timeout(java.time.Duration.ofSeconds(120)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()));
      }
      for (var answer : answers) {
        java.net.http.HttpResponse<String> r = answer.get();
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("probe_success 0"), r.body());
      }
      // the answer goes out before the request's handler returns (its connections close after it): a moment later
      long until = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
      while (exporter.lanes() != 0 && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      assertEquals(0, exporter.lanes(), "no lane left after 40 probes of 20 names");
    } finally {
      exporter.stop();
    }
  }

  /**
   * The breaker's cases, on one probe slot held by a target that never answers. A probe that
   * waited for the slot ran with what was left of its deadline (a few ms) and blamed its target's
   * step ("login did not finish within the deadline of 1.932s") on a healthy server: it is now 503,
   * the exporter's own failure. And every request waited, each holding a thread (600 requests: 649
   * threads): past the bound of waiting requests they are now answered 503 at once.
   */
  @Test
  void aProbeThatWaitedTooLongAndRequestsPastTheWaitingBoundAre503NotAFailedProbe() throws Exception {
    try (dev.ejup.testing.SilentServer silent = new dev.ejup.testing.SilentServer()) {
      Path file = write("modules:\n  hang:\n    jid: m@{target}\n    password_file: PW\n    server: 127.0.0.1:" + silent.port() + "\n"
          + "    probes: false\n    targets: ['*.a.org']\n");
      Exporter exporter = new Exporter(new Exporter.Settings(file, new java.net.InetSocketAddress("127.0.0.1", 0), 0.5, 1, 0), line -> { });
      int port = exporter.start().getPort();
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      java.util.function.BiFunction<String, String, java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> probe =
          (target, timeout) -> client.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
              + "/probe?module=hang&target=" + target)).header("X-Prometheus-Scrape-Timeout-Seconds", timeout)
              .timeout(java.time.Duration.ofSeconds(60)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      try {
        // the slot is held for 3 s; the next probe, with 3.5 s, gets it with 0.5 s left
        var holder = probe.apply("first.a.org", "3.5");
        assertTrue(silent.awaitClient(30), "the first probe holds the slot");
        var waiter = probe.apply("second.a.org", "4");
        assertEquals(200, holder.get().statusCode());
        assertTrue(holder.get().body().contains("probe_success 0"), holder.get().body());
        java.net.http.HttpResponse<String> waited = waiter.get();
        assertEquals(503, waited.statusCode(), waited.body());
        assertTrue(waited.body().matches("waited \\d+\\.\\d s of the probe's 3\\.5 s for a probe slot, too long to judge second\\.a\\.org in what is left;"
            + " raise --max-concurrent or scrape less often\\n?"), waited.body());

        var again = probe.apply("third.a.org", "3.5");
        Thread.sleep(500); // it holds the slot before the others come
        long start = System.nanoTime();
        // each answer with the moment it came
        java.util.List<java.util.concurrent.CompletableFuture<java.util.Map.Entry<java.net.http.HttpResponse<String>, Long>>> many =
            new java.util.ArrayList<>();
        for (int i = 0; i < Exporter.WAITING_AT_LEAST + 10; i++) {
          many.add(probe.apply("t" + i + ".a.org", "3.5").thenApply(r -> java.util.Map.entry(r, System.nanoTime())));
        }
        int refusedAtOnce = 0;
        for (var answer : many) {
          java.net.http.HttpResponse<String> r = answer.get().getKey();
          if (r.statusCode() == 503 && r.body().contains("64 probes are already waiting for one of the 1 probe slots")
              && answer.get().getValue() - start < 2_000_000_000L) {
            refusedAtOnce++;
          }
        }
        assertTrue(refusedAtOnce >= 10, refusedAtOnce + " answered 503 at once");
        assertEquals(200, again.get().statusCode());
      } finally {
        exporter.stop();
      }
    }
  }

  /** A refused target is echoed in the 403 answer and the log: a CR/LF in it must not start a line of its own. */
  @Test
  void aRefusedTargetsLineBreaksAreNotEchoed() throws Exception {
    Path file = write("modules:\n  u:\n    jid: m@{target}\n    password_file: PW\n    targets: [a.org]\n");
    java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    Exporter exporter = new Exporter(new Exporter.Settings(file, new java.net.InetSocketAddress("127.0.0.1", 0), 0.5, 2, 10), log::add);
    int port = exporter.start().getPort();
    try {
      String forged = java.net.URLEncoder.encode("a.org\r\nX-Injected: 1\n\u2028probe_success 1", java.nio.charset.StandardCharsets.UTF_8);
      java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/probe?module=u&target=" + forged)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(403, answer.statusCode());
      assertEquals(1, answer.body().split("\n", -1).length - 1, "one line: " + answer.body());
      assertFalse(answer.body().contains("\r") || answer.body().contains("\u2028"), answer.body());
      // shown as escapes, not dropped: a refused "a.org\n" must not read as the a.org that is allowed
      assertTrue(answer.body().contains("target \"a.org\\r\\nX-Injected: 1\\n\\u2028probe_success 1\" is not among"), answer.body());
      for (String line : log) {
        assertFalse(line.contains("\r") || line.contains("\n") || line.contains("\u2028"), line);
      }
    } finally {
      exporter.stop();
    }
  }

  /**
   * The breaker's cases: a 64-character label under '*.localhost' was accepted and probed, and
   * failed at connect with "a bug in ejup" as the hint; a 180 KB target was HTTP 500 ("the input
   * nests too deeply"). A name DNS cannot have is 400, said as such, its echo cut short.
   */
  @Test
  void aTargetLongerThanDnsAllowsIsNoDomainName() throws Exception {
    Path file = write("modules:\n  u:\n    jid: m@{target}\n    password_file: PW\n    targets: ['*.a.org']\n");
    Exporter exporter = new Exporter(new Exporter.Settings(file, new java.net.InetSocketAddress("127.0.0.1", 0), 0.5, 2, 10), line -> { });
    int port = exporter.start().getPort();
    try {
      java.util.function.Function<String, java.net.http.HttpResponse<String>> ask = target -> {
        try {
          return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + port + "/probe?module=u&target=" + target)).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
          throw new AssertionError(e);
        }
      };
      // the second breaker's: 254 characters passed the first test and was 403 'add it to targets'
      String over = ("b".repeat(61) + ".").repeat(3) + "c".repeat(62) + ".a.org";
      assertEquals(254, over.length());
      for (String target : java.util.List.of("x".repeat(64) + ".a.org", "a.".repeat(90_000) + "a.org", ("b".repeat(60) + ".").repeat(5) + "a.org",
          over, over + ".")) {
        java.net.http.HttpResponse<String> r = ask.apply(target);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("is no domain name: DNS allows 63 characters per label and 253 in all (RFC 1035), it has "
            + target.replaceAll("\\.$", "").length()), r.body());
        assertTrue(r.body().length() < 300, r.body());
      }
      // 63 and 253 are names: refused or probed as any other
      String longest = ("b".repeat(61) + ".").repeat(3) + "c".repeat(61) + ".a.org";
      assertEquals(253, longest.length());
      assertFalse(ask.apply(longest).body().contains("no domain name"));
      assertFalse(ask.apply(longest + ".").body().contains("no domain name"), "the root's dot is no character of the name");
      assertFalse(ask.apply("x".repeat(63) + ".a.org").body().contains("no domain name"));
    } finally {
      exporter.stop();
    }
  }

  private String targets(String list) {
    return "modules:\n  u:\n    jid: m@{target}\n    password_file: PW\n    targets: " + list + "\n";
  }

  /**
   * DNS's trailing dot ('example.org.' is example.org) neither widens a pattern ('*.com.' is
   * '*.com', refused) nor makes a second spelling of a target: dropped from the config's targets and
   * from the asked target alike. Empty labels, a bare '*', spaces and case widen nothing either.
   */
  @Test
  void aTrailingDotOrAnotherSpellingDoesNotWidenAPattern() throws IOException {
    for (String wide : new String[] {"'*.com.'", "'*.COM.'", "'*.com'", "' *.com '"}) {
      assertTrue(refusal(targets("[" + wide + "]")).contains("would allow every domain under .com"), wide);
    }
    for (String bad : new String[] {"'*..com'", "'*.example..com'", "'a..org'", "'.org'", "'org..'", "'*'", "'*.'", "'*.*.org'",
        "'a. org'", "'a.org/'"}) {
      assertTrue(refusal(targets("[" + bad + "]")).contains("is not a domain name or a *.domain pattern"), bad);
    }
    ServeConfig.Module m = load(targets("['trail.example.org.', '*.Example.NET.']")).modules().get("u");
    assertEquals(java.util.List.of("trail.example.org", "*.example.net"), m.targets());
    assertTrue(m.allows("trail.example.org") && m.allows("a.example.net"), "the names as ejup probes them");
    assertEquals("trail.example.org", ServeConfig.domain("trail.example.org."));
    for (String notADomain : new String[] {"", ".", "a..org", "a.org..", ".a.org", "a org", "*.a.org"}) {
      assertEquals(null, ServeConfig.domain(notADomain), notADomain);
    }
  }

  /**
   * A pattern under a public suffix is as wide as one under a top-level domain: '*.co.uk' let the
   * exporter log in to any x.co.uk anyone named (an open relay). Under a name of one owner it stays.
   */
  @Test
  void aPatternUnderAPublicSuffixIsTooWide() throws IOException {
    // the last two were added to the list after OkHttp 4.12's copy of it
    for (String wide : new String[] {"co.uk", "com.au", "github.io", "CO.UK.", "ngrok-free.app", "up.railway.app"}) {
      String said = refusal(targets("['*." + wide + "']"));
      assertTrue(said.contains("would allow every domain under ." + wide.toLowerCase(java.util.Locale.ROOT).replaceAll("\\.$", "")
          + ", a public suffix"), said);
    }
    ServeConfig.Module m = load(targets("['*.example.co.uk', '*.example.internal', '*.localhost', '*.chat.github.io']")).modules().get("u");
    assertTrue(m.allows("a.example.co.uk") && m.allows("b.example.internal") && m.allows("vh1.localhost"), m.targets().toString());
    assertTrue(!m.allows("other.co.uk"), "only under the names given");
  }

  @Test
  void anEmptyValueIsCalledEmpty() throws IOException {
    assertTrue(refusal(targets("['']")).matches(".*serve.yml:5:15: modules->u->targets is empty \\(hint: .*"), refusal(targets("['']")));
    assertTrue(refusal(targets("[a.org]\n    server: ' '")).contains("modules->u->server is empty"));
    assertTrue(refusal(targets("[{a: b}]")).contains("must be a plain value"), "a mapping is still not a plain value");
  }

  private static java.net.http.HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** The request line as bytes, as curl or a script sends a target it did not percent-encode. */
  private static String raw(int port, byte[] target) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
      request.writeBytes("GET /probe?module=u&target=".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      request.writeBytes(target);
      request.writeBytes(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().write(request.toByteArray());
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * The asked target goes through the same spelling rules: 'anything.com.' is not under '*.com'
   * (refused at load anyway) nor anywhere else, 'a.a.org.' is a.a.org, and a name with an empty
   * label is refused before anything connects. Non-ASCII targets are read as UTF-8, sent encoded or
   * not, and echoed as written with their ASCII form to list instead.
   */
  @Test
  void theAskedTargetIsReadAsUtf8AndSpelledAsTheConfigsTargets() throws Exception {
    Path file = closedServerModule();
    java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    Exporter exporter = new Exporter(new Exporter.Settings(file, new java.net.InetSocketAddress("127.0.0.1", 0), 0.5, 2, 10), log::add);
    int port = exporter.start().getPort();
    try {
      for (String refused : new String[] {"anything.com.", "x.a.org..", "x..a.org", "a.org.", "x.a.org.evil."}) {
        assertEquals(403, get(port, "/probe?module=u&target=" + refused).statusCode(), refused);
      }
      java.net.http.HttpResponse<String> dotted = get(port, "/probe?module=u&target=x.a.org.");
      assertEquals(200, dotted.statusCode(), dotted.body());
      assertTrue(dotted.body().contains("target=\"x.a.org\""), "probed and reported as x.a.org: " + dotted.body());
      String plain = raw(port, "b\u00fccher.example".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertTrue(plain.startsWith("HTTP/1.1 403"), plain);
      assertTrue(plain.endsWith("target \"b\u00fccher.example\" is not among module u's targets; write it in its ASCII form "
          + "xn--bcher-kva.example and add that to targets: in " + file + "\n"), plain);
      java.net.http.HttpResponse<String> encoded = get(port, "/probe?module=u&target=b%C3%BCcher.example");
      assertEquals(403, encoded.statusCode());
      assertTrue(encoded.body().startsWith("target \"b\u00fccher.example\""), encoded.body());
      String latin1 = raw(port, "b\u00fccher.example".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      assertTrue(latin1.startsWith("HTTP/1.1 400") && latin1.contains("the query is not UTF-8"), latin1);
      assertEquals(400, get(port, "/probe?module=u&target=b%FCcher.example").statusCode(), "percent-encoded Latin-1 too");
      // the breaker's: a zero-width space or an ideographic full stop, which IDNA maps to an allowed name, was told to
      // "write it in its ASCII form x.a.org and add that to targets", which it already is; the invisible one was invisible
      java.net.http.HttpResponse<String> hidden = get(port, "/probe?module=u&target=%E2%80%8Bx.a.org");
      assertEquals(403, hidden.statusCode());
      assertEquals("target \"\\u200bx.a.org\" is not among module u's targets: it is x.a.org, which is, only as IDNA maps it;"
          + " ask for x.a.org as it is written\n", hidden.body());
      java.net.http.HttpResponse<String> stop = get(port, "/probe?module=u&target=x.a.org%E3%80%82");
      assertEquals(403, stop.statusCode());
      assertTrue(stop.body().contains("it is x.a.org, which is, only as IDNA maps it"), stop.body());
    } finally {
      exporter.stop();
    }
  }

  /**
   * The password file is read at every probe: a file deleted or emptied since the config was
   * loaded fails the probe that finds it so, at login, with the file's one-line reason (with the
   * password kept from the load, the probe went on to connect). ServeIT shows a rotated password
   * used at once against a real ejabberd.
   */
  @Test
  void aPasswordFileGoneSinceTheLoadFailsTheNextProbeAtLogin() throws Exception {
    Path file = write("modules:\n  u:\n    jid: m@{target}\n    password_file: PW\n    server: 127.0.0.1:1\n"
        + "    probes: false\n    targets: [a.org]\n");
    java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    Exporter exporter = new Exporter(new Exporter.Settings(file, new java.net.InetSocketAddress("127.0.0.1", 0), 0.5, 2, 10), log::add);
    int port = exporter.start().getPort();
    try {
      Files.delete(dir.resolve("pw"));
      java.net.http.HttpResponse<String> gone = get(port, "/probe?module=u&target=a.org");
      assertEquals(200, gone.statusCode(), gone.body());
      assertTrue(gone.body().contains("probe_success 0"), gone.body());
      assertTrue(gone.body().contains("ejup_check_step_status{target=\"a.org\",step=\"login\"} 3"), gone.body());
      assertTrue(log.stream().anyMatch(l -> l.contains("step=login status=UNKNOWN detail=\"password file " + dir.resolve("pw") + " does not exist\"")),
          log.toString());
      Files.writeString(dir.resolve("pw"), "\n");
      get(port, "/probe?module=u&target=a.org");
      assertTrue(log.stream().anyMatch(l -> l.contains("has no password on its first line")), log.toString());
    } finally {
      exporter.stop();
    }
  }
}
