package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.ejup.upload.CheckOptions;
import dev.ejup.upload.Progress;
import dev.ejup.upload.UploadFlow;
import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.UserError;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

@Parameters(commandNames = "check", commandDescription = "Run the whole XEP-0363 upload flow as a client and report each step")
final class CheckCommand implements Command {
  @Parameter(names = "--jid", description = "account to log in with, e.g. monitor@example.org (a /resource is used as given)", required = true)
  String jid;

  @Parameter(names = "--password-file", description = "file whose first line is the password (else $EJUP_PASSWORD)")
  String passwordFile;

  @Parameter(names = "--server", description = "HOST[:PORT] to connect to instead of resolving the domain")
  String server;

  @Parameter(names = "--service", description = "upload service JID instead of finding it with service discovery (disco#items, the domain's own disco#info)")
  String service;

  @Parameter(names = "--size", description = "bytes to upload: 1024, 64K, 10M (default 1K)")
  String size = "1K";

  @Parameter(names = "--content-type", description = "content type of the test file")
  String contentType = "application/octet-stream";

  @Parameter(names = "--insecure", description = "accept a certificate that does not verify (reported as WARNING)")
  boolean insecure;

  @Parameter(names = "--allow-http", description = "accept plain http slot URLs, and a GET URL that redirects to http (a WARNING then)")
  boolean allowHttp;

  @Parameter(names = "--direct-tls", description = "TLS from the first byte (XEP-0368, port 5223) instead of STARTTLS")
  boolean directTls;

  @Parameter(names = "--no-probes", description = "skip the negative probes (oversized slot, overwrite, missing file; with an external upload server, forged token and size)")
  boolean noProbes;

  @Parameter(names = "--deadline", converter = SecondsOption.Positive.class, description = "seconds the whole check may take")
  double deadline = 30;

  @Parameter(names = "--step-timeout", converter = SecondsOption.Positive.class, description = "seconds each network step may take")
  double stepTimeout = 10;

  @Parameter(names = "--stop-after", description = "stop after this step (connect, login, disco-items, disco-info, slot, put): e.g. 'slot' to get URLs for curl")
  String stopAfter;

  @Parameter(names = "--node-url", description = "a cluster node's own HTTP endpoint, scheme://host[:port] (repeat per node): "
      + "probe PUT and GET through each node")
  List<String> nodeUrls = new java.util.ArrayList<>();

  @Parameter(names = "--node-config", description = "a cluster node's ejabberd.yml (repeat per node): its upload listener's "
      + "address, as --node-url")
  List<String> nodeConfigs = new java.util.ArrayList<>();

  @Parameter(names = "--origin", description = "a web client's origin, e.g. https://chat.example.org: also check what a browser on it needs (CORS)")
  String origin;

  @ParametersDelegate
  ReportOptions report = new ReportOptions();

  @Override
  public int run(Io io) {
    // every usage error before the password is read and before anything connects
    options(null).validate();
    report.validate();
    for (String config : nodeConfigs) {
      nodeUrls.add(dev.ejup.config.ConfigService.uploadEndpoint(new dev.ejup.config.LocalStore(), java.nio.file.Path.of(config)));
    }
    new UploadFlow(options(null), Progress.NONE, nodeUrls); // refuses a bad --node-url before the password is read
    dev.ejup.upload.tuning.Timeline.mark("validated");
    // a signal while the password is read (a pipe that is slow to give it) answers as one during the flow
    java.util.concurrent.atomic.AtomicReference<UploadFlow> running = new java.util.concurrent.atomic.AtomicReference<>();
    String domain = options(null).domain();
    try (Interruption interruption = Interruption.install(io, report, () -> List.of(running.get() != null
        ? running.get().soFar(Status.UNKNOWN, Interruption.WHY, Interruption.HINT)
        : new Report("check", domain, List.of(dev.ejup.model.Step.of("password", Status.UNKNOWN, java.time.Duration.ZERO,
            Interruption.WHY + ", while the password was read" + (passwordFile == null ? "" : " from " + passwordFile), Interruption.HINT)))))) {
      // the read counts against --deadline: the flow gets what is left of it
      long started = System.nanoTime();
      String password = PasswordSource.read(io, passwordFile, "EJUP_PASSWORD", seconds("--deadline", deadline));
      double spent = (System.nanoTime() - started) / 1_000_000 / 1000.0;
      CheckOptions options = options(password, spent);
      Progress progress = io.terminal() && options.size() >= 4L * 1024 * 1024 ? new ProgressBar(io.err()) : Progress.NONE;
      UploadFlow flow = new UploadFlow(options, progress, nodeUrls);
      running.set(flow);
      Report result = report.judge(flow.run());
      dev.ejup.upload.tuning.Timeline.mark("flow returned");
      if (io.debug() && flow.unexpected() != null) {
        flow.unexpected().printStackTrace(io.err());
      }
      int code = interruption.emit(List.of(result));
      dev.ejup.upload.tuning.Timeline.mark("report written");
      return code;
    }
  }

  private CheckOptions options(String password) {
    return options(password, 0);
  }

  /** @param spent seconds of --deadline already spent (reading the password), taken off the flow's */
  private CheckOptions options(String password, double spent) {
    double left = Math.max(0.001, deadline - spent);
    return new CheckOptions(jid, password, server, service, parseSize(size), contentType, insecure, allowHttp, directTls, !noProbes,
        seconds("--deadline", left), seconds("--step-timeout", Math.min(stepTimeout, left)), stopAfter, origin);
  }

  static Duration seconds(String option, double value) {
    if (value <= 0) {
      throw UserError.unusable(option + " must be more than 0 seconds", "e.g. " + option + " 30");
    }
    return Duration.ofMillis((long) (value * 1000));
  }

  static long parseSize(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("K")) {
      unit = 1024;
    } else if (t.endsWith("M")) {
      unit = 1024 * 1024;
    } else if (t.endsWith("G")) {
      unit = 1024L * 1024 * 1024;
    }
    try {
      long n = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw UserError.unusable("--size " + text + " is not a size", "write bytes or with K, M, G: 1024, 64K, 100M");
    }
  }
}
