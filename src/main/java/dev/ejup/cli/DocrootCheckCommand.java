package dev.ejup.cli;

import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.ejup.docroot.Docroot;

@Parameters(commandNames = "check", commandDescription = "Is the upload docroot usable by the user ejabberd runs as? (owner, modes, parents, space, mount)")
final class DocrootCheckCommand implements Command {
  @ParametersDelegate
  DocrootOptions options = new DocrootOptions();

  @Override
  public int run(Io io) {
    return options.run(io, false, Docroot::check);
  }
}
