package dev.ejup.cli;

import dev.ejup.config.AtomicFile;
import dev.ejup.config.ConfigApply;
import dev.ejup.config.ConfigFile;
import dev.ejup.config.ConfigTree;
import dev.ejup.config.Ejabberdctl;
import dev.ejup.config.LocalFiles;
import dev.ejup.config.UploadSettings;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.nio.file.Path;

/** What `config apply` and `config generate --into` share: plan, show, refuse or write, reload. */
final class ConfigWrite {
  private ConfigWrite() {}

  static int apply(Io io, Path path, UploadSettings settings, ApplyOptions options) {
    ConfigTree.Source files = new LocalFiles();
    String original = ConfigFile.read(path);
    ConfigApply.Plan plan = ConfigApply.plan(path, original, files, settings);
    if (!plan.valid()) {
      for (Diagnostic d : plan.problems()) {
        io.err().println(d.format());
      }
      io.err().println("ejup: refusing to write " + path + ": the result would not validate (" 
          + plan.problems().stream().filter(d -> d.severity() == dev.ejup.model.Severity.ERROR).count()
          + " errors above); nothing was changed (hint: fix them, or run 'ejup config validate " + path + "')");
      return Status.CRIT.exitCode();
    }
    if (!plan.changed()) {
      io.out().println(path + ": upload is already set up as asked; nothing to change");
      return Status.OK.exitCode();
    }
    io.out().print(plan.diff());
    for (String change : plan.changes()) {
      io.err().println("ejup: " + change);
    }
    if (options.dryRun) {
      io.err().println("ejup: dry run: " + path + " was not changed");
      return Status.OK.exitCode();
    }
    Path backup = AtomicFile.replace(path, plan.updated(), !options.noBackup);
    io.err().println("ejup: wrote " + path + (backup == null ? "" : " (backup: " + backup + ")"));
    if (!options.reload) {
      return Status.OK.exitCode();
    }
    Ejabberdctl ctl = new Ejabberdctl(options.ejabberdctl);
    Step reload = ctl.reloadConfig();
    io.err().println("ejup: " + reload.detail());
    if (reload.status() == Status.OK) {
      return Status.OK.exitCode();
    }
    if (backup != null) {
      AtomicFile.replace(path, original, false);
      io.err().println("ejup: restored the previous " + path + " because ejabberd refused the new one; it still runs the old config");
    }
    return reload.status().exitCode();
  }
}
