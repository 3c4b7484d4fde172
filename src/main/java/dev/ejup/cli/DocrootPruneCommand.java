package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.ejup.docroot.Docroot;
import java.time.Duration;

@Parameters(commandNames = "prune", commandDescription = "Remove the files ejup check uploaded (ejup-check-*) once they are old enough")
final class DocrootPruneCommand implements Command {
  @ParametersDelegate
  DocrootOptions options = new DocrootOptions();

  @Parameter(names = "--older-than", description = "age: 30m, 1h, 2d (default 1h)")
  String olderThan = "1h";

  @Parameter(names = "--match", description = "file name pattern (default: the names ejup check gives its files); one that does not start"
      + " with ejup-check- can match users' uploads and needs --force (or --dry-run)")
  String match = Docroot.CHECK_FILE_PREFIX + "*";

  @Parameter(names = "--dry-run", description = "count what would be removed; remove nothing")
  boolean dryRun;

  @Parameter(names = "--force", description = "let --match remove files ejup check did not upload (users' uploads, deleted for good)")
  boolean force;

  @Override
  public int run(Io io) {
    Duration age = Docroot.age(olderThan);
    Docroot.requirePrunable(match, force, dryRun);
    return options.run(io, dryRun, (shell, o) -> Docroot.prune(shell, o, match, age, force));
  }

}
