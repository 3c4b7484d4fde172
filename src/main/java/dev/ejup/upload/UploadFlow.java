package dev.ejup.upload;

import dev.ejup.upload.tuning.CryptoWarmup;
import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jxmpp.jid.Jid;

/**
 * The XEP-0363 (HTTP File Upload, version 0.3+) flow as a client runs it, one {@link Step} per
 * stage with its time: connect, login, disco#items, disco#info (section 4, discovery), slot
 * (section 5, requesting a slot), PUT and GET (section 6, upload and download), then the negative
 * probes (section 5's file-too-large, a reused slot, a path never issued; with an external upload
 * server's token in the PUT URL, {@link TokenProbes}). The first failing stage
 * ends the run. This class is the script; {@link StepRunner} runs it on a worker thread under the
 * deadline, and what only makes it faster is in {@link dev.ejup.upload.tuning}.
 */
public final class UploadFlow {
  /** The steps that GET: an I/O failure in one of them is the GET URL's, never the PUT URL's. */
  private static final java.util.Set<String> READS = java.util.Set.of("get", "probe-missing");
  private final CheckOptions options;
  private final Progress progress;
  private final StepRunner runner;
  private final java.util.concurrent.CompletableFuture<HttpTransfer> warm = new java.util.concurrent.CompletableFuture<>();
  private volatile XmppSession session;
  /** The PUT's connection, opened during the login where the last slot pointed; null for a first check and with --insecure. */
  private final EarlyTls early;
  private List<ClusterProbe.Node> nodes = List.of();
  /** What disco-items chose (an item, or the domain itself) and its disco#info answer; null with --service or before disco-items. */
  private volatile Discovered discovered;

  private record Discovered(Jid item, XmppSession.Service info) {}
  /** The slot's PUT URL carries an external upload server's token (ejabberd's external_secret). */
  private volatile boolean external;

  /**
   * A check as the command line or a playbook asks for it; nothing connects until {@link #run()}.
   *
   * @param options what to check and the bounds: {@link CheckOptions#deadline()} on the whole run,
   *     {@link CheckOptions#stepTimeout()} on each network step; values no command line checked
   *     (a playbook's) are validated by {@link #run()}
   * @param progress told the bytes of the PUT and the GET as they go ({@link Progress#NONE} for none)
   */
  public UploadFlow(CheckOptions options, Progress progress) {
    this(options, progress, StepRunner.NONE);
  }

  /**
   * A check that also runs the cross-node probe of a cluster ({@link ClusterProbe}) after the slot.
   *
   * @param nodeUrls each node's own HTTP endpoint, scheme://host[:port] (--node-url); empty for none
   * @throws dev.ejup.model.UserError (exit 3) for a value that is not such a URL, before anything connects
   */
  public UploadFlow(CheckOptions options, Progress progress, List<String> nodeUrls) {
    this(options, progress, StepRunner.NONE);
    this.nodes = ClusterProbe.parse(nodeUrls);
  }

  UploadFlow(CheckOptions options, Progress progress, StepRunner.Fault fault) {
    this.options = options;
    this.progress = progress;
    this.early = connectsEarly() ? EarlyTls.forCheck(options.jid(), String.valueOf(options.server())) : null;
    this.runner = new StepRunner("check", options.domain(), "connect", fault,
        (step, e) -> Diagnose.network(e, e instanceof HttpTransfer.Redirected r ? r.where : READS.contains(step) ? "the GET URL" : "the PUT URL",
            external ? "the external upload server (put_url, signed with external_secret)" : "the upload listener", options.stepTimeout()));
  }

  /**
   * Runs the check; returns when it is done or the deadline has passed, whichever is first. Never
   * throws, not even a {@link dev.ejup.model.UserError}: an invalid option (a playbook's value) is
   * an UNKNOWN "connect" step, whatever goes wrong on the way is a step of the report (UNKNOWN
   * when ejup, not the server, is at fault), a run cut by the deadline ends in a CRIT step, and a
   * run that ends without reaching its verdict cannot be OK.
   *
   * @return the report "check" for the JID's domain: one step per stage with its time,
   *     metrics {@code upload_max_file_size_bytes} and
   *     {@code upload_size_bytes} in bytes when known
   */
  public Report run() {
    return run(Runnable::run);
  }

  /**
   * As {@link #run()}, but the connections are closed through {@code closer}, after the report is
   * complete: `ejup serve` answers the scrape first and closes them after (the verdict never
   * depends on the close; the stream's end and TLS's close_notify are round trips of their own).
   */
  public Report run(java.util.concurrent.Executor closer) {
    try {
      options.validate();
    } catch (dev.ejup.model.UserError e) {
      // a playbook's values, which no command line checked: nothing may connect with them
      return new Report("check", options.domain(), List.of(Step.of("connect", Status.UNKNOWN, Duration.ZERO, e.getMessage(), e.hint())));
    }
    Report result = runner.run(this::script, options.deadline(),
        "did not finish within the deadline of " + dev.ejup.report.Seconds.of(options.deadline()) + "s",
        "the server accepted the connection but stopped answering; check ejabberd and anything in front of it");
    XmppSession xmpp = session;
    HttpTransfer http = warm.isCompletedExceptionally() ? null : warm.getNow(null);
    closer.execute(() -> {
      if (early != null) {
        early.close();
      }
      if (xmpp != null) {
        xmpp.close();
      }
      if (http != null) {
        http.cancel();
        http.close();
      }
    });
    return result;
  }

