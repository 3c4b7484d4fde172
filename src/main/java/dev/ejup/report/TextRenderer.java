package dev.ejup.report;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.util.List;

/**
 * For a person at a terminal: a headline with the verdict, then one line per step (status,
 * duration, name, detail) with the hint under any step that is not OK. Several targets get a
 * summary table at the end.
 */
final class TextRenderer implements Renderer {
  private final boolean color;

  TextRenderer(boolean color) {
    this.color = color;
  }

  @Override
  public String render(List<Report> reports) {
    if (reports.isEmpty()) {
      return "UNKNOWN: nothing ran, so there is no verdict\n";
    }
    StringBuilder text = new StringBuilder();
    for (Report report : reports) {
      if (text.length() > 0) {
        text.append('\n');
      }
      section(text, report);
    }
    if (reports.size() > 1) {
      summary(text, reports);
    }
    return text.toString();
  }

  private void section(StringBuilder text, Report report) {
    text.append(headline(report)).append('\n');
    int width = 4;
    for (Step step : report.steps()) {
      width = Math.max(width, step.name().length());
    }
    for (Step step : report.steps()) {
      text.append("  ").append(label(step.status())).append(' ')
          .append(padLeft(Seconds.of(step.duration()), 8)).append('s').append("  ")
          .append(pad(step.name(), width)).append("  ").append(step.detail()).append('\n');
      if (step.hasHint() && step.status() != Status.OK) {
        text.append("  ").append(" ".repeat(8 + 1 + 9 + 2)).append("hint: ").append(step.hint()).append('\n');
      }
    }
  }

  private static String headline(Report report) {
    String subject = report.target().isEmpty() ? report.kind() : report.kind() + " " + report.target();
    Status worst = report.worst();
    String verdict = subject + ": " + worst.pluginLabel() + " in " + Seconds.of(report.total()) + "s";
    Step culprit = report.firstWorst();
    if (worst != Status.OK && culprit != null) {
      verdict += " (" + culprit.name() + ": " + culprit.detail() + ")";
    }
    return verdict;
  }

  private void summary(StringBuilder text, List<Report> reports) {
    int width = 6;
    for (Report report : reports) {
      width = Math.max(width, report.target().length());
    }
    text.append("\nSummary: ").append(Report.worst(reports).pluginLabel()).append('\n');
    for (Report report : reports) {
      Step culprit = report.firstWorst();
      String why = report.worst() == Status.OK || culprit == null ? "" : culprit.name() + ": " + culprit.detail();
      text.append("  ").append(label(report.worst())).append(' ')
          .append(padLeft(Seconds.of(report.total()), 8)).append('s').append("  ")
          .append(why.isEmpty() ? report.target() : pad(report.target(), width) + "  " + why).append('\n');
    }
  }

  private String label(Status status) {
    String word = pad(status.pluginLabel(), 8);
    if (!color) {
      return word;
    }
    String code = switch (status) {
      case OK -> "32";
      case WARN -> "33";
      case CRIT -> "31";
      case UNKNOWN -> "35";
    };
    return "\u001b[" + code + "m" + word + "\u001b[0m";
  }

  /** As String.format's %8s, without the Formatter: a cold run's report is the first thing to use it. */
  private static String padLeft(String text, int width) {
    return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text : text + " ".repeat(width - text.length());
  }
}
