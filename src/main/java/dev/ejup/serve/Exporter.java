package dev.ejup.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import dev.ejup.report.Format;
import dev.ejup.report.RenderOptions;
import dev.ejup.report.Renderer;
import dev.ejup.report.Renderers;
import dev.ejup.upload.CheckOptions;
import dev.ejup.upload.Progress;
import dev.ejup.upload.UploadFlow;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * `ejup serve`: a Prometheus probe exporter for HTTP File Upload, with blackbox_exporter's
 * conventions (prober/handler.go, main.go): {@code GET /probe?module=&target=} runs one
 * `ejup check` and answers Prometheus text with a fresh set of series ({@code probe_success},
 * {@code probe_duration_seconds}, then the check's own from the report package's Prometheus
 * renderer); a failed probe is HTTP 200 with {@code probe_success 0}; an unknown module or a
 * missing target is HTTP 400, a target the module does not allow 403 (no open relay). The
 * deadline is {@code X-Prometheus-Scrape-Timeout-Seconds} minus an offset, capped by the module's
 * timeout (120 s without the header, as blackbox). {@code /metrics} has the exporter's own
 * series, {@code POST /-/reload} (and SIGHUP, through the command) reloads the config and keeps
 * the old one when the new one is bad, {@code /-/healthy}, {@code /-/ready}, and {@code /} lists
 * the last probes.
 *
 * <p>Bounds: at most {@code maxConcurrent} probes run at once and one per module and target; a
 * probe that gets no slot within its own deadline, or gets one with less than half of its deadline
 * left, is answered 503 (the scrape fails: the exporter is overloaded, the target is not to blame),
 * so waiting never outlives a scrape nor makes a healthy target's probe fail. At most {@link
 * #WAITING_PER_SLOT} requests wait per slot, and {@link #WAITING_AT_LEAST} in all; more are
 * answered 503 at once. A hanging target holds
 * at most its one slot until its deadline, so others go on.
 */
public final class Exporter {
  /** Probe requests that may wait per probe slot, and at least in all; more are answered 503 at once, not left to hold a thread each. */
  static final int WAITING_PER_SLOT = 8;
  static final int WAITING_AT_LEAST = 64;
  /** blackbox_exporter's default timeout without the Prometheus header. */
  static final double DEFAULT_SCRAPE_TIMEOUT = 120;

  /**
   * How the exporter runs.
   *
   * @param listen address and port to bind (loopback unless told otherwise)
   * @param timeoutOffset seconds taken off the scrape timeout (blackbox's --timeout-offset, 0.5)
   * @param maxConcurrent probes at once, over all modules and targets
   * @param historyLimit probes kept for the page at {@code /}
   */
  public record Settings(Path config, InetSocketAddress listen, double timeoutOffset, int maxConcurrent, int historyLimit) {}

  private final Settings settings;
  private final Consumer<String> log;
  private final AtomicReference<ServeConfig> config = new AtomicReference<>();
  private final AtomicReference<String> lastReloadError = new AtomicReference<>();
  private final Semaphore slots;
  // one lane per (module, target) while a request for it is under way, removed when the last one ends:
  // a *.domain pattern admits names without end, and a map of every name ever asked for would too
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  /** Probe requests inside the exporter, waiting or running: each waiting one holds an HTTP thread. */
  private final java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
  private final Map<String, Instant> lastPrune = new ConcurrentHashMap<>();
  private final ExecutorService pruner = Executors.newSingleThreadExecutor(daemon("ejup-serve-prune"));
  private final OwnMetrics metrics = new OwnMetrics();
  private final History history;
  private final Renderer prometheus = Renderers.of(Format.PROMETHEUS, RenderOptions.DEFAULT);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private HttpServer server;

