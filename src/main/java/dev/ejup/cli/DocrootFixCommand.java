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

  @Parameter(names = "--sandbox", description = "instead: open systemd's unit (a drop-in) and AppArmor's profile (its local/ override) "
      + "for the docroot; shows what it would write unless --write")
  boolean sandbox;

  @Parameter(names = "--write", description = "with --sandbox: write the drop-in and override lines and reload them")
  boolean write;

  @Override
  public int run(Io io) {
    if (write && !sandbox) {
      throw dev.ejup.model.UserError.unusable("--write goes with --sandbox", "run: ejup docroot fix --sandbox --write");
    }
    // the sandbox is the service's, so it is a dry run unless asked to write
    return sandbox ? options.run(io, !write || dryRun, Docroot::fixSandbox) : options.run(io, dryRun, Docroot::fix);
  }
}
