package dev.ejup.report;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * node_exporter textfile-collector format. Metric names start with {@code ejup_<kind>_}; a
 * report's own metrics (e.g. {@code upload_max_file_size_bytes}) are exported as
 * {@code ejup_<name>}. Every series carries the target as a label so a fleet is one file.
 * Every series is unique, as Prometheus requires of a file: steps of one name are one series
 * (worst status, summed time; `docroot fix` has a step per command), reports of one kind and
 * target one report, and should two names still meet after sanitizing, the first value stays.
 */
final class PrometheusRenderer implements Renderer {
  @Override
  public String render(List<Report> reports) {
    Map<String, Family> families = new LinkedHashMap<>();
    for (Report report : Series.byTarget(reports)) {
      String kind = sanitize(report.kind().isEmpty() ? "run" : report.kind());
      String target = "target=" + value(report.target());
      Status worst = report.worst();
      family(families, "ejup_" + kind + "_success",
          "1 when the " + kind + " passed (OK or WARNING), 0 when it did not.")
          .add("{" + target + "}", worst == Status.OK || worst == Status.WARN ? "1" : "0");
      family(families, "ejup_" + kind + "_status",
          "Monitoring Plugins status of the " + kind + ": 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
          .add("{" + target + "}", Integer.toString(worst.exitCode()));
      family(families, "ejup_" + kind + "_duration_seconds", "Total time of the " + kind + ".")
          .add("{" + target + "}", Seconds.of(report.total()));
      for (Step step : Series.byName(report.steps())) {
        String labels = "{" + target + ",step=" + value(step.name()) + "}";
        family(families, "ejup_" + kind + "_step_seconds", "Time each step of the " + kind + " took (all steps of that name together).")
            .add(labels, Seconds.of(step.duration()));
        family(families, "ejup_" + kind + "_step_status",
            "Status of each step of the " + kind + " (the worst of that name): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
            .add(labels, Integer.toString(step.status().exitCode()));
      }
      report.metrics().forEach((name, value) ->
          family(families, "ejup_" + sanitize(name), "Reported by the " + kind + ".")
              .add("{" + target + "}", Seconds.number(value)));
    }
    StringBuilder out = new StringBuilder();
    for (Family family : families.values()) {
      out.append("# HELP ").append(family.name).append(' ').append(family.help).append('\n')
          .append("# TYPE ").append(family.name).append(" gauge\n");
      family.samples.forEach((labels, value) -> out.append(family.name).append(labels).append(' ').append(value).append('\n'));
    }
    return out.toString();
  }

  private static Family family(Map<String, Family> families, String name, String help) {
    return families.computeIfAbsent(name, n -> new Family(n, help));
  }

  private static String sanitize(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  private static String value(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static final class Family {
    final String name;
    final String help;
    final Map<String, String> samples = new LinkedHashMap<>();

    Family(String name, String help) {
      this.name = name;
      this.help = help;
    }

    void add(String labels, String value) {
      samples.putIfAbsent(labels, value);
    }
  }
}
