package dev.ejup.report;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Monitoring Plugins output: one status line, perfdata after '|', then the steps as long
 * output. See https://www.monitoring-plugins.org/doc/guidelines.html#AEN200. Each step's
 * duration is a perfdata value in seconds; the total carries the --warning/--critical thresholds.
 */
final class NagiosRenderer implements Renderer {
  private final Double warning;
  private final Double critical;

  NagiosRenderer(Double warning, Double critical) {
    this.warning = warning;
    this.critical = critical;
  }

  @Override
  public String render(List<Report> reports) {
    Status worst = Report.worst(reports);
    String service = "EJUP " + (reports.isEmpty() ? "" : reports.get(0).kind().toUpperCase(Locale.ROOT) + " ");
    StringBuilder out = new StringBuilder(service).append(worst.pluginLabel()).append(" - ")
        .append(text(summary(reports)));
    StringBuilder perf = new StringBuilder();
    boolean fleet = reports.size() > 1;
    // a grapher keeps one value per label: steps of one name are one value, a target twice is one
    Set<String> labels = new HashSet<>();
    for (Report report : Series.byTarget(reports)) {
      String prefix = fleet ? report.target() + " " : "";
      for (Step step : Series.byName(report.steps())) {
        perfdata(perf, labels, prefix + step.name(), Seconds.of(step.duration()) + "s;;;0");
      }
      perfdata(perf, labels, prefix + "total", Seconds.of(report.total()) + "s;" + threshold(warning) + ';' + threshold(critical) + ";0");
      report.metrics().forEach((name, value) -> perfdata(perf, labels, prefix + name,
          (Double.isFinite(value) ? Seconds.number(value) + (name.endsWith("_bytes") ? "B" : "") : "U") + ";;;"));
    }
    out.append(perf.isEmpty() ? "" : " |").append(perf).append('\n');
    for (Report report : reports) {
      for (Step step : report.steps()) {
        StringBuilder line = new StringBuilder(step.status().pluginLabel()).append(": ")
            .append(fleet ? report.target() + " " : "").append(step.name()).append(" ")
            .append(Seconds.of(step.duration())).append("s ").append(step.detail());
        if (step.hasHint() && step.status() != Status.OK) {
          line.append(" (hint: ").append(step.hint()).append(')');
        }
        out.append(text(line.toString())).append('\n');
      }
    }
    return out.toString();
  }

  private static void perfdata(StringBuilder out, Set<String> labels, String label, String rest) {
    String quoted = label(label);
    if (labels.add(quoted)) {
      out.append(' ').append(quoted).append('=').append(rest);
    }
  }

  private static final java.util.regex.Pattern LINE_BREAK = java.util.regex.Pattern.compile("\\s*\\R\\s*");

  /**
   * Free text as one line without '|': Nagios reads perfdata from the first '|' on the status
   * line and on every long-output line, so a '|' in a message would turn the rest into garbage
   * perfdata.
   */
  private static String text(String line) {
    return LINE_BREAK.matcher(line.replace('|', '\u00a6')).replaceAll(" ");
  }

  private static String summary(List<Report> reports) {
    if (reports.size() == 1) {
      Report report = reports.get(0);
      Step culprit = report.firstWorst();
      String target = report.target().isEmpty() ? "" : report.target() + ": ";
      if (report.worst() == Status.OK || culprit == null) {
        return target + report.steps().size() + " steps OK in " + Seconds.of(report.total()) + "s";
      }
      return target + culprit.name() + ": " + culprit.detail();
    }
    long bad = reports.stream().filter(r -> r.worst() != Status.OK).count();
    StringBuilder text = new StringBuilder(bad + " of " + reports.size() + " targets not OK");
    for (Report report : reports) {
      if (report.worst() != Status.OK) {
        text.append("; ").append(report.target()).append(' ').append(report.worst().pluginLabel());
      }
    }
    return text.toString();
  }

  /** Perfdata labels are single-quoted; a quote inside is doubled, '=' is not allowed. */
  private static String label(String name) {
    return "'" + name.replace("'", "''").replace('=', '_').replace('|', '\u00a6') + "'";
  }

  private static String threshold(Double seconds) {
    return seconds == null ? "" : Seconds.of(seconds);
  }
}