  /**
   * The report as it stands, for when the run is cut short (a signal): the steps done, and the
   * one running with the given status, detail and hint. Safe to call from any thread, during or
   * after {@link #run()}.
   */
  public Report soFar(Status status, String detail, String hint) {
    return runner.soFar(status, detail, hint);
  }

  /** What a thrown failure was, for --debug; null when there was none. Never part of a report's text. */
  public Throwable unexpected() {
    return runner.unexpected();
  }

  /** On the runner's worker: starts the HTTP client beside the XMPP login, then the steps. */
  private boolean script() throws Exception {
    dev.ejup.upload.tuning.Timeline.mark("worker");
    Tls tls = new Tls(options.insecure());
    // OkHttp's start-up (class loading, client set-up) overlaps the XMPP login on the other core
    Workers.start("ejup-http-warmup", () -> {
      try {
        runner.fault("http-setup");
        warm.complete(HttpTransfer.warm(tls, options.stepTimeout(), early));
        dev.ejup.upload.tuning.Timeline.mark("http client ready");
      } catch (Throwable e) {
        warm.completeExceptionally(e);
      }
    });
    return flow(tls);
  }

  /** Whether the PUT may take a connection opened during the login ({@link EarlyTls}): never with --insecure. */
  private boolean connectsEarly() {
    return !options.insecure() && options.jid() != null;
  }

  /** The PUT's early connection, null for a first check and with --insecure (for tests). */
  EarlyTls early() {
    return early;
  }

  /** --stop-after: called once a step's verdict is complete (a WARNING added after it included). */
  private void stopIfAsked(String step) {
    if (step.equals(options.stopAfter())) {
      throw new StepRunner.StopHere();
    }
  }

