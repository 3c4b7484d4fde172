package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import dev.ejup.config.EjabberdInstall;
import dev.ejup.ssh.Shell;

/** --ejabberd-version, shared by config validate, apply and generate --into. */
final class VersionOption {
  @Parameter(names = "--ejabberd-version", description = "judge the file as this ejabberd release reads it (e.g. 24.12); default: found from "
      + "the package, /opt/ejabberd-X.Y or 'ejabberdctl status', else the newest ejup knows; a release newer than ejup knows is "
      + "judged by the newest one's rules, with a note")
  String version;

  /** The release given, or the one found where the shell runs (ejabberdctl: the one to ask, or null to look for it). */
  EjabberdInstall.Release release(Shell shell, String ejabberdctl) {
    return version != null ? EjabberdInstall.given(version) : EjabberdInstall.detect(shell, ejabberdctl);
  }
}
