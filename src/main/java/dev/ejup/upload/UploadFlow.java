package dev.ejup.upload;

import dev.ejup.upload.tuning.CryptoWarmup;
import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jivesoftware.smackx.httpfileupload.element.Slot;
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
  private final CheckOptions options;
  private final Progress progress;
  private final StepRunner runner;
  private final java.util.concurrent.CompletableFuture<HttpTransfer> warm = new java.util.concurrent.CompletableFuture<>();
  private volatile XmppSession session;
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

  UploadFlow(CheckOptions options, Progress progress, StepRunner.Fault fault) {
    this.options = options;
    this.progress = progress;
    this.runner = new StepRunner("check", options.domain(), "connect", fault,
        (step, e) -> Diagnose.network(e, step.equals("get") ? "the GET URL" : "the PUT URL",
            external ? "the external upload server (put_url, signed with external_secret)" : "the upload listener"));
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
    try {
      options.validate();
    } catch (dev.ejup.model.UserError e) {
      // a playbook's values, which no command line checked: nothing may connect with them
      return new Report("check", options.domain(), List.of(Step.of("connect", Status.UNKNOWN, Duration.ZERO, e.getMessage(), e.hint())));
    }
    Report result = runner.run(this::script, options.deadline(),
        "did not finish within the deadline of " + options.deadline().toSeconds() + "s",
        "the server accepted the connection but stopped answering; check ejabberd and anything in front of it");
    XmppSession xmpp = session;
    if (xmpp != null) {
      xmpp.close();
    }
    HttpTransfer http = warm.isCompletedExceptionally() ? null : warm.getNow(null);
    if (http != null) {
      http.cancel();
      http.close();
    }
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
    Tls tls = new Tls(options.insecure());
    // OkHttp's start-up (class loading, client set-up) overlaps the XMPP login on the other core
    Thread warmer = new Thread(() -> {
      try {
        runner.fault("http-setup");
        warm.complete(HttpTransfer.warm(tls, options.stepTimeout()));
      } catch (Throwable e) {
        warm.completeExceptionally(e);
      }
    }, "ejup-http-warmup");
    warmer.setDaemon(true);
    warmer.start();
    return flow(tls);
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
    if (tls.overridden() != null) {
      runner.replaceLast(Status.WARN, "accepted because of --insecure: " + tls.overridden(),
          "install a certificate clients trust; many XMPP clients refuse this one");
    } else {
      runner.replaceLast(Status.OK, "certificate verified", "");
    }
    stopIfAsked("connect");
    if (runner.stage("login", xmpp::login, d -> d) == null) {
      return false;
    }
    stopIfAsked("login");
    Jid serviceJid = findService(xmpp);
    if (serviceJid == null) {
      return false;
    }
    stopIfAsked("disco-items");
    XmppSession.Service service = runner.stage("disco-info", () -> requireUploadService(xmpp.discoInfo(serviceJid)), this::describe);
    if (service == null) {
      return false;
    }
    stopIfAsked("disco-info");
    if (service.maxFileSize() != null) {
      runner.metric("upload_max_file_size_bytes", service.maxFileSize().doubleValue());
    }
    long now = System.currentTimeMillis() / 1000;
    TestFile file = new TestFile(options.size(), now, new java.security.SecureRandom().nextLong(), options.contentType());
    // URLs compared as text: java.net.URL.equals resolves both hosts through DNS (seconds, and traffic, for nothing)
    Slot slot = runner.stage("slot", () -> {
      Slot s = xmpp.slot(service.jid(), file.name, file.size, options.contentType());
      requireScheme(s);
      return s;
    }, s -> "PUT " + s.getPutUrl() + (s.getGetUrl().toString().equals(s.getPutUrl().toString()) ? "" : " GET " + s.getGetUrl()));
    if (slot == null) {
      return false;
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
    external = TokenProbes.tokenParameter(slot.getPutUrl()) != null;
    HttpTransfer.Outcome put = runner.stage("put", () -> requirePut(TokenProbes.requireSigned(external, http.put(slot.getPutUrl().toString(),
        slot.getHeaders(), file, options.contentType(), progress))), o -> "HTTP " + o.status() + " " + o.message() + ", " + o.bytes() + " bytes");
    if (put == null) {
      return false;
    }
    if (put.status() == 200) {
      runner.replaceLast(Status.WARN, "HTTP 200 instead of 201 Created", "XEP-0363 says a stored file answers 201; check the upload server");
    }
    untrustedUpload(tls, slot.getPutUrl());
    stopIfAsked("put");
    runner.metric("upload_size_bytes", (double) file.size);
    HttpTransfer.Outcome get = runner.stage("get", () -> requireSame(http.get(slot.getGetUrl().toString(), file, progress), file),
        o -> "HTTP " + o.status() + ", " + o.bytes() + " bytes identical to the PUT (sha256 " + file.sha256().substring(0, 16) + "…)");
    if (get == null) {
      return false;
    }
    untrustedUpload(tls, slot.getGetUrl());
    String served = get.contentType().replaceAll(";.*", "").trim();
    if (!served.equalsIgnoreCase(options.contentType().replaceAll(";.*", "").trim())) {
      runner.replaceLast(Status.WARN, "served as '" + served + "' but uploaded as '" + options.contentType() + "'",
          "clients may not show the file; check what sets Content-Type on the GET URL (a proxy, or the file name's extension)");
    }
    stopIfAsked("get");
    if (options.probes()) {
      probes(xmpp, http, service, slot, file);
    }
    return true;
  }

  /**
   * --insecure lets the transfer go on, but clients do not: Conversations and others refuse an
   * upload or download over a certificate they do not trust even after the user accepted it for
   * the chat connection. So the step that crossed it is a WARNING, never a plain OK.
   */
  private void untrustedUpload(Tls tls, java.net.URL url) {
    String why = "https".equals(url.getProtocol()) ? tls.overriddenFor(url.getHost()) : null;
    if (why != null) {
      runner.replaceLast(Status.WARN, "accepted because of --insecure: " + why,
          "clients such as Conversations refuse uploads and downloads over this certificate even when the user accepted it "
              + "for chat; install a certificate clients trust for " + url.getHost());
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
    return runner.stage("disco-items", () -> {
      List<Jid> items = xmpp.discoItems();
      for (Jid item : items) {
        XmppSession.Service candidate = xmpp.discoInfo(item);
        if (!candidate.namespaces().isEmpty()) {
          return item;
        }
      }
      throw StepFailure.crit("no upload service among the " + items.size() + " items of " + options.domain() + "'s disco#items",
          "enable mod_http_upload (ejup config apply /etc/ejabberd/ejabberd.yml --host " + options.domain() + " --reload)");
    }, jid -> "upload service " + jid);
  }

  private XmppSession.Service requireUploadService(XmppSession.Service service) throws StepFailure {
    if (!service.namespaces().contains(XmppSession.NS_UPLOAD)) {
      throw StepFailure.crit(service.jid() + " does not announce " + XmppSession.NS_UPLOAD
          + (service.namespaces().isEmpty() ? "" : " (only " + String.join(", ", service.namespaces()) + ")"),
          "use ejabberd's mod_http_upload, which announces XEP-0363 version 0.3+");
    }
    return service;
  }

  private String describe(XmppSession.Service s) {
    return s.jid() + ": " + (s.storeFile() ? "store/file, " : "no store/file identity, ") + String.join(" ", s.namespaces())
        + ", max-file-size " + (s.maxFileSize() == null ? "not announced" : s.maxFileSize() + " bytes");
  }

  private void requireScheme(Slot slot) throws StepFailure {
    for (java.net.URL url : List.of(slot.getPutUrl(), slot.getGetUrl())) {
      if (!"https".equals(url.getProtocol()) && !options.allowHttp()) {
        throw StepFailure.crit("slot URL is not https: " + url,
            "serve uploads over https (ejup config apply --scheme https), or pass --allow-http to accept it");
      }
    }
  }

  private static HttpTransfer.Outcome requirePut(HttpTransfer.Outcome put) throws StepFailure {
    if (put.status() == 201 || put.status() == 200) {
      return put;
    }
    String got = "PUT answered HTTP " + put.status() + " " + put.message();
    throw switch (put.status()) {
      case 500, 403 -> StepFailure.crit(got,
          "ejabberd could not store the file: the docroot is probably not writable by the user ejabberd runs as "
              + "(error.log: 'Cannot store file'); run: ejup docroot check --ssh root@SERVER");
      case 404 -> StepFailure.crit(got, "the URL reaches an HTTP listener that does not route it to mod_http_upload "
          + "for this host; run: ejup config validate");
      case 413 -> StepFailure.crit(got, "the server expected another size than the slot's; a proxy may alter the body");
      default -> StepFailure.crit(got, "check the upload listener and any proxy in front of it");
    };
  }

  static HttpTransfer.Outcome requireSame(HttpTransfer.Outcome get, TestFile file) throws StepFailure {
    if (get.status() != 200) {
      throw StepFailure.crit("GET answered HTTP " + get.status() + " " + get.message(),
          get.status() == 404 ? "the file was stored but is not served at get_url: check get_url and the listener"
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
    if (other != null) {
      throw StepFailure.crit("GET returned other bytes than were PUT: " + other,
          "something between the client and the docroot changes files: check get_url, proxies and the disk");
    }
    return get;
  }

  private void probes(XmppSession xmpp, HttpTransfer http, XmppSession.Service service, Slot slot, TestFile file)
      throws InterruptedException {
    if (service.maxFileSize() == null) {
      runner.record(Step.of("probe-too-large", Status.WARN, Duration.ZERO, "skipped: the service announces no max-file-size",
          "set mod_http_upload's max_size so clients know the limit"));
    } else {
      long tooLarge = service.maxFileSize() + 1;
      runner.stage("probe-too-large", () -> {
        try {
          xmpp.slot(service.jid(), file.name + ".big", tooLarge, options.contentType());
        } catch (StepFailure refused) {
          if (refused.kind == StepFailure.Kind.FILE_TOO_LARGE) {
            return "a slot of " + tooLarge + " bytes was refused with file-too-large";
          }
          throw StepFailure.crit("a slot above max-file-size was refused, but without file-too-large: " + refused.getMessage(),
              "clients cannot tell the user why; check the server version");
        }
        throw StepFailure.crit("the service granted a slot of " + tooLarge + " bytes, above its own max-file-size",
            "check mod_http_upload's max_size");
      }, d -> d);
    }
    TestFile other = new TestFile(file.size, 0, file.seed ^ 0x5DEECE66DL, options.contentType());
    runner.stage("probe-overwrite", () -> {
      HttpTransfer.Outcome second = http.put(slot.getPutUrl().toString(), slot.getHeaders(), other, options.contentType(), Progress.NONE);
      if (second.status() >= 200 && second.status() < 300) {
        throw StepFailure.crit("a second PUT to a used slot was accepted (HTTP " + second.status() + "): uploads can be overwritten",
            "the upload server must refuse reuse of a slot; check it is ejabberd's mod_http_upload");
      }
      return "a second PUT to the used slot was refused with HTTP " + second.status();
    }, d -> d);
    String missing = slot.getGetUrl().toString().replaceAll("/[^/]+/[^/]+/[^/]+$", "/ejup-missing/" + Long.toHexString(file.seed) + "/none.bin");
    runner.stage("probe-missing", () -> {
      HttpTransfer.Outcome absent = http.get(missing, null, Progress.NONE);
      if (absent.status() != 404) {
        throw new StepFailure(absent.status() >= 200 && absent.status() < 300 ? Status.CRIT : Status.WARN,
            "GET of a never-issued path answered HTTP " + absent.status() + " instead of 404",
            "check what serves get_url: it should answer 404 for unknown files");
      }
      return "GET of a never-issued path answered 404";
    }, d -> d);
    if (external) {
      new TokenProbes(runner, xmpp, http, service, options.contentType()).run(file, TokenProbes.tokenParameter(slot.getPutUrl()));
    }
  }

  @Override
  public String toString() {
    return "UploadFlow[" + Objects.toString(options.jid()) + "]";
  }
}
