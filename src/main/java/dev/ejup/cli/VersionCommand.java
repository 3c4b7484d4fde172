package dev.ejup.cli;

import com.beust.jcommander.Parameters;
import dev.ejup.Version;

@Parameters(commandNames = "version", commandDescription = "Print ejup's version")
final class VersionCommand implements Command {
  @Override
  public int run(Io io) {
    io.out().println("ejup " + Version.get());
    return 0;
  }
}
