package dev.ejup.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one run against one target: ordered steps plus numeric facts found on the way
 * (e.g. {@code max_file_size_bytes}) that monitoring wants as metrics.
 *
 * @param kind what produced it: "check", "docroot", "playbook:setup"... (used as a title)
 * @param target what it ran against (a domain, user@host...), empty when not applicable
 */
public record Report(String kind, String target, List<Step> steps, Map<String, Double> metrics) {
  public Report {
    kind = kind == null ? "" : kind;
    target = target == null ? "" : target;
    steps = List.copyOf(steps);
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  public Report(String kind, String target, List<Step> steps) {
    this(kind, target, steps, Map.of());
  }

  /**
   * The worst status of all steps. OK has to be earned: a report without steps is UNKNOWN (a check
   * that could not run, or whose worker died before it recorded anything, has proved nothing).
   */
  public Status worst() {
    if (steps.isEmpty()) {
      return Status.UNKNOWN;
    }
    Status worst = Status.OK;
    for (Step step : steps) {
      worst = worst.worse(step.status());
    }
    return worst;
  }

  public Duration total() {
    Duration total = Duration.ZERO;
    for (Step step : steps) {
      total = total.plus(step.duration());
    }
    return total;
  }

  /**
   * The first step with the worst status: the one a one-line summary should name. A report without
   * steps gets one that says so, so a caller never has nothing to name.
   */
  public Step firstWorst() {
    if (steps.isEmpty()) {
      return new Step("report", Status.UNKNOWN, Duration.ZERO, "no step ran", "");
    }
    Status worst = worst();
    for (Step step : steps) {
      if (step.status() == worst) {
        return step;
      }
    }
    return null;
  }

  public Report with(Step step) {
    List<Step> more = new ArrayList<>(steps);
    more.add(step);
    return new Report(kind, target, more, metrics);
  }

  /**
   * Adds a "total-time" step judged against Monitoring-Plugins style thresholds (seconds), when
   * any is given: over critical is CRITICAL, over warning is WARNING.
   */
  public Report withTimeThresholds(Double warningSeconds, Double criticalSeconds) {
    if (warningSeconds == null && criticalSeconds == null) {
      return this;
    }
    double seconds = total().toNanos() / 1e9;
    Status status = criticalSeconds != null && seconds > criticalSeconds ? Status.CRIT
        : warningSeconds != null && seconds > warningSeconds ? Status.WARN : Status.OK;
    String limits = (warningSeconds == null ? "" : "warning above " + plain(warningSeconds) + "s")
        + (warningSeconds != null && criticalSeconds != null ? ", " : "")
        + (criticalSeconds == null ? "" : "critical above " + plain(criticalSeconds) + "s");
    String detail = String.format(java.util.Locale.ROOT, "%.3fs in all (%s)", seconds, limits);
    return with(new Step("total-time", status, Duration.ZERO, detail,
        status == Status.OK ? "" : "the server is slow: check its load, disk and network"));
  }

  /** A threshold as it was given, never in scientific notation (Double's "1.0E-4") nor with a ".0" of its own: 0.0001, 30. */
  private static String plain(double seconds) {
    return java.math.BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString();
  }

  /** The worst status over several reports (a fleet); UNKNOWN for none (no target was checked). */
  public static Status worst(List<Report> reports) {
    if (reports.isEmpty()) {
      return Status.UNKNOWN;
    }
    Status worst = Status.OK;
    for (Report report : reports) {
      worst = worst.worse(report.worst());
    }
    return worst;
  }
}