  /**
   * Loads the config (so a bad one stops the start with its one-line reason), nothing is bound yet.
   *
   * @param log one line per probe, reload and prune, logfmt as blackbox logs them
   * @throws UserError (UNKNOWN) when the config cannot be used; the message names file:line
   */
  public Exporter(Settings settings, Consumer<String> log) {
    if (settings.maxConcurrent() < 1 || settings.historyLimit() < 0 || settings.timeoutOffset() < 0) {
      throw UserError.unusable("--max-concurrent must be at least 1, --history-limit and --timeout-offset not negative",
          "e.g. --max-concurrent 8 --history-limit 100 --timeout-offset 0.5");
    }
    this.settings = settings;
    this.log = log;
    // bin/ejup runs the exporter with C2, where the JDK's SHA-1 is the faster for SCRAM's PBKDF2 once warm
    dev.ejup.upload.tuning.SmackSetup.compiledByC2();
    dev.ejup.upload.tuning.SmackSetup.severalChecks();
    this.slots = new Semaphore(settings.maxConcurrent(), true);
    this.history = new History(settings.historyLimit());
    config.set(ServeConfig.load(settings.config()));
    metrics.reloaded(true);
  }

  /**
   * Binds and serves until {@link #stop()}.
   *
   * @return the address bound (port 0 in the settings gives a free one)
   * @throws UserError (UNKNOWN) when the address cannot be bound (in use, not ours)
   */
  public InetSocketAddress start() {
    try {
      server = HttpServer.create(settings.listen(), 64);
    } catch (IOException e) {
      throw UserError.unusable("cannot listen on " + dev.ejup.model.HostPort.bracketed(settings.listen().getHostString()) + ":"
          + settings.listen().getPort() + ": " + dev.ejup.model.Cause.words(e), "choose a free port with --listen 127.0.0.1:PORT");
    }
    // one thread per request: a probe waits on its own network, never on another's; the number
    // waiting is bounded by the slots' timed waits, each no longer than its scrape
    server.setExecutor(Executors.newCachedThreadPool(daemon("ejup-serve-http")));
    server.createContext("/probe", exchange -> answer(exchange, this::probe));
    server.createContext("/metrics", exchange -> answer(exchange, e -> {
      String text = metrics.scrape();
      return get(e, () -> reply(200, OwnMetrics.CONTENT_TYPE, text));
    }));
    server.createContext("/-/reload", exchange -> answer(exchange, this::reloadRequest));
    server.createContext("/-/healthy", exchange -> answer(exchange, e -> get(e, () -> reply(200, "text/plain; charset=utf-8", "Healthy\n"))));
    server.createContext("/-/ready", exchange -> answer(exchange, e -> get(e, () -> reply(200, "text/plain; charset=utf-8", "Ready\n"))));
    server.createContext("/", exchange -> answer(exchange, e -> get(e, () -> e.getRequestURI().getPath().equals("/")
        ? reply(200, "text/html; charset=utf-8", HistoryPage.render(history.entries(), config.get(), lastReloadError.get()))
        : reply(404, "text/plain; charset=utf-8", "not found: " + e.getRequestURI().getPath() + "\n"))));
    server.start();
    return server.getAddress();
  }

  /** Blocks until {@link #stop()} was called. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Stops listening (probes under way get a second to answer) and ends {@link #awaitStop()}. */
  public void stop() {
    if (server != null) {
      server.stop(1);
    }
    pruner.shutdownNow();
    stopped.countDown();
  }

  /**
   * Reads the config file again (POST /-/reload, SIGHUP). A config that cannot be used leaves the
   * one in force as it was.
   *
   * @return null when the new config is in force, else the one-line reason the old one stays
   */
  public String reload() {
    try {
      ServeConfig fresh = ServeConfig.load(settings.config());
      config.set(fresh);
      lastReloadError.set(null);
      metrics.reloaded(true);
      log.accept("msg=\"config reloaded\" modules=" + fresh.modules().size());
      return null;
    } catch (UserError e) {
      String why = e.oneLine();
      lastReloadError.set(why);
      metrics.reloaded(false);
      log.accept("msg=\"config reload failed; the old config stays\" err=" + quote(why));
      return why;
    }
  }

