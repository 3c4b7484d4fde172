package dev.ejup.cli;

import dev.ejup.config.ConfigApply;
import dev.ejup.config.ConfigStore;
import dev.ejup.config.UploadSettings;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.nio.file.Path;

/** What `config apply` and `config generate --into` share: plan, show, refuse or write, reload. */
final class ConfigWrite {
  private ConfigWrite() {}

  static int apply(Io io, ConfigStore store, Path path, UploadSettings settings, ApplyOptions options) {
    String original = store.read(path);
    ConfigApply.Plan plan = ConfigApply.plan(path, original, store, settings);
    String where = store.describe(path);
    if (!plan.valid()) {
      for (Diagnostic d : plan.problems()) {
        io.err().println(d.format());
      }
      io.err().println("ejup: refusing to write " + where + ": the result would not validate (" 
          + plan.problems().stream().filter(d -> d.severity() == dev.ejup.model.Severity.ERROR).count()
          + " errors above); nothing was changed (hint: fix them, or run 'ejup config validate' on it)");
      return Status.CRIT.exitCode();
    }
    if (!plan.changed()) {
      io.out().println(where + ": upload is already set up as asked; nothing to change");
      return Status.OK.exitCode();
    }
    io.out().print(plan.diff(where));
    for (String change : plan.changes()) {
      io.err().println("ejup: " + change);
    }
    if (options.dryRun) {
      io.err().println("ejup: dry run: " + where + " was not changed");
      return Status.OK.exitCode();
    }
    Path backup = store.replace(path, plan.updated(), !options.noBackup);
    io.err().println("ejup: wrote " + where + (backup == null ? "" : " (backup: " + backup + ")"));
    if (!options.reload) {
      return Status.OK.exitCode();
    }
    Step reload = store.reload(options.ejabberdctl);
    io.err().println("ejup: " + reload.detail());
    if (reload.status() == Status.OK) {
      return Status.OK.exitCode();
    }
    store.replace(path, original, false);
    io.err().println("ejup: restored the previous " + where + " because the reload failed; ejabberd still runs the old config");
    return reload.status().exitCode();
  }
}