  /** The flow itself; true when it got to its verdict, false when a failed step (recorded) ended it early. */
  private boolean flow(Tls tls) throws InterruptedException {
    CryptoWarmup crypto = CryptoWarmup.startFor(options.size());
    XmppSession xmpp = runner.attempt("connect", () -> new XmppSession(options, tls));
    if (xmpp == null) {
      return false;
    }
    session = xmpp;
    if (runner.stage("connect", xmpp::connect, d -> d) == null) {
      return false;
    }
    expiryMetric(tls, 0, "xmpp_cert_expiry_timestamp_seconds");
    if (tls.overridden() != null) {
      runner.replaceLast(Status.WARN, "accepted because of --insecure: " + tls.overridden(),
          tls.insecureHint(tls.overridden(), "install a certificate clients trust; many XMPP clients refuse this one"));
    } else {
      runner.replaceLast(Status.OK, "certificate verified", "");
    }
    stopIfAsked("connect");
    if (early != null && options.stopAfter() == null) {
      early.start(tls, (int) options.stepTimeout().toMillis(), List.of(okhttp3.Protocol.HTTP_2, okhttp3.Protocol.HTTP_1_1));
    }
    if (runner.stage("login", xmpp::login, d -> d) == null) {
      return false;
    }
    stopIfAsked("login");
    Jid serviceJid = findService(xmpp);
    if (serviceJid == null) {
      return false;
    }
    stopIfAsked("disco-items");
    // the item's disco#info that disco-items chose it by, asked once on this stream (--service: asked here)
    Discovered known = discovered;
    XmppSession.Service service = runner.stage("disco-info", () -> requireUploadService(xmpp,
        known != null && serviceJid.equals(known.item()) ? known.info() : xmpp.discoInfo(serviceJid)), this::describe);
    if (service == null) {
      return false;
    }
    judgeService(xmpp, service);
    stopIfAsked("disco-info");
    if (service.maxFileSize() != null) {
      runner.metric("upload_max_file_size_bytes", service.maxFileSize().doubleValue());
    }
    long now = System.currentTimeMillis() / 1000;
    TestFile file = new TestFile(options.size(), now, new java.security.SecureRandom().nextLong(), options.contentType());
    // URLs compared as text: java.net.URL.equals resolves both hosts through DNS (seconds, and traffic, for nothing)
    Slot slot = runner.stage("slot", () -> requireSlot(xmpp.slot(service, file.name, file.size, options.contentType()), xmpp, service),
        s -> "PUT " + s.putUrl() + (s.getUrl().toString().equals(s.putUrl().toString()) ? "" : " GET " + s.getUrl())
            + (s.headers().isEmpty() ? "" : " (" + s.headers().size() + (s.headers().size() == 1 ? " header)" : " headers)")));
    if (slot == null) {
      return false;
    }
    if (connectsEarly()) {
      EarlyTls.remember(options.jid(), String.valueOf(options.server()), slot.putUrl());
    }
    stopIfAsked("slot");
    crypto.stop();
    HttpTransfer http = runner.attempt("put", () -> {
      try {
        return warm.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    });
    if (http == null) {
      return false;
    }
    if (!nodes.isEmpty()) {
      // before the PUT through the slot's URL: when a load balancer sends that one to the wrong node, this says why
      new ClusterProbe(runner, options, nodes).run(xmpp, http, service, slot, file);
    }
    HttpTransfer.Outcome preflight = null;
    http.followsToPlainHttp(options.allowHttp());
    if (options.origin() != null) {
      // what the browser does before its PUT; judged in the "cors" step, after the PUT and GET it allows
      http.origin(options.origin());
      preflight = runner.attempt("put", () -> http.preflight(slot.putUrl().toString(), options.origin(), "PUT", "content-type"));
      if (preflight == null) {
        return false;
      }
    }
    external = TokenProbes.tokenParameter(slot.putUrl()) != null;
    HttpTransfer.Outcome put = runner.stage("put", () -> requirePut(TokenProbes.requireSigned(external, status("put", http.put(slot.putUrl().toString(),
        slot.headers(), file, options.contentType(), progress))), slot.putUrl().toString(), service.maxFileSize(), file.size, xmpp, service),
        o -> "HTTP " + o.status() + " " + o.message() + ", " + o.bytes() + " bytes" + http.madeAgain());
    expiryMetric(tls, 1, "http_cert_expiry_timestamp_seconds");
    if (put == null) {
      return false;
    }
    if (put.status() == 200) {
      runner.replaceLast(Status.WARN, "HTTP 200 instead of 201 Created", "XEP-0363 says a stored file answers 201; check the upload server");
    }
    untrustedUpload(tls, slot.putUrl());
    stopIfAsked("put");
    runner.metric("upload_size_bytes", (double) file.size);
    HttpTransfer.Outcome get = runner.stage("get", () -> requireSame(status("get", http.get(slot.getUrl().toString(), file, progress)), slot.getUrl().toString(), file),
        o -> "HTTP " + o.status() + o.via() + ", " + o.bytes() + " bytes identical to the PUT (sha256 " + file.sha256().substring(0, 16) + "…)");
    if (get == null) {
      return false;
    }
    untrustedUpload(tls, slot.getUrl());
    for (HttpTransfer.Hop hop : get.redirects()) {
      untrustedUpload(tls, okhttp3.HttpUrl.get(hop.to()).url());
    }
    if (get.downgrade() != null) {
      // only --allow-http gets here: without it the GET stopped before the plain-http request (HttpTransfer.follow)
      runner.replaceLast(Status.WARN, "the GET URL redirects from https to plain http (accepted by --allow-http): " + get.downgrade(),
          "make the redirect point to an https URL: browser clients on an https page (Converse.js) block it as mixed content");
    }
    String served = get.contentType().replaceAll(";.*", "").trim();
    if (!served.equalsIgnoreCase(options.contentType().replaceAll(";.*", "").trim())) {
      runner.replaceLast(Status.WARN, "served as '" + served + "' but uploaded as '" + options.contentType() + "'",
          "clients may not show the file; check what sets Content-Type on the GET URL (a proxy, or the file name's extension)");
    }
    if (preflight != null) {
      HttpTransfer.Outcome asked = preflight;
      runner.stage("cors", () -> CorsProbe.verdict(options.origin(), asked, put, get), d -> d);
    }
    stopIfAsked("get");
    if (options.probes()) {
      probes(xmpp, http, service, slot, file);
    }
    return true;
  }

  /** The HTTP status of the PUT or GET as a metric (blackbox's probe_http_status_code), kept when the step fails. */
  private HttpTransfer.Outcome status(String step, HttpTransfer.Outcome outcome) {
    runner.metric("upload_" + step + "_status_code", outcome.status());
    return outcome;
  }

  /** A TLS connection's certificate expiry as a metric (blackbox's probe_ssl_earliest_cert_expiry); none over plain http. */
  private void expiryMetric(Tls tls, int index, String name) {
    Long notAfter = tls.expiry(index);
    if (notAfter != null) {
      runner.metric(name, notAfter.doubleValue());
    }
  }

  /**
   * --insecure lets the transfer go on, but clients do not: Conversations and others refuse an
   * upload or download over a certificate they do not trust even after the user accepted it for
   * the chat connection. So the step that crossed it is a WARNING, never a plain OK.
   */
  private void untrustedUpload(Tls tls, java.net.URL url) {
    String why = "https".equals(url.getProtocol()) ? tls.overriddenFor(url.getHost()) : null;
    if (why != null) {
      runner.replaceLast(Status.WARN, "accepted because of --insecure: " + why, tls.insecureHint(why,
          "clients such as Conversations refuse uploads and downloads over this certificate even when the user accepted it "
              + "for chat; install a certificate clients trust for " + url.getHost()));
    }
  }

  private Jid findService(XmppSession xmpp) throws InterruptedException {
    if (options.service() != null) {
      try {
        return org.jxmpp.jid.impl.JidCreate.from(options.service());
      } catch (org.jxmpp.stringprep.XmppStringprepException e) {
        runner.record(Step.of("disco-items", Status.UNKNOWN, Duration.ZERO, "--service " + options.service() + " is not a JID", "write e.g. upload.example.org"));
        return null;
      }
    }
    List<String> skipped = new java.util.ArrayList<>();
    Choice choice = runner.stage("disco-items", () -> chooseService(xmpp, skipped),
        c -> "upload service " + c.jid() + (c.jid().equals(xmpp.domainJid()) ? " itself (its own disco#info)" : "") + c.note()
            + (skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped)));
    if (choice == null) {
      return null;
    }
    if (choice.twin() != null) {
      runner.replaceLast(Status.WARN, choice.twin(), choice.twinHint());
    }
    return choice.jid();
  }