  /** What a handler answers; written by {@link #answer}. */
  private record Reply(int status, String contentType, String body) {}

  private interface Handler {
    Reply handle(HttpExchange exchange) throws Exception;
  }

  /** What a handler returns when it has sent its answer itself (a probe: it closes its connections after). */
  private static final Reply SENT = new Reply(0, "", "");

  private static Reply reply(int status, String contentType, String body) {
    return new Reply(status, contentType, body);
  }

  private static Reply oneLine(int status, String line) {
    // every answer may echo the query (module, target): none may carry a line break of its own
    return new Reply(status, "text/plain; charset=utf-8", dev.ejup.model.Printable.of(line) + "\n");
  }

  private static Reply get(HttpExchange exchange, java.util.function.Supplier<Reply> reply) {
    String method = exchange.getRequestMethod();
    return method.equals("GET") || method.equals("HEAD") ? reply.get() : oneLine(405, "only GET here, not " + method);
  }

  private void answer(HttpExchange exchange, Handler handler) throws IOException {
    Reply reply;
    try {
      reply = handler.handle(exchange);
    } catch (Exception | Error e) {
      // fail closed: a fault of the exporter is a failed scrape, never a probe that passed
      log.accept("msg=\"internal error\" path=" + quote(exchange.getRequestURI().getPath()) + " err=" + quote(dev.ejup.model.Unexpected.words(e)));
      reply = oneLine(500, "internal error: " + dev.ejup.model.Unexpected.words(e));
    }
    if (reply != SENT) {
      send(exchange, reply);
    }
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(reply.status(), head ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }

  private Reply reloadRequest(HttpExchange exchange) {
    if (!exchange.getRequestMethod().equals("POST") && !exchange.getRequestMethod().equals("PUT")) {
      return oneLine(405, "reload with POST, not " + exchange.getRequestMethod());
    }
    String why = reload();
    return why == null ? oneLine(200, "config reloaded") : oneLine(500, "failed to reload config; the old one stays: " + why);
  }

  private Reply probe(HttpExchange exchange) throws InterruptedException {
    if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
      return oneLine(405, "probe with GET, not " + exchange.getRequestMethod());
    }
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    if (query == null) {
      return oneLine(400, "the query is not UTF-8; percent-encode the UTF-8 bytes of module and target (curl --data-urlencode -G does)");
    }
    ServeConfig current = config.get();
    String moduleName = query.get("module");
    if (moduleName == null || moduleName.isEmpty()) {
      if (current.modules().size() != 1) {
        return oneLine(400, "module parameter is missing; this exporter has " + String.join(", ", new java.util.TreeSet<>(current.modules().keySet())));
      }
      moduleName = current.modules().keySet().iterator().next();
    }
    ServeConfig.Module module = current.modules().get(moduleName);
    if (module == null) {
      metrics.unknownModule();
      return oneLine(400, "unknown module \"" + moduleName + "\"; this exporter has " + String.join(", ", new java.util.TreeSet<>(current.modules().keySet())));
    }
    String asked = query.get("target");
    if (asked == null || asked.isEmpty()) {
      return oneLine(400, "target parameter is missing");
    }
    // as DNS counts: without the root's one trailing dot
    String bare = asked.endsWith(".") ? asked.substring(0, asked.length() - 1) : asked;
    if (ServeConfig.beyondDns(bare)) {
      metrics.refused(module.name());
      String shown = dev.ejup.model.Printable.shown(asked);
      return oneLine(400, "target \"" + (shown.length() > 80 ? shown.substring(0, 80) + "..." : shown) + "\" is no domain name: DNS allows "
          + ServeConfig.LABEL_MAX + " characters per label and " + ServeConfig.NAME_MAX + " in all (RFC 1035), it has " + bare.length());
    }
    // "example.org." is example.org: compared, probed and counted as one name
    String target = ServeConfig.domain(asked);
    if (target == null || !module.allows(target)) {
      metrics.refused(module.name());
      log.accept("msg=\"target refused\" module=" + module.name() + " target=" + quote(asked));
      String ascii = target == null ? ascii(asked) : null;
      String allowedAscii = ascii != null ? ServeConfig.domain(ascii) : null;
      if (allowedAscii != null && module.allows(allowedAscii)) {
        // IDNA maps away zero-width characters and reads an ideographic full stop as a dot: not the name asked for
        return oneLine(403, "target \"" + dev.ejup.model.Printable.shown(asked) + "\" is not among module " + module.name() + "'s targets:"
            + " it is " + allowedAscii + ", which is, only as IDNA maps it; ask for " + allowedAscii + " as it is written");
      }
      return oneLine(403, "target \"" + dev.ejup.model.Printable.shown(asked) + "\" is not among module " + module.name() + "'s targets; "
          + (ascii != null ? "write it in its ASCII form " + ascii + " and add that to targets: in "
              : "add it to targets: in ") + current.file());
    }
    double deadlineSeconds;
    try {
      deadlineSeconds = deadline(exchange.getRequestHeaders().getFirst("X-Prometheus-Scrape-Timeout-Seconds"), module, settings.timeoutOffset());
    } catch (NumberFormatException e) {
      return oneLine(400, "X-Prometheus-Scrape-Timeout-Seconds is not a number of seconds");
    }
    long start = System.nanoTime();
    long deadlineNanos = start + (long) (deadlineSeconds * 1e9);
    if (inside.incrementAndGet() > settings.maxConcurrent() + waitingAtMost()) {
      inside.decrementAndGet();
      metrics.overloaded(module.name());
      return oneLine(503, waitingAtMost() + " probes are already waiting for one of the " + settings.maxConcurrent()
          + " probe slots; raise --max-concurrent or scrape less often");
    }
    try {
      return laned(exchange, module, target, start, deadlineNanos);
    } finally {
      inside.decrementAndGet();
    }
  }

