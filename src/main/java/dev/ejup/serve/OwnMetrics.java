package dev.ejup.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The exporter's own series at /metrics, through Prometheus' Java client (its registry, JVM and
 * process collectors and text writer), named as blackbox_exporter names its own: probes by module
 * and result, their duration, in flight, config reloads, unknown modules; plus what ejup adds
 * (targets refused, probes turned away for want of a slot, docroot prunes).
 */
final class OwnMetrics {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter probes = Counter.builder().name("ejup_serve_probes_total")
      .help("Probes run, by module and result (success or failure).").labelNames("module", "result").register(registry);
  private final Histogram duration = Histogram.builder().name("ejup_serve_probe_duration_seconds")
      .help("Time a probe took, from the request to its answer.").labelNames("module").classicOnly()
      .classicUpperBounds(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60).register(registry);
  private final Gauge inFlight = Gauge.builder().name("ejup_serve_probes_in_flight").help("Probes running now, not yet answered (an answered probe may still hold one of the --max-concurrent slots while its connections close).").register(registry);
  private final Counter refused = Counter.builder().name("ejup_serve_targets_refused_total")
      .help("Probe requests for a target the module does not allow.").labelNames("module").register(registry);
  private final Counter overloaded = Counter.builder().name("ejup_serve_probes_overloaded_total")
      .help("Probe requests answered 503 because no slot came free before their deadline.").labelNames("module").register(registry);
  private final Counter unknownModule = Counter.builder().name("ejup_serve_module_unknown_total")
      .help("Probe requests naming a module the config does not have.").register(registry);
  private final Gauge reloadOk = Gauge.builder().name("ejup_serve_config_last_reload_successful")
      .help("1 when the last config load worked, 0 when it failed (the previous config stays).").register(registry);
  private final Gauge reloadTime = Gauge.builder().name("ejup_serve_config_last_reload_success_timestamp_seconds")
      .help("When the config was last loaded successfully, in seconds since the epoch.").register(registry);
  private final Counter reloads = Counter.builder().name("ejup_serve_config_reloads_total")
      .help("Config loads by result (success or failure).").labelNames("result").register(registry);
  private final Counter prunes = Counter.builder().name("ejup_serve_docroot_prunes_total")
      .help("Docroot prunes of old check files, by module and result (success or failure).").labelNames("module", "result").register(registry);

  OwnMetrics() {
    JvmMetrics.builder().register(registry);
  }

  void probed(String module, boolean success, double seconds) {
    probes.labelValues(module, success ? "success" : "failure").inc();
    duration.labelValues(module).observe(seconds);
  }

  void inFlight(int change) {
    inFlight.inc(change);
  }

  void refused(String module) {
    refused.labelValues(module).inc();
  }

  void overloaded(String module) {
    overloaded.labelValues(module).inc();
  }

  void unknownModule() {
    unknownModule.inc();
  }

  void reloaded(boolean ok) {
    reloadOk.set(ok ? 1 : 0);
    reloads.labelValues(ok ? "success" : "failure").inc();
    if (ok) {
      reloadTime.set(System.currentTimeMillis() / 1000.0);
    }
  }

  void pruned(String module, boolean ok) {
    prunes.labelValues(module, ok ? "success" : "failure").inc();
  }

  String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