  /**
   * What disco-items chose; note: what failed on the way that clients get by without; twin and
   * twinHint: a second service announced beside it (clients differ in which one they use), or null.
   */
  private record Choice(Jid jid, String note, String twin, String twinHint) {}

  /**
   * The upload service as clients find it. The domain's own disco#info first, as Smack 4.4
   * (ServiceDiscoveryManager.findServicesDiscoverInfo, for :0 then for 0.2) and Dino ask it: where
   * prosody-modules' mod_http_upload in a VirtualHost's modules_enabled announces the service. It
   * went out beside disco#items ({@link XmppSession#discoItems}), so it costs no round trip more,
   * and the same answer names the server for hints. The items in order; one whose disco#info
   * fails (a component configured but not connected) is skipped, as clients skip it, and named.
   * Smack's order: the domain's :0, the first :0 item, the domain's legacy 0.2, the first legacy
   * item. A second service beside the chosen one that some clients use instead is a WARNING.
   */
  private Choice chooseService(XmppSession xmpp, List<String> skipped) throws StepFailure, InterruptedException {
    Jid domain = xmpp.domainJid();
    List<Jid> items;
    StepFailure itemsFailed = null;
    try {
      items = xmpp.discoItems();
    } catch (StepFailure failed) {
      // Smack and Dino find a service the domain announces without its disco#items
      items = List.of();
      itemsFailed = failed;
    }
    Discovered current = null;
    Discovered legacy = null;
    for (Jid item : items) {
      XmppSession.Service candidate = item.equals(domain) ? null : infoOrSkip(xmpp, item, item.toString(), skipped);
      if (candidate != null && candidate.namespaces().contains(XmppSession.NS_UPLOAD)) {
        current = new Discovered(item, candidate);
        break;
      }
      if (legacy == null && candidate != null && candidate.namespaces().contains(XmppSession.NS_LEGACY)) {
        legacy = new Discovered(item, candidate);
      }
    }
    // read after the items': its answer is parsed while theirs are used
    XmppSession.Service own = infoOrSkip(xmpp, domain, domain + " itself", skipped);
    String note = itemsFailed == null ? "" : "; " + itemsFailed.getMessage();
    boolean ownCurrent = own != null && own.namespaces().contains(XmppSession.NS_UPLOAD);
    boolean ownLegacy = own != null && own.namespaces().contains(XmppSession.NS_LEGACY);
    if (ownCurrent || current == null && ownLegacy) {
      discovered = new Discovered(domain, own);
      Discovered twin = ownCurrent ? current : legacy;
      String ns = ownCurrent ? XmppSession.NS_UPLOAD : XmppSession.NS_LEGACY;
      return twin == null ? new Choice(domain, note, null, null)
          : new Choice(domain, note, twin.item() + " announces " + ns + " too: two upload services",
              "two upload services are announced: Smack- and Dino-based clients use " + domain + "'s own, others may use " + twin.item()
                  + "; remove the leftover, or check the other with --service " + twin.item());
    }
    if (current != null) {
      discovered = current;
      // Dino takes the domain's service in either version before any item
      return !ownLegacy ? new Choice(current.item(), note, null, null)
          : new Choice(current.item(), note, domain + "'s own disco#info announces the legacy " + XmppSession.NS_LEGACY + " too: two upload services",
              "two upload services are announced: Dino uses " + domain + "'s own (legacy 0.2), Smack-based clients and Conversations use "
                  + current.item() + "; remove the leftover, or check the other with --service " + domain);
    }
    if (legacy != null) {
      discovered = legacy;
      return new Choice(legacy.item(), note, null, null);
    }
    String skippedText = skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped);
    if (itemsFailed != null) {
      throw new StepFailure(itemsFailed.status, itemsFailed.getMessage()
          + (own == null ? "" : "; " + domain + "'s own disco#info announces no upload service") + skippedText, itemsFailed.hint);
    }
    // what did not answer may be the upload service itself: the fix is then there, not enabling a service
    boolean ownFailed = own == null;
    boolean itemFailed = skipped.size() > (ownFailed ? 1 : 0);
    String maybe = itemFailed && ownFailed ? "an item that failed, or " + domain + " itself, may be the upload service"
        : itemFailed ? "an item that failed may be the upload service (a component configured but not connected does not answer)"
        : ownFailed ? domain + "'s own disco#info failed, and it may announce the upload service itself (a module loaded on the host)"
        : null;
    ServerTerms terms = xmpp.terms(null);
    throw StepFailure.crit("no upload service among the " + items.size() + " items of " + options.domain() + "'s disco#items"
        + " or on " + options.domain() + "'s own disco#info" + skippedText,
        maybe == null ? terms.enable() : maybe + ": see " + terms.log() + "; else " + terms.enable());
  }

  /** jid's disco#info, or null with its failure added to skipped under the name shown (which names jid: the failure's words do not again). */
  private static XmppSession.Service infoOrSkip(XmppSession xmpp, Jid jid, String shown, List<String> skipped) throws InterruptedException {
    try {
      return xmpp.discoInfo(jid);
    } catch (StepFailure failed) {
      skipped.add(shown + " (" + failed.getMessage().replace("disco#info on " + jid, "disco#info") + ")");
      return null;
    }
  }

  private XmppSession.Service requireUploadService(XmppSession xmpp, XmppSession.Service service) throws StepFailure, InterruptedException {
    if (service.namespace() == null) {
      ServerTerms terms = xmpp.terms(service);
      throw StepFailure.crit(service.jid() + " does not announce " + XmppSession.NS_UPLOAD + " or the legacy " + XmppSession.NS_LEGACY
          + (service.namespaces().isEmpty() ? "" : " (only " + String.join(", ", service.namespaces()) + ")"),
          "use an upload service that announces XEP-0363 version 0.3+ (" + terms.module() + " on " + terms.server() + ")");
    }
    return service;
  }

  /** After disco-info's OK: a legacy-only service and a max-file-size ejup cannot use are WARNINGs. */
  private void judgeService(XmppSession xmpp, XmppSession.Service service) throws InterruptedException {
    if (XmppSession.NS_LEGACY.equals(service.namespace())) {
      ServerTerms terms = xmpp.terms(service);
      runner.replaceLast(Status.WARN, "only the legacy " + XmppSession.NS_LEGACY + " (XEP-0363 0.2): the check uses it, but clients "
          + "that speak only " + XmppSession.NS_UPLOAD + " cannot upload here",
          "upgrade " + terms.module() + " on " + terms.server() + " to a version that announces " + XmppSession.NS_UPLOAD
              + (terms.server().equals("Prosody") ? " (Prosody 0.12+: mod_http_file_share)" : ""));
    } else if (service.max().text() != null && service.maxFileSize() == null) {
      ServerTerms terms = xmpp.terms(service);
      runner.replaceLast(Status.WARN, "max-file-size " + service.max().problem() + "; the oversize probe is skipped",
          "clients cannot use that limit; set " + terms.sizeOption() + " to a whole number of bytes");
    }
  }

  private String describe(XmppSession.Service s) {
    return s.jid() + ": " + (s.storeFile() ? "store/file, " : "no store/file identity, ") + String.join(" ", s.namespaces())
        + ", max-file-size " + (s.max().text() == null ? "not announced" : s.maxFileSize() == null ? "unusable"
            : s.maxFileSize() + " bytes" + (s.max().problem() == null ? "" : " (" + s.max().problem() + ")"));
  }

  /** A slot with both URLs usable by an HTTP client: the put and get URLs parsed, the headers as sent. */
  record Slot(java.net.URL putUrl, java.net.URL getUrl, List<SlotAnswer.Header> headers) {}

  private Slot requireSlot(SlotAnswer answer, XmppSession xmpp, XmppSession.Service service) throws StepFailure, InterruptedException {
    java.net.URL put = slotUrl(answer.putUrl, "put", xmpp, service);
    java.net.URL get = slotUrl(answer.getUrl, "get", xmpp, service);
    for (java.net.URL url : List.of(put, get)) {
      if (!"https".equals(url.getProtocol()) && !options.allowHttp()) {
        throw StepFailure.crit("slot URL is not https: " + url,
            "serve uploads over https (ejup config apply --scheme https), or pass --allow-http to accept it");
      }
    }
    return new Slot(put, get, answer.headers);
  }

  private static java.net.URL slotUrl(String text, String which, XmppSession xmpp, XmppSession.Service service)
      throws StepFailure, InterruptedException {
    String why;
    if (text == null) {
      why = "has no " + which + " URL";
    } else {
      try {
        java.net.URI uri = new java.net.URI(text);
        if (uri.getHost() != null && ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
          return uri.toURL();
        }
        why = "has a " + which + " URL that is not http(s)://HOST/…: " + text;
      } catch (java.net.URISyntaxException | java.net.MalformedURLException | IllegalArgumentException e) {
        why = "has a " + which + " URL that is not a URL: " + dev.ejup.model.Cause.words(e);
      }
    }
    throw StepFailure.crit("the slot from " + service.jid() + " " + why, "check " + xmpp.terms(service).module() + "'s URL settings");
  }

  static HttpTransfer.Outcome requirePut(HttpTransfer.Outcome put, String url, Long maxFileSize, long size,
      XmppSession xmpp, XmppSession.Service service) throws StepFailure, InterruptedException {
    if (put.status() == 201 || put.status() == 200) {
      return put;
    }
    String location = put.headers().get("Location");
    if (put.status() >= 300 && put.status() < 400 && location != null) {
      // OkHttp (Conversations) turns a PUT redirected by 301/302/303 into a GET without the file, browsers send it again
      throw StepFailure.crit(("PUT answered HTTP " + put.status() + " " + put.message()).trim() + ", a redirect to " + location
          + "; ejup does not follow a redirected PUT (XEP-0363: the PUT goes to the slot's put_url)",
          "clients differ on a redirected PUT (some turn it into a GET and lose the file, some drop the slot's headers on "
              + "another host); make put_url the address that stores the file");
    }
    StepFailure proxied = ProxyAnswer.explain("PUT", url, put, maxFileSize, size);
    if (proxied != null) {
      throw proxied;
    }
    String got = "PUT answered HTTP " + put.status() + " " + put.message();
    ServerTerms terms = xmpp.terms(service);
    boolean ejabberd = terms.server().equals("ejabberd");
    throw switch (put.status()) {
      case 500, 403 -> StepFailure.crit(got, ejabberd
          ? "ejabberd could not store the file: the docroot is probably not writable by the user ejabberd runs as "
              + "(error.log: 'Cannot store file'); run: ejup docroot check --ssh root@SERVER"
          : terms.module() + " could not store the file: check that " + terms.server() + " can write its upload storage (" + terms.log() + ")");
      case 401 -> StepFailure.crit(got, "the upload server did not accept the slot's headers: check " + terms.log()
          + " and any proxy that drops or rewrites Authorization or Cookie");
      case 404 -> StepFailure.crit(got, ejabberd ? "the URL reaches an HTTP listener that does not route it to mod_http_upload "
          + "for this host; run: ejup config validate" : "the URL reaches an HTTP server that does not route it to " + terms.module());
      case 413 -> StepFailure.crit(got, "the server expected another size than the slot's; a proxy may alter the body");
      default -> StepFailure.crit(got, "check the upload listener and any proxy in front of it");
    };
  }

  static HttpTransfer.Outcome requireSame(HttpTransfer.Outcome get, TestFile file) throws StepFailure {
    return requireSame(get, "", file);
  }

  static HttpTransfer.Outcome requireSame(HttpTransfer.Outcome get, String url, TestFile file) throws StepFailure {
    boolean redirected = !get.redirects().isEmpty();
    if (get.status() != 200) {
      // its words are about a proxy in front of ejabberd at get_url's address, not about where a redirect went
      StepFailure proxied = redirected ? null : ProxyAnswer.explain("GET", url, get, null, file.size);
      if (proxied != null) {
        throw proxied;
      }
      throw StepFailure.crit("GET answered HTTP " + get.status() + " " + get.message() + get.via(), redirected
          ? "get_url redirects to where the file is not served; make the redirect (a proxy's or CDN's rule) point to it"
          : get.status() == 404 ? "the file was stored but is not served at get_url: check get_url and the listener"
              : "check the download listener (get_url) and any proxy in front of it");
    }
    String other = null;
    if (get.declaredLength() >= 0 && get.declaredLength() != file.size) {
      other = "Content-Length " + get.declaredLength() + " for the " + file.size + " bytes that were PUT; ejup did not read on";
    } else if (get.firstDifference() == file.size) {
      other = "more than the " + file.size + " bytes that were PUT; ejup stopped reading there";
    } else if (get.firstDifference() >= 0) {
      other = "first difference at byte " + get.firstDifference() + " of " + file.size + "; ejup stopped reading there";
    } else if (get.bytes() != file.size) {
      other = get.bytes() + " of the " + file.size + " bytes that were PUT";
    }
    // OkHttp asks for gzip alone and decodes only that (HttpTransfer.Undecodable); any other coding reaches the comparison as it came.
    // A coding label is wrong for some client even over the very bytes that were PUT: those that accept it (browsers, curl
    // --compressed) decode what was never encoded and fail, so it is judged whatever the comparison says
    String coding = get.headers() == null ? null : get.headers().get("Content-Encoding");
    if (coding != null && !coding.isBlank() && !coding.trim().equalsIgnoreCase("identity")) {
      String named = dev.ejup.model.Cause.words(new Exception(coding.trim()));
      if (other == null) {
        throw StepFailure.crit("GET answered with Content-Encoding " + named + get.via() + ", which ejup did not accept (it sends Accept-Encoding:"
            + " gzip), over the very bytes that were PUT", "clients that accept " + named + " (browser clients such as Converse.js, curl"
            + " --compressed) decode bytes that were never encoded and fail: make the server or proxy send the file without that"
            + " Content-Encoding (nginx: an add_header Content-Encoding, or a brotli/gzip_static setting on get_url's location)");
      }
      throw StepFailure.crit("GET returned other bytes than were PUT" + get.via() + ": " + other + "; it answered with Content-Encoding "
          + named + ", which ejup did not accept (it sends Accept-Encoding: gzip)",
          "clients that did not ask for that coding (OkHttp-based ones such as Conversations) keep the encoded bytes: make the server or proxy"
              + " answer with a coding only clients that accept it (nginx: gzip and brotli settings, an add_header Content-Encoding)");
    }
    if (other != null) {
      throw StepFailure.crit("GET returned other bytes than were PUT" + get.via() + ": " + other, redirected
          ? "get_url redirects to something that serves other bytes (a login or error page?); make the redirect point to where the file is served"
          : "something between the client and the docroot changes files: check get_url, proxies and the disk");
    }
    return get;
  }

  private void probes(XmppSession xmpp, HttpTransfer http, XmppSession.Service service, Slot slot, TestFile file)
      throws InterruptedException {
    MaxFileSize max = service.max();
    if (max.text() == null) {
      // XEP-0363 section 3 asks for max-file-size "if such a limitation exists": none is conformant
      // (ejabberd's max_size: infinity), and a deliberate setting must not keep a check at WARNING
      runner.record(Step.ok("probe-too-large", Duration.ZERO, "skipped: the service announces no max-file-size, so it has no limit to probe"));
    } else if (max.bytes() == null || max.bytes() == Long.MAX_VALUE) {
      runner.record(Step.of("probe-too-large", Status.WARN, Duration.ZERO, "skipped: max-file-size " + (max.problem() != null ? max.problem()
              : max.text() + " leaves no larger size to ask for"),
          "set " + xmpp.terms(service).sizeOption() + " so clients know the limit"));
    } else {
      long tooLarge = max.bytes() + 1;
      runner.stage("probe-too-large", () -> {
        try {
          xmpp.slot(service, file.name + ".big", tooLarge, options.contentType());
        } catch (StepFailure refused) {
          String said = refused.getMessage().replaceFirst("^slot refused: ", "");
          if (refused.kind == StepFailure.Kind.FILE_TOO_LARGE) {
            return "a slot of " + tooLarge + " bytes was refused with " + said;
          }
          if (refused.kind == StepFailure.Kind.NOT_ACCEPTABLE) {
            // XEP-0363 section 5 shows <file-too-large/> in its example but does not require it
            return "a slot of " + tooLarge + " bytes was refused with " + said + ", without <file-too-large/>";
          }
          if (refused.status != Status.CRIT) {
            throw refused; // temporary: the probe could not run, which says nothing of the limit
          }
          if (refused.kind == StepFailure.Kind.STREAM_GONE) {
            throw refused; // nothing was asked: the server ended the session, which is the failure to name
          }
          if (refused.kind != StepFailure.Kind.REFUSED) {
            // no answer, a closed stream, a result without a slot, a service failing: a client asking for this size fails
            throw StepFailure.crit("a slot of " + tooLarge + " bytes, above max-file-size, was not refused as XEP-0363 says: " + said, refused.hint);
          }
          // the limit holds (no slot was granted); only the reason clients are told is wrong
          throw new StepFailure(Status.WARN, "a slot of " + tooLarge + " bytes, above max-file-size, was refused, but not as too large: " + said,
              "clients will tell the user another reason than the size (XEP-0363 answers a size too large with not-acceptable); check the server version");
        }
        throw StepFailure.crit("the service granted a slot of " + tooLarge + " bytes, above its own max-file-size",
            "check " + xmpp.terms(service).sizeOption());
      }, d -> d);
    }
    TestFile other = new TestFile(file.size, 0, file.seed ^ 0x5DEECE66DL, options.contentType());
    runner.stage("probe-overwrite", () -> {
      HttpTransfer.Outcome second = http.putAgain(slot.putUrl().toString(), slot.headers(), other, options.contentType());
      if (second.status() >= 200 && second.status() < 300) {
        throw StepFailure.crit("a second PUT to a used slot was accepted (HTTP " + second.status() + "): uploads can be overwritten",
            "the upload server must refuse reuse of a slot; check " + xmpp.terms(service).module());
      }
      return unchanged(http, slot, file, second, xmpp.terms(service).module());
    }, d -> d);
    String missing = neverIssued(slot.getUrl(), file.seed);
    String shown = java.net.URI.create(missing).getRawPath();
    runner.stage("probe-missing", () -> {
      HttpTransfer.Outcome absent;
      try {
        absent = http.get(missing, null, Progress.NONE);
      } catch (StepFailure unfollowable) {
        // a redirect no client follows serves nothing either: as any answer but 404 that serves nothing
        throw new StepFailure(Status.WARN, "GET of a never-issued path " + shown + ": " + unfollowable.getMessage(), unfollowable.hint);
      } catch (HttpTransfer.Redirected nowhere) {
        // redirected to where nothing answers (refused, a TLS failure, too slow): nothing is served either
        StepFailure said = Diagnose.network(nowhere.getCause(), nowhere.where, "what the redirect points to", options.stepTimeout());
        throw new StepFailure(Status.WARN, "GET of a never-issued path " + shown + " was redirected, and then: " + said.getMessage(),
            "check what serves get_url: it should answer 404 for unknown files, not redirect them");
      }
      if (absent.status() != 404) {
        throw new StepFailure(absent.status() >= 200 && absent.status() < 300 ? Status.CRIT : Status.WARN,
            "GET of a never-issued path " + shown + " answered HTTP " + absent.status() + absent.via() + " instead of 404",
            "check what serves get_url: it should answer 404 for unknown files");
      }
      return "GET of a never-issued path " + shown + " answered 404" + absent.via();
    }, d -> d);
    if (external) {
      new TokenProbes(runner, xmpp, http, service, options.contentType()).run(file, TokenProbes.tokenParameter(slot.putUrl()));
    }
  }

  /**
   * What a second PUT's refusal proves: only that the answer was not 2xx. A proxy answers 504 when
   * its read timed out while the backend went on and wrote the file, or 502 over a backend that
   * failed after writing it; so the file is read again, and the file decides: changed is CRITICAL,
   * unchanged OK whatever the answer (nginx answers 502 when ejabberd refuses with 403 and closes
   * before the body is through). The second PUT's bytes differ from the first's in every block.
   */
  private static String unchanged(HttpTransfer http, Slot slot, TestFile file, HttpTransfer.Outcome second, String module)
      throws java.io.IOException, StepFailure {
    String answered = "HTTP " + second.status() + (second.message().isBlank() ? "" : " " + second.message());
    String url = slot.getUrl().toString();
    HttpTransfer.Outcome again = http.get(url, file, Progress.NONE);
    try {
      requireSame(again, url, file);
    } catch (StepFailure changed) {
      throw StepFailure.crit("a second PUT to the used slot was answered " + answered + ", but the file did not stay as it was: "
          + changed.getMessage(), "an answer that is no 2xx does not prove the upload server refused the PUT; it must refuse"
          + " reuse of a slot: check " + module + " and what answers PUTs in front of it (a proxy's 502 or 504 while the backend"
          + " goes on writing)");
    }
    if (second.status() < 400 || second.status() >= 500) {
      // nginx in front of ejabberd answers 502 when ejabberd refuses with 403 and closes before the body is through
      // (ProxyIT, real nginx): the file, not the code, says whether the slot could be used again
      return "a second PUT to the used slot was answered " + answered + " (no 4xx refusal: a proxy in front answers so when"
          + " the server closes on the body); the file is unchanged";
    }
    return "a second PUT to the used slot was refused with HTTP " + second.status() + "; the file is unchanged";
  }

  /**
   * A URL no slot was issued for, on the GET URL's scheme, host and port and under its service
   * path: the GET URL with its slot's directory (the segment before the file name: ejabberd's
   * random part, prosody's slot id) changed character by character, letters to letters and digits
   * to digits, so the upload module itself, not a router in front of it, has to say 404. Only the
   * path changes; the query stays (it may be what authorizes a GET).
   */
  static String neverIssued(java.net.URL get, long seed) {
    java.net.URI uri;
    try {
      uri = get.toURI();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("the GET URL was checked as a URI when the slot came", e);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String[] segments = path.split("/", -1);
    int file = segments.length - 1;
    while (file > 0 && segments[file].isEmpty()) {
      file--; // a trailing slash
    }
    int slotDir = file >= 2 ? file - 1 : file; // segments[0] is the empty one before the first '/'
    java.util.Random random = new java.util.Random(seed);
    segments[slotDir] = changed(segments[slotDir], random);
    String result = uri.getScheme() + "://" + uri.getRawAuthority() + String.join("/", segments)
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    java.net.URI made = java.net.URI.create(result);
    if (!java.util.Objects.equals(made.getHost(), uri.getHost()) || made.getPort() != uri.getPort()
        || !made.getScheme().equals(uri.getScheme())) {
      throw new IllegalStateException("the never-issued URL left the slot's host: " + made);
    }
    return result;
  }

  private static String changed(String segment, java.util.Random random) {
    StringBuilder out = new StringBuilder(segment.length() + 1);
    boolean any = false;
    // a hex id (prosody's UUIDs, ejabberd's hashes) stays hex: a server may check the shape before it looks
    boolean hex = segment.matches("[0-9a-fA-F%-]*");
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%' && i + 2 < segment.length()) {
        out.append(segment, i, i + 3); // a percent-escape stays as it is
        i += 2;
        continue;
      }
      String pool = c >= '0' && c <= '9' ? "0123456789" : c >= 'a' && c <= 'z' ? (hex ? "abcdef" : "abcdefghijklmnopqrstuvwxyz")
          : c >= 'A' && c <= 'Z' ? (hex ? "ABCDEF" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ") : null;
      if (pool == null) {
        out.append(c);
        continue;
      }
      char other = pool.charAt((pool.indexOf(c) + 1 + random.nextInt(pool.length() - 1)) % pool.length());
      out.append(other);
      any = true;
    }
    return any ? out.toString() : out.append("0").toString();
  }

  @Override
  public String toString() {
    return "UploadFlow[" + Objects.toString(options.jid()) + "]";
  }
}