  private Reply laned(HttpExchange exchange, ServeConfig.Module module, String target, long start, long deadlineNanos)
      throws InterruptedException {
    String key = module.name() + "\u0000" + target.toLowerCase(java.util.Locale.ROOT);
    Lane mine = lanes.compute(key, (k, lane) -> (lane == null ? new Lane() : lane).enter());
    try {
      if (!mine.one.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        metrics.overloaded(module.name());
        return oneLine(503, "a probe of " + target + " with module " + module.name() + " is still running; scrape it less often or with a longer timeout");
      }
      try {
        return slotted(exchange, module, target, start, deadlineNanos);
      } finally {
        mine.one.release();
      }
    } finally {
      lanes.computeIfPresent(key, (k, lane) -> lane.leave());
    }
  }

  /** How many probe requests may wait for a slot at once. */
  private int waitingAtMost() {
    return Math.max(WAITING_AT_LEAST, WAITING_PER_SLOT * settings.maxConcurrent());
  }

  /** Requests under way for one module and target (changed only inside the map's compute), and their one probe at a time. */
  private static final class Lane {
    final Semaphore one = new Semaphore(1, true);
    int requests;

    Lane enter() {
      requests++;
      return this;
    }

    Lane leave() {
      return --requests == 0 ? null : this;
    }
  }

  /** Number of (module, target) lanes held now; 0 when no request is under way. */
  int lanes() {
    return lanes.size();
  }

