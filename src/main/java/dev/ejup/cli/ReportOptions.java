package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import dev.ejup.model.Report;
import dev.ejup.report.Format;
import dev.ejup.report.RenderOptions;
import dev.ejup.report.Renderers;
import java.nio.file.Path;
import java.util.List;

/** --format, --output, --warning, --critical: how every reporting command shows its result. */
final class ReportOptions {
  @Parameter(names = "--format", description = "text, json, nagios, prometheus or junit")
  String format = "text";

  @Parameter(names = "--output", description = "write the report to this file atomically (e.g. for node_exporter's textfile collector)")
  String output;

  @Parameter(names = "--warning", description = "total seconds above which the result is WARNING")
  Double warning;

  @Parameter(names = "--critical", description = "total seconds above which the result is CRITICAL")
  Double critical;

  Report judge(Report report) {
    return report.withTimeThresholds(warning, critical);
  }

  /** Renders, writes to --output or stdout, and returns the exit code of the worst report. */
  int emit(Io io, List<Report> reports) {
    Format chosen = Format.parse(format);
    String text = Renderers.of(chosen, new RenderOptions(warning, critical, io.terminal() && output == null && chosen == Format.TEXT))
        .render(reports);
    if (output != null) {
      OutputFile.write(Path.of(output), text);
    } else {
      io.out().print(text);
    }
    return Report.worst(reports).exitCode();
  }
}
