package dev.ejup.cli;

import dev.ejup.model.Status;
import dev.ejup.report.Json;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The verdict of a run that ended before any report existed (no password, an unreadable file, a
 * usage error), for the readers of --format nagios and json: Nagios shows "(No output)" for an
 * empty stdout, and a JSON consumer fails to parse it. The stderr line stays as it is; this adds the
 * same words on stdout, in the shape bin/ejup prints when it cannot start ejup at all ('|' becomes
 * '\u00a6' as in NagiosRenderer: after it, Nagios would read perfdata).
 */
public final class NotRun {
  private NotRun() {}

  /**
   * Prints, on {@code out}, one "EJUP UNKNOWN - message" line for --format nagios or one
   * {@code {status, exit_code, message, reports: []}} object for json; nothing for other formats
   * or with --output (the report's reader then reads the file, not stdout).
   *
   * @param args the command line as given (the --format is read from it: parsing may have failed)
   * @param exitCode the run's exit code, which names the status (3 UNKNOWN, 2 CRITICAL)
   */
  public static void render(PrintWriter out, List<String> args, int exitCode, String message) {
    String format = null;
    boolean output = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--format") && i + 1 < args.size()) {
        format = args.get(i + 1);
      } else if (arg.startsWith("--format=")) {
        format = arg.substring("--format=".length());
      } else if (arg.equals("--output") || arg.startsWith("--output=")) {
        output = true;
      }
    }
    if (format == null || output) {
      return;
    }
    Status status = Arrays.stream(Status.values()).filter(s -> s.exitCode() == exitCode).findFirst().orElse(Status.UNKNOWN);
    switch (format.trim().toLowerCase(Locale.ROOT)) {
      case "nagios" -> out.println("EJUP " + status.pluginLabel() + " - " + message.replace('|', '\u00a6'));
      case "json" -> out.println("{\"status\": " + Json.quote(status.pluginLabel()) + ", \"exit_code\": " + status.exitCode()
          + ", \"message\": " + Json.quote(message) + ", \"reports\": []}");
      default -> {
        // text, prometheus and junit readers get the stderr line only, as before
      }
    }
  }
}
