package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParametersDelegate;
import dev.ejup.docroot.Docroot;
import dev.ejup.model.Report;
import dev.ejup.ssh.Shell;
import java.util.List;
import java.util.function.BiFunction;

/** What the docroot subcommands share: where, which config, which user, how to report. */
final class DocrootOptions {
  @ParametersDelegate
  SshCliOptions ssh = new SshCliOptions();

  @Parameter(names = "--config", description = "ejabberd.yml on the server (default: the usual places)")
  String config;

  @Parameter(names = "--owner", description = "user (name or uid) ejabberd runs as; default: the running ejabberd process, else the user ejabberd")
  String owner;

  @ParametersDelegate
  ReportOptions report = new ReportOptions();

  int run(Io io, boolean dryRun, BiFunction<Shell, Docroot.Options, Report> action) {
    report.validate();
    Docroot.Options options = new Docroot.Options(config, owner, dryRun);
    try (Shell shell = ssh.open(io)) {
      Report result = action.apply(shell, options);
      return report.emit(io, List.of(report.judge(result)));
    }
  }
}
