package dev.ejup.report;

import dev.ejup.model.Diagnostic;
import dev.ejup.model.Severity;
import dev.ejup.model.Status;
import java.util.List;

/** Findings about a file: compiler-style text for people, an object with a list for scripts. */
public final class DiagnosticsRenderer {
  private DiagnosticsRenderer() {}

  public static Status status(List<Diagnostic> diagnostics) {
    Status worst = Status.OK;
    for (Diagnostic d : diagnostics) {
      worst = worst.worse(d.severity().status());
    }
    return worst;
  }

  public static String summary(String file, List<Diagnostic> diagnostics) {
    long errors = diagnostics.stream().filter(d -> d.severity() == Severity.ERROR).count();
    long warnings = diagnostics.stream().filter(d -> d.severity() == Severity.WARNING).count();
    if (errors == 0 && warnings == 0) {
      long notes = diagnostics.size();
      return file + ": OK, no problems found" + (notes == 0 ? "" : " (" + notes + (notes == 1 ? " note)" : " notes)"));
    }
    return file + ": " + errors + (errors == 1 ? " error, " : " errors, ") + warnings + (warnings == 1 ? " warning" : " warnings");
  }

  public static String text(String file, List<Diagnostic> diagnostics) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic d : diagnostics) {
      out.append(d.format()).append('\n');
    }
    return out.append(summary(file, diagnostics)).append('\n').toString();
  }

  public static String json(String file, List<Diagnostic> diagnostics) {
    Status status = status(diagnostics);
    StringBuilder out = new StringBuilder("{\n  \"file\": ").append(Json.quote(file))
        .append(",\n  \"status\": ").append(Json.quote(status.pluginLabel()))
        .append(",\n  \"exit_code\": ").append(status.exitCode())
        .append(",\n  \"diagnostics\": [");
    for (int i = 0; i < diagnostics.size(); i++) {
      Diagnostic d = diagnostics.get(i);
      out.append(i == 0 ? "\n" : ",\n").append("    {\"file\": ").append(Json.quote(d.file()))
          .append(", \"line\": ").append(d.line()).append(", \"column\": ").append(d.column())
          .append(", \"severity\": ").append(Json.quote(d.severity().label()))
          .append(", \"rule\": ").append(Json.quote(d.rule()))
          .append(", \"message\": ").append(Json.quote(d.message()))
          .append(", \"hint\": ").append(Json.quote(d.hint())).append('}');
    }
    return out.append(diagnostics.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
  }
}
