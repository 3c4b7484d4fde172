package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.ejup.model.HostPort;
import dev.ejup.model.UserError;
import dev.ejup.serve.Exporter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;

@Parameters(commandNames = "serve", commandDescription = "Run a Prometheus probe exporter: GET /probe?module=M&target=DOMAIN runs one check")
final class ServeCommand implements Command {
  @Parameter(names = "--config", description = "YAML file with modules (check options) and the targets each may probe", required = true)
  String config;

  @Parameter(names = "--listen", description = "HOST:PORT to listen on (default 127.0.0.1:9363; give 0.0.0.0:PORT or [::]:PORT to listen beyond this machine)")
  String listen = "127.0.0.1:9363";

  @Parameter(names = "--max-concurrent", description = "probes that may run at once; others wait for a slot until their deadline, then get 503")
  int maxConcurrent = 8;

  @Parameter(names = "--timeout-offset", converter = SecondsOption.NotNegative.class, description = "seconds taken off X-Prometheus-Scrape-Timeout-Seconds for the probe's deadline (as blackbox_exporter)")
  double timeoutOffset = 0.5;

  @Parameter(names = "--history-limit", description = "probes listed on the page at /")
  int historyLimit = 100;

  @Override
  public int run(Io io) throws Exception {
    HostPort at;
    try {
      at = HostPort.parse(listen);
    } catch (IllegalArgumentException e) {
      throw UserError.unusable("--listen '" + listen + "': " + e.getMessage(), "write HOST:PORT, e.g. 127.0.0.1:9363 or [::1]:9363");
    }
    if (at.port() == null) {
      throw UserError.unusable("--listen '" + listen + "' has no port", "write HOST:PORT, e.g. 127.0.0.1:9363");
    }
    Exporter exporter = new Exporter(new Exporter.Settings(Path.of(config), new InetSocketAddress(at.host(), at.port()),
        timeoutOffset, maxConcurrent, historyLimit), line -> log(io, line));
    // SIGHUP reloads, as for Prometheus and blackbox_exporter; SIGTERM and SIGINT stop
    sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> exporter.reload());
    if (before == sun.misc.SignalHandler.SIG_IGN) {
      // the JVM leaves a signal ignored at start ignored (nohup, some supervisors): say so, or a reload is lost unseen
      log(io, "msg=\"SIGHUP is ignored (started under nohup?): reload with POST /-/reload\"");
    }
    InetSocketAddress bound = exporter.start();
    log(io, "msg=\"listening\" address=" + HostPort.bracketed(bound.getHostString()) + ":" + bound.getPort() + " config=" + config);
    Thread stop = new Thread(exporter::stop, "ejup-serve-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    exporter.awaitStop();
    log(io, "msg=\"stopped\"");
    return 0;
  }

  private static void log(Io io, String line) {
    synchronized (io) {
      io.err().println("ts=" + Instant.now() + " " + line);
      io.err().flush();
    }
  }
}
