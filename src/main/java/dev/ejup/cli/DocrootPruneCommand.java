package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.ejup.docroot.Docroot;
import dev.ejup.model.UserError;
import java.time.Duration;

@Parameters(commandNames = "prune", commandDescription = "Remove the files ejup check uploaded (ejup-check-*) once they are old enough")
final class DocrootPruneCommand implements Command {
  @ParametersDelegate
  DocrootOptions options = new DocrootOptions();

  @Parameter(names = "--older-than", description = "age: 30m, 1h, 2d (default 1h)")
  String olderThan = "1h";

  @Parameter(names = "--match", description = "file name pattern (default: the names ejup check gives its files)")
  String match = "ejup-check-*";

  @Parameter(names = "--dry-run", description = "count what would be removed; remove nothing")
  boolean dryRun;

  @Override
  public int run(Io io) {
    Duration age = age(olderThan);
    return options.run(io, dryRun, (shell, o) -> Docroot.prune(shell, o, match, age));
  }

  static Duration age(String text) {
    String t = text.trim();
    try {
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw UserError.unusable("--older-than " + text + " is not an age", "write e.g. 30m, 1h or 2d");
    }
  }
}
