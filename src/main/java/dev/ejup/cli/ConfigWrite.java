package dev.ejup.cli;

import dev.ejup.config.ConfigService;
import dev.ejup.config.ConfigStore;
import dev.ejup.config.UploadSettings;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Severity;
import dev.ejup.model.Status;
import java.nio.file.Path;

/** What `config apply` and `config generate --into` share: ask {@link ConfigService} to apply, then say what it did. */
final class ConfigWrite {
  private ConfigWrite() {}

  /**
   * @param probeHost where ejabberd's upload listeners are reached from here after a reload, or null
   */
  static int apply(Io io, SshCliOptions.Store store, Path path, UploadSettings settings, ApplyOptions options, String probeHost) {
    String ejabberdctl = options.reload || options.ejabberdctl != null ? options.ejabberdctl(store.commands()) : null;
    var release = options.ejabberd.release(store.commands(), ejabberdctl);
    options.ignore.forEach(ConfigRulesCommand::rule);
    ConfigService.Applied applied = ConfigService.apply(store.store(), new ConfigService.Request(path, settings, options.dryRun,
        !options.noBackup, options.reload ? ejabberdctl : null, probeHost, release.version(), java.util.Set.copyOf(options.ignore)));
    // after the work: a user error stays one line
    io.err().println("ejup: " + release.describe());
    release.note().ifPresent(n -> io.err().println("ejup: note: " + n));
    return render(io, applied, options);
  }

  /** On this machine, without a probe after a reload. */
  static int apply(Io io, ConfigStore store, Path path, UploadSettings settings, ApplyOptions options) {
    return apply(io, new SshCliOptions.Store(store, null), path, settings, options, null);
  }

  private static int render(Io io, ConfigService.Applied applied, ApplyOptions options) {
    String where = applied.where();
    var plan = applied.plan();
    if (!plan.valid()) {
      for (Diagnostic d : plan.problems()) {
        io.err().println(d.format());
      }
      long errors = plan.problems().stream().filter(d -> d.severity() == Severity.ERROR).count();
      io.err().println("ejup: refusing to write " + where + ": the result would not validate ("
          + errors + (errors == 1 ? " error" : " errors") + " above); nothing was changed (hint: fix them, or run 'ejup config validate' on it; --ignore RULE-ID writes past a rule that does not hold for this server)");
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
    io.err().println("ejup: wrote " + where + (applied.written().backup() == null ? "" : " (backup: " + applied.written().backup() + ")"));
    int links = applied.written().links();
    if (links > 1) {
      // the atomic write makes a new file: the other names of the old one keep the old text
      io.err().println("ejup: WARNING: " + where + " had " + links + " hard links; the other " + (links - 1)
          + (links == 2 ? " still holds" : " still hold") + " the old text (ejup writes a new file and renames it over this name): "
          + "point ejabberd at this name, or link again with ln -f " + where + " OTHER");
    }
    if (applied.reload() == null) {
      return Status.OK.exitCode();
    }
    io.err().println("ejup: " + applied.reload().detail());
    if (applied.restore() != null) {
      if (applied.restore().status() == Status.OK) {
        io.err().println("ejup: restored the previous " + where + " because the reload failed; ejabberd still runs the old config");
      } else {
        io.err().println("ejup: did not restore the previous " + where + " after the failed reload: " + applied.restore().detail()
            + (applied.written().backup() == null ? "" : "; the previous file is in " + applied.written().backup()));
      }
    } else if (!applied.reload().hint().isEmpty() && applied.reload().status() != Status.OK) {
      io.err().println("ejup: hint: " + applied.reload().hint());
    }
    return applied.status().exitCode();
  }
}
