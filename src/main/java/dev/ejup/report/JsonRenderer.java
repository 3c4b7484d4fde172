package dev.ejup.report;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.util.List;
import java.util.Map;

/**
 * For scripts: always one object {@code {status, exit_code, reports: [...]}}, whether one target
 * or many, so a consumer never branches on shape. Field names are part of ejup's interface
 * (documented in README): add fields, never rename them.
 */
final class JsonRenderer implements Renderer {
  @Override
  public String render(List<Report> reports) {
    Status worst = Report.worst(reports);
    StringBuilder json = new StringBuilder();
    json.append("{\n  \"status\": ").append(Json.quote(worst.pluginLabel()))
        .append(",\n  \"exit_code\": ").append(worst.exitCode())
        .append(",\n  \"reports\": [");
    for (int i = 0; i < reports.size(); i++) {
      json.append(i == 0 ? "\n" : ",\n");
      report(json, reports.get(i));
    }
    json.append(reports.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
    return json.toString();
  }

  private static void report(StringBuilder json, Report report) {
    json.append("    {\n")
        .append("      \"kind\": ").append(Json.quote(report.kind())).append(",\n")
        .append("      \"target\": ").append(Json.quote(report.target())).append(",\n")
        .append("      \"status\": ").append(Json.quote(report.worst().pluginLabel())).append(",\n")
        .append("      \"exit_code\": ").append(report.worst().exitCode()).append(",\n")
        .append("      \"duration_seconds\": ").append(Seconds.of(report.total())).append(",\n")
        .append("      \"steps\": [");
    List<Step> steps = report.steps();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      json.append(i == 0 ? "\n" : ",\n")
          .append("        {\"name\": ").append(Json.quote(step.name()))
          .append(", \"status\": ").append(Json.quote(step.status().pluginLabel()))
          .append(", \"duration_seconds\": ").append(Seconds.of(step.duration()))
          .append(", \"detail\": ").append(Json.quote(step.detail()))
          .append(", \"hint\": ").append(Json.quote(step.hint())).append('}');
    }
    json.append(steps.isEmpty() ? "],\n" : "\n      ],\n").append("      \"metrics\": {");
    int i = 0;
    for (Map.Entry<String, Double> metric : report.metrics().entrySet()) {
      json.append(i++ == 0 ? "" : ", ").append(Json.quote(metric.getKey())).append(": ")
          .append(Double.isFinite(metric.getValue()) ? Seconds.number(metric.getValue()) : "null");
    }
    json.append("}\n    }");
  }
}
