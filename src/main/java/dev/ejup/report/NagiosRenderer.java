package dev.ejup.report;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.util.List;
import java.util.Locale;

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
        .append(summary(reports)).append(" |");
    boolean fleet = reports.size() > 1;
    for (Report report : reports) {
      String prefix = fleet ? report.target() + " " : "";
      for (Step step : report.steps()) {
        out.append(' ').append(label(prefix + step.name())).append('=').append(Seconds.of(step.duration())).append("s;;;0");
      }
      out.append(' ').append(label(prefix + "total")).append('=').append(Seconds.of(report.total()))
          .append("s;").append(threshold(warning)).append(';').append(threshold(critical)).append(";0");
      report.metrics().forEach((name, value) ->
          out.append(' ').append(label(prefix + name)).append('=').append(Seconds.number(value))
              .append(name.endsWith("_bytes") ? "B" : "").append(";;;"));
    }
    out.append('\n');
    for (Report report : reports) {
      for (Step step : report.steps()) {
        out.append(step.status().pluginLabel()).append(": ")
            .append(fleet ? report.target() + " " : "").append(step.name()).append(" ")
            .append(Seconds.of(step.duration())).append("s ").append(step.detail());
        if (step.hasHint() && step.status() != Status.OK) {
          out.append(" (hint: ").append(step.hint()).append(')');
        }
        out.append('\n');
      }
    }
    return out.toString();
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
    return "'" + name.replace("'", "''").replace('=', '_') + "'";
  }

  private static String threshold(Double seconds) {
    return seconds == null ? "" : Seconds.of(seconds);
  }
}
