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

  /** The worst status of all steps; OK for a report without steps. */
  public Status worst() {
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

  /** The first step with the worst status: the one a one-line summary should name. */
  public Step firstWorst() {
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

  /** The worst status over several reports (a fleet); OK for none. */
  public static Status worst(List<Report> reports) {
    Status worst = Status.OK;
    for (Report report : reports) {
      worst = worst.worse(report.worst());
    }
    return worst;
  }
}
