package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import dev.ejup.model.Report;
import dev.ejup.model.UserError;
import dev.ejup.report.Format;
import dev.ejup.report.RenderOptions;
import dev.ejup.report.Renderers;
import java.nio.file.Path;
import java.util.List;

/** --format, --output, --warning, --critical: how every reporting command shows its result. */
final class ReportOptions {
  @Parameter(names = "--format", description = "text, json, nagios, prometheus or junit")
  String format = "text";

  @Parameter(names = "--output", description = "write the report to this file atomically (e.g. for node_exporter's textfile collector); - is standard output")
  String output;

  @Parameter(names = "--warning", description = "total seconds above which the result is WARNING")
  Double warning;

  @Parameter(names = "--critical", description = "total seconds above which the result is CRITICAL")
  Double critical;

  /**
   * Refuses what no report could be rendered with, before anything runs: an unknown --format, a
   * threshold that is not a positive number of seconds, --warning above --critical, an --output
   * that cannot be written.
   *
   * @throws UserError (exit 3)
   */
  void validate() {
    Format.parse(format);
    Path file = file();
    if (file != null) {
      OutputFile.requireWritable(file);
    }
    for (var threshold : java.util.Map.of("--warning", java.util.Optional.ofNullable(warning),
        "--critical", java.util.Optional.ofNullable(critical)).entrySet()) {
      double seconds = threshold.getValue().orElse(1.0);
      if (!(seconds > 0) || Double.isInfinite(seconds)) {
        throw UserError.unusable(threshold.getKey() + " " + asTyped(threshold.getValue().get()) + " is not a positive number of seconds",
            "e.g. --warning 5 --critical 10");
      }
    }
    if (warning != null && critical != null && warning > critical) {
      throw UserError.unusable("--warning " + asTyped(warning) + " is above --critical " + asTyped(critical)
          + ": the result would be CRITICAL before it is ever WARNING", "give --warning a value up to --critical, e.g. --warning 5 --critical 10");
    }
  }

  private static String asTyped(double seconds) {
    return Double.isFinite(seconds) ? java.math.BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString() : String.valueOf(seconds);
  }

  /** The file --output names, or null for standard output (no --output, or -). */
  private Path file() {
    return output == null || output.equals("-") ? null : OutputFile.path(output);
  }

  Report judge(Report report) {
    return report.withTimeThresholds(warning, critical);
  }

  /** Renders, writes to --output or stdout, and returns the exit code of the worst report. */
  int emit(Io io, List<Report> reports) {
    Format chosen = Format.parse(format);
    Path file = file();
    String text = Renderers.of(chosen, new RenderOptions(warning, critical, io.terminal() && file == null && chosen == Format.TEXT))
        .render(reports);
    if (file != null) {
      OutputFile.write(file, text);
    } else {
      io.out().print(text);
    }
    if (dev.ejup.upload.tuning.StartUpCache.learning()) {
      // the cache made from this run serves every later one, whatever its --format (Nagios' runs as a
      // user who cannot write the cache use the base one, trained with json): every renderer goes in,
      // rendered once and thrown away after the real output; a renderer left out cost ~40 ms cold
      io.out().flush();
      for (Format other : Format.values()) {
        Renderers.of(other, new RenderOptions(warning, critical, false)).render(reports);
      }
    }
    return Report.worst(reports).exitCode();
  }
}