  private Reply slotted(HttpExchange exchange, ServeConfig.Module module, String target, long start, long deadlineNanos)
      throws InterruptedException {
    if (!slots.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      metrics.overloaded(module.name());
      return oneLine(503, "all " + settings.maxConcurrent() + " probe slots were busy until the deadline; raise --max-concurrent or scrape less often");
    }
    long waited = System.nanoTime() - start;
    if (deadlineNanos - System.nanoTime() < (deadlineNanos - start) / 2) {
      // run with what is left, and a healthy target's probe would fail a step on the exporter's wait
      slots.release();
      metrics.overloaded(module.name());
      return oneLine(503, String.format(java.util.Locale.ROOT, "waited %.1f s of the probe's %.1f s for a probe slot, too long to judge %s"
          + " in what is left; raise --max-concurrent or scrape less often", waited / 1e9, (deadlineNanos - start) / 1e9, target));
    }
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable answeredNow = () -> {
      if (running.getAndSet(false)) {
        metrics.inFlight(-1);
      }
    };
    try {
      running.set(true);
      metrics.inFlight(1);
      return run(exchange, module, target, start, deadlineNanos, answeredNow);
    } finally {
      answeredNow.run();
      slots.release();
    }
  }

  /**
   * blackbox's getTimeout: the scrape timeout (120 s when Prometheus sent none) minus the offset,
   * or the module's timeout when that is shorter. Where the offset leaves nothing (a header at or
   * below it) blackbox falls back to the module's timeout, which outlives the scrape: here half the
   * header instead, so the answer still arrives before Prometheus gives up.
   */
  static double deadline(String header, ServeConfig.Module module, double offset) {
    double scrape = header == null || header.isBlank() ? 0 : Double.parseDouble(header.strip());
    if (Double.isNaN(scrape) || scrape < 0) {
      throw new NumberFormatException(header);
    }
    if (scrape == 0) {
      scrape = DEFAULT_SCRAPE_TIMEOUT;
    }
    double max = scrape - offset > 0 ? scrape - offset : scrape / 2;
    double own = module.timeout().toMillis() / 1000.0;
    return Math.min(own, max);
  }

  /**
   * Runs the probe and sends its answer, then closes its connections: the answer does not wait
   * for the close (round trips of their own), the slot does, so probes at once stay bounded. The
   * probe stops counting as in flight as its answer goes out ({@code answered}), before the
   * close: the gauge says what is running, and a scrape right after the answer must not see it.
   */
  private Reply run(HttpExchange exchange, ServeConfig.Module module, String target, long start, long deadlineNanos,
      Runnable answered) {
    Duration deadline = Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    Duration stepTimeout = module.stepTimeout().compareTo(deadline) < 0 ? module.stepTimeout() : deadline;
    String password;
    try {
      password = module.password();
    } catch (UserError e) {
      // the file as it is now: gone, unreadable or emptied since the config was loaded
      return answered(exchange, module, target, start, new Report("check", target,
          java.util.List.of(Step.of("login", Status.UNKNOWN, Duration.ZERO, e.getMessage(), e.hint()))), answered);
    }
    CheckOptions options = new CheckOptions(ServeConfig.Module.fill(module.jid(), target), password,
        ServeConfig.Module.fill(module.server(), target), module.service(), module.size(), module.contentType(), module.insecure(),
        module.allowHttp(), module.directTls(), module.probes(), deadline, stepTimeout, null, ServeConfig.Module.fill(module.origin(), target));
    java.util.List<Runnable> closing = new java.util.ArrayList<>(1);
    Report report = new UploadFlow(options, Progress.NONE).run(closing::add);
    try {
      return answered(exchange, module, target, start, report, answered);
    } finally {
      closing.forEach(Runnable::run);
    }
  }

