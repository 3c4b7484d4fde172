package dev.ejup.cli;

import com.beust.jcommander.Parameter;

/** How apply writes: shared by `config apply` and `config generate --into`. */
final class ApplyOptions {
  @Parameter(names = "--dry-run", description = "print the diff only; write nothing")
  boolean dryRun;

  @Parameter(names = "--ignore", description = "rule ids the result may break and still be written, comma-separated, as config validate's "
      + "(e.g. config.unknown-option for a contrib module's own top-level option)")
  java.util.List<String> ignore = new java.util.ArrayList<>();

  @Parameter(names = "--no-backup", description = "do not keep a timestamped copy of the original")
  boolean noBackup;

  @Parameter(names = "--reload", description = "run 'ejabberdctl reload_config' after writing; restore the backup if ejabberd refuses it")
  boolean reload;

  @Parameter(names = "--ejabberdctl", description = "command used for --reload (e.g. 'ejabberdctl --node ejabberd@host'); default: ejabberdctl on PATH, "
      + "else /opt/ejabberd-X.Y/bin/ejabberdctl (ProcessOne's installer) or a container's")
  String ejabberdctl;

  @com.beust.jcommander.ParametersDelegate
  VersionOption ejabberd = new VersionOption();

  /** The ejabberdctl to reload with where the shell runs: the one given, else the one found, else plain ejabberdctl. */
  String ejabberdctl(dev.ejup.ssh.Shell shell) {
    return ejabberdctl != null ? ejabberdctl : dev.ejup.config.EjabberdInstall.findEjabberdctl(shell).orElse("ejabberdctl");
  }
}
