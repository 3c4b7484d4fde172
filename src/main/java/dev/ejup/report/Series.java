package dev.ejup.report;

import dev.ejup.model.Report;
import dev.ejup.model.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the metric formats need to keep their series unique: Prometheus rejects a whole file that
 * has one series twice, and Nagios graphers keep one value per perfdata label. A report may hold
 * several steps of one name (`docroot fix` has one per command), and a fleet the same target
 * twice; here they become one series each, in the order they first appear.
 */
final class Series {
  private Series() {}

  /**
   * One step per name: the worst status of the steps of that name, their durations summed,
   * details joined (for formats that show them).
   */
  static List<Step> byName(List<Step> steps) {
    Map<String, Step> merged = new LinkedHashMap<>();
    for (Step step : steps) {
      merged.merge(step.name(), step, (a, b) -> new Step(a.name(), a.status().worse(b.status()),
          a.duration().plus(b.duration()), a.detail() + "; " + b.detail(), a.hasHint() ? a.hint() : b.hint()));
    }
    return new ArrayList<>(merged.values());
  }

  /**
   * One report per kind and target: the steps of reports that share both run together, and the
   * first report's value wins for a metric both carry.
   */
  static List<Report> byTarget(List<Report> reports) {
    Map<List<String>, Report> merged = new LinkedHashMap<>();
    for (Report report : reports) {
      merged.merge(List.of(report.kind(), report.target()), report, (a, b) -> {
        List<Step> steps = new ArrayList<>(a.steps());
        steps.addAll(b.steps());
        Map<String, Double> metrics = new LinkedHashMap<>(a.metrics());
        b.metrics().forEach(metrics::putIfAbsent);
        return new Report(a.kind(), a.target(), steps, metrics);
      });
    }
    return new ArrayList<>(merged.values());
  }
}
