package dev.ejup.cli;

import dev.ejup.config.AtomicFile;
import dev.ejup.config.ConfigApply;
import dev.ejup.config.ConfigFile;
import dev.ejup.config.ConfigStore;
import dev.ejup.config.UploadSettings;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Severity;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import java.nio.file.Path;

/** What `config apply` and `config generate --into` share: plan, show, refuse or write, reload. */
final class ConfigWrite {
  private ConfigWrite() {}

  static int apply(Io io, ConfigStore store, Path path, UploadSettings settings, ApplyOptions options) {
    String where = store.describe(path);
    boolean[] written = {false};
    try {
      if (options.dryRun) {
        return run(io, store, path, settings, options, where, written);
      }
      // from the read to the last write: a second ejup on this file waits, so both changes land
      try (ConfigStore.Held held = store.lock(path)) {
        return run(io, store, path, settings, options, where, written);
      }
    } catch (UserError e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      // a bug must not pass for success, nor hide whether the file was touched
      throw internal("config apply on " + where, e, written[0] ? "the new file was written: check it" : "nothing was written");
    }
  }

  /** An unexpected failure of a config command as one UNKNOWN line: where, what, and the file's state. */
  static UserError internal(String what, Throwable e, String state) {
    return new UserError(Status.UNKNOWN.exitCode(), what + " stopped on an internal error (" + dev.ejup.model.Cause.words(e) + "); " + state,
        "run again with --debug for the stack trace and report it", e);
  }

  private static int run(Io io, ConfigStore store, Path path, UploadSettings settings, ApplyOptions options, String where,
      boolean[] written) {
    ConfigFile.Contents original = store.readForEdit(path);
    ConfigApply.Plan plan = ConfigApply.plan(path, original.text(), store, settings);
    if (!plan.valid()) {
      for (Diagnostic d : plan.problems()) {
        io.err().println(d.format());
      }
      io.err().println("ejup: refusing to write " + where + ": the result would not validate ("
          + plan.problems().stream().filter(d -> d.severity() == Severity.ERROR).count()
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
    AtomicFile.Written write = store.replace(path, original, plan.updated(), !options.noBackup);
    written[0] = true;
    io.err().println("ejup: wrote " + where + (write.backup() == null ? "" : " (backup: " + write.backup() + ")"));
    if (!options.reload) {
      return Status.OK.exitCode();
    }
    Step reload = store.reload(options.ejabberdctl);
    io.err().println("ejup: " + reload.detail());
    if (reload.status() == Status.OK) {
      return Status.OK.exitCode();
    }
    try {
      // only over what ejup wrote: a change someone made since stays, and is theirs to sort out
      store.replace(path, write.now(), original.text(), false);
      written[0] = false;
      io.err().println("ejup: restored the previous " + where + " because the reload failed; ejabberd still runs the old config");
    } catch (UserError e) {
      io.err().println("ejup: did not restore the previous " + where + " after the failed reload: " + e.oneLine()
          + (write.backup() == null ? "" : "; the previous file is in " + write.backup()));
    }
    return reload.status().exitCode();
  }
}
