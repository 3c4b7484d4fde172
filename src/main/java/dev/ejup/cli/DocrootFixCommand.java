package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.ejup.docroot.Docroot;

@Parameters(commandNames = "fix", commandDescription = "Create the docroot if missing and give it to ejabberd's user, with the configured modes")
final class DocrootFixCommand implements Command {
  @ParametersDelegate
  DocrootOptions options = new DocrootOptions();

  @Parameter(names = "--dry-run", description = "print the commands it would run; change nothing")
  boolean dryRun;

  @Override
  public int run(Io io) {
    return options.run(io, dryRun, Docroot::fix);
  }
}