  private Reply answered(HttpExchange exchange, ServeConfig.Module module, String target, long start, Report report,
      Runnable done) {
    double seconds = (System.nanoTime() - start) / 1e9;
    Status worst = report.worst();
    boolean success = worst == Status.OK || worst == Status.WARN;
    metrics.probed(module.name(), success, seconds);
    history.add(new History.Entry(Instant.now(), module.name(), target, success, seconds, report));
    Step failed = report.firstWorst();
    log.accept("module=" + module.name() + " target=" + quote(target) + " success=" + (success ? 1 : 0)
        + " duration_seconds=" + String.format(java.util.Locale.ROOT, "%.3f", seconds)
        + (success ? "" : " step=" + failed.name() + " status=" + failed.status() + " detail=" + quote(failed.detail())));
    prune(module);
    String body = "# HELP probe_success Displays whether or not the probe was a success\n"
        + "# TYPE probe_success gauge\n"
        + "probe_success " + (success ? 1 : 0) + "\n"
        + "# HELP probe_duration_seconds Returns how long the probe took to complete in seconds\n"
        + "# TYPE probe_duration_seconds gauge\n"
        + "probe_duration_seconds " + seconds + "\n"
        + prometheus.render(report);
    done.run(); // before the answer: whoever reads it and then /metrics must not still see this probe in flight
    try {
      send(exchange, reply(200, "text/plain; version=0.0.4; charset=utf-8", body));
    } catch (IOException e) {
      // Prometheus gave up on the scrape or went away; the probe is in the history and the metrics
      log.accept("msg=\"answer not sent\" module=" + module.name() + " target=" + quote(target) + " err=" + quote(dev.ejup.model.Cause.words(e)));
    }
    return SENT;
  }

  /** `docroot prune` on this machine, in the background and at most once per its interval per module. */
  private void prune(ServeConfig.Module module) {
    ServeConfig.Prune prune = module.prune();
    if (prune == null) {
      return;
    }
    Instant now = Instant.now();
    Instant last = lastPrune.get(module.name());
    if (last != null && last.plus(prune.every()).isAfter(now)) {
      return;
    }
    lastPrune.put(module.name(), now);
    pruner.execute(() -> {
      Report done;
      try {
        done = dev.ejup.docroot.Docroot.prune(new dev.ejup.ssh.LocalShell(), new dev.ejup.docroot.Docroot.Options(prune.config(), null, false),
            "ejup-check-*", prune.olderThan());
      } catch (UserError e) {
        done = new Report("prune", prune.config(), java.util.List.of(Step.of("prune", Status.UNKNOWN, Duration.ZERO, e.getMessage(), e.hint())));
      } catch (RuntimeException e) {
        done = new Report("prune", prune.config(), java.util.List.of(Step.of("prune", Status.UNKNOWN, Duration.ZERO,
            dev.ejup.model.Unexpected.words(e), "")));
      }
      boolean ok = done.worst() == Status.OK;
      metrics.pruned(module.name(), ok);
      log.accept("msg=\"docroot prune\" module=" + module.name() + " status=" + done.worst() + " detail="
          + quote(done.steps().stream().map(Step::detail).collect(java.util.stream.Collectors.joining("; "))));
    });
  }

  /**
   * The query's parameters, its bytes decoded as UTF-8: the percent-encoded ones, and the ones a
   * client sent as they are, which the HTTP server hands over one char per byte.
   *
   * @return the parameters, or null when the bytes are not UTF-8
   */
  static Map<String, String> query(String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    if (raw == null) {
      return values;
    }
    try {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String key = decoded(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decoded(pair.substring(eq + 1));
        values.putIfAbsent(key, value);
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
    return values;
  }

  private static String decoded(String part) throws java.nio.charset.CharacterCodingException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(part.length());
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c == '%' && i + 2 < part.length() && Character.digit(part.charAt(i + 1), 16) >= 0 && Character.digit(part.charAt(i + 2), 16) >= 0) {
        bytes.write(Character.digit(part.charAt(i + 1), 16) * 16 + Character.digit(part.charAt(i + 2), 16));
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else if (c <= 0xff) {
        bytes.write(c);
      } else {
        int codePoint = part.codePointAt(i);
        bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(codePoint) - 1;
      }
    }
    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
  }

  /** The name's ASCII (IDNA) form when it differs from the name, else null. */
  private static String ascii(String name) {
    try {
      String ascii = java.net.IDN.toASCII(name, java.net.IDN.ALLOW_UNASSIGNED);
      return ascii.equals(name) || ServeConfig.domain(ascii) == null ? null : ascii;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String quote(String text) {
    return "\"" + dev.ejup.model.Printable.of(text.replace("\n", " ")).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
