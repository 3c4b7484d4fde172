package dev.ejup.report;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.util.List;

/**
 * JUnit XML as CI servers (Jenkins, GitLab, GitHub Actions reporters) read it: a test suite per
 * target, a test case per step. CRITICAL is a failure, UNKNOWN an error (the check itself could
 * not run), WARNING passes with the warning in system-out so a pipeline stays green but shows it.
 */
final class JunitRenderer implements Renderer {
  @Override
  public String render(List<Report> reports) {
    int tests = 0;
    int failures = 0;
    int errors = 0;
    StringBuilder suites = new StringBuilder();
    for (Report report : reports) {
      int suiteFailures = count(report, Status.CRIT);
      int suiteErrors = count(report, Status.UNKNOWN);
      tests += report.steps().size();
      failures += suiteFailures;
      errors += suiteErrors;
      String suiteName = report.target().isEmpty() ? report.kind() : report.kind() + " " + report.target();
      suites.append("  <testsuite name=").append(attr(suiteName))
          .append(" tests=\"").append(report.steps().size())
          .append("\" failures=\"").append(suiteFailures)
          .append("\" errors=\"").append(suiteErrors)
          .append("\" skipped=\"0\" time=\"").append(Seconds.of(report.total())).append("\">\n");
      String className = "ejup." + report.kind() + (report.target().isEmpty() ? "" : "." + report.target());
      for (Step step : report.steps()) {
        suites.append("    <testcase classname=").append(attr(className))
            .append(" name=").append(attr(step.name()))
            .append(" time=\"").append(Seconds.of(step.duration())).append('"');
        String body = step.hasHint() ? step.detail() + "\nhint: " + step.hint() : step.detail();
        switch (step.status()) {
          case OK -> suites.append("/>\n");
          case WARN -> suites.append(">\n      <system-out>").append(text("WARNING: " + body))
              .append("</system-out>\n    </testcase>\n");
          case CRIT -> suites.append(">\n      <failure message=").append(attr(step.detail()))
              .append(" type=\"CRITICAL\">").append(text(body)).append("</failure>\n    </testcase>\n");
          case UNKNOWN -> suites.append(">\n      <error message=").append(attr(step.detail()))
              .append(" type=\"UNKNOWN\">").append(text(body)).append("</error>\n    </testcase>\n");
        }
      }
      suites.append("  </testsuite>\n");
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<testsuites name=\"ejup\" tests=\"" + tests + "\" failures=\"" + failures
        + "\" errors=\"" + errors + "\">\n" + suites + "</testsuites>\n";
  }

  private static int count(Report report, Status status) {
    return (int) report.steps().stream().filter(s -> s.status() == status).count();
  }

  private static String attr(String value) {
    return "\"" + text(value).replace("\"", "&quot;").replace("\n", "&#10;") + "\"";
  }

  /** XML 1.0 cannot carry most control characters at all, so they are dropped. */
  private static String text(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
