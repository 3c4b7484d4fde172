package dev.ejup.cli;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import dev.ejup.report.Format;
import dev.ejup.report.Json;
import dev.ejup.report.RenderOptions;
import dev.ejup.report.Renderers;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The verdict of a run that ended before any report existed (no password, an unreadable file, a
 * usage error, a playbook with problems), for the readers of the monitoring formats: Nagios shows
 * "(No output)" for an empty stdout, a JSON consumer fails to parse it, and a file that --output
 * names kept the last run's report, so node_exporter went on serving {@code ejup_check_success 1}
 * from a run that did not happen. The stderr line stays as it is; this says the same on stdout or
 * in the --output file, in the format asked: for nagios and json in the shape bin/ejup prints when
 * it cannot start ejup at all ('|' becomes '\u00a6' as in NagiosRenderer: after it, Nagios would
 * read perfdata), for the others as a report of one step named {@code start}, so the series are
 * the ones a run writes. Text goes to the --output file only (on a terminal the stderr line says it).
 */
public final class NotRun {
  private NotRun() {}

  /**
   * For a run that ended on a {@link UserError} or an internal error: the command line is read as
   * given, since parsing it may be what failed. Commands that write no report (config, serve,
   * version) get nothing.
   *
   * @param args the command line as given (the command, --format, --output and what names the target)
   * @param exitCode the run's exit code, which names the status (3 UNKNOWN, 2 CRITICAL)
   */
  public static void render(PrintWriter out, List<String> args, int exitCode, String message) {
    String command = args.isEmpty() ? "" : args.get(0);
    String kind;
    String target;
    switch (command) {
      case "check" -> {
        kind = "check";
        String jid = value(args, "--jid");
        target = jid == null ? "" : dev.ejup.upload.CheckOptions.domainOf(jid);
      }
      case "play" -> {
        kind = "playbook:" + dev.ejup.playbook.Play.name(java.nio.file.Path.of(playbook(args)));
        // with an inventory, the targets are not known here
        target = value(args, "-i") != null || value(args, "--inventory") != null ? "" : dev.ejup.playbook.Play.targetName(extras(args));
      }
      case "docroot" -> {
        kind = "docroot";
        target = value(args, "--ssh") == null ? "localhost" : value(args, "--ssh");
      }
      default -> {
        return;
      }
    }
    Status status = Arrays.stream(Status.values()).filter(s -> s.exitCode() == exitCode).findFirst().orElse(Status.UNKNOWN);
    render(out, value(args, "--format"), value(args, "--output"), status, message,
        List.of(new Report(kind, target, List.of(Step.of("start", status, Duration.ZERO, message, "")))));
  }

  /**
   * Writes the not-run verdict to the --output file when one is named, else to {@code out} unless
   * the format is text.
   *
   * @param format --format as given (null: text); one that is no format gets nothing
   * @param output --output as given (null or "-": standard output); a file that cannot be written
   *     is left as it is (the stderr line already says why the run ended)
   * @param reports the reports, each of one step saying why nothing ran, for the formats that render reports
   */
  static void render(PrintWriter out, String format, String output, Status status, String message, List<Report> reports) {
    Format chosen;
    try {
      chosen = Format.parse(format == null ? "text" : format);
    } catch (UserError e) {
      return;
    }
    boolean toFile = output != null && !output.equals("-");
    String text = switch (chosen) {
      case NAGIOS -> "EJUP " + status.pluginLabel() + " - " + message.replace('|', '\u00a6') + "\n";
      case JSON -> "{\"status\": " + Json.quote(status.pluginLabel()) + ", \"exit_code\": " + status.exitCode()
          + ", \"message\": " + Json.quote(message) + ", \"reports\": []}\n";
      default -> Renderers.of(chosen, new RenderOptions(null, null, false)).render(reports);
    };
    if (toFile) {
      try {
        OutputFile.write(OutputFile.path(output), text);
      } catch (RuntimeException e) {
        // a UserError among them: the --output that cannot be written may be why the run ended; the stderr line stands
      }
    } else if (chosen != Format.TEXT) {
      out.print(text);
    }
  }

  /**
   * Answers a signal that comes before the command installs its own answer ({@link Interruption};
   * the JVM's first few hundred milliseconds: arguments, the password): the run's UNKNOWN, said as
   * {@link #render} says it (in --output, or on stdout for the monitoring formats), with one line
   * on stderr and exit 3, instead of the JVM's silent 143 that left --output with the last run's report.
   *
   * Only for check and play, the commands that answer signals with their report from there on:
   * the others (serve above all, which stops on SIGTERM through a shutdown hook of its own) keep
   * the JVM's way.
   *
   * @param args the command line as given
   */
  public static void beforeTheRun(PrintWriter out, PrintWriter err, List<String> args) {
    if (args.isEmpty() || !(args.get(0).equals("check") || args.get(0).equals("play"))) {
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (!Interruption.ANSWER.compareAndSet(Interruption.BEFORE, Interruption.EARLY)) {
        return; // the command answers
      }
      String why = "stopped by a signal (SIGTERM or SIGINT) before the run started";
      err.println("ejup: " + why + " (hint: " + Interruption.HINT + ")");
      render(out, args, Status.UNKNOWN.exitCode(), why);
      out.flush();
      err.flush();
      Runtime.getRuntime().halt(Status.UNKNOWN.exitCode());
    }, "ejup-signal-early"));
  }

  /** The value of an option as jcommander would take it (--name VALUE or --name=VALUE), the last one given; null when absent. */
  private static String value(List<String> args, String name) {
    String found = null;
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals(name) && i + 1 < args.size()) {
        found = args.get(++i);
      } else if (arg.startsWith(name + "=")) {
        found = arg.substring(name.length() + 1);
      }
    }
    return found;
  }

  /** Play's flags, the options of it that take no value: every other option's next word is its value. */
  private static final java.util.Set<String> PLAY_FLAGS = java.util.Set.of("-C", "--dry-run", "--check", "--debug", "--help", "-h");

  /** The first word of a play's command line that is neither an option nor an option's value; "" for none. */
  private static String playbook(List<String> args) {
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        return i + 1 < args.size() ? args.get(i + 1) : "";
      }
      if (!arg.startsWith("-")) {
        return arg;
      }
      if (!arg.contains("=") && !PLAY_FLAGS.contains(arg)) {
        i++;
      }
    }
    return "";
  }

  /** The {@code -e KEY=VALUE} pairs, the last one of a key winning; one without '=' is left out. */
  private static java.util.Map<String, String> extras(List<String> args) {
    java.util.Map<String, String> found = new java.util.HashMap<>();
    for (int i = 1; i + 1 < args.size(); i++) {
      String pair = args.get(i + 1);
      if ((args.get(i).equals("-e") || args.get(i).equals("--extra-vars")) && pair.indexOf('=') > 0) {
        found.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
    }
    return found;
  }

}
