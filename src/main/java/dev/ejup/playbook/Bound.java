package dev.ejup.playbook;

import dev.ejup.upload.CheckOptions;
import dev.ejup.upload.Progress;
import dev.ejup.upload.UploadFlow;
import dev.ejup.config.ConfigApply;
import dev.ejup.config.ConfigStore;
import dev.ejup.config.ConfigTree;
import dev.ejup.config.ConfigValidator;
import dev.ejup.config.LocalStore;
import dev.ejup.config.RemoteStore;
import dev.ejup.config.UploadSettings;
import dev.ejup.docroot.Docroot;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.PasswordFile;
import dev.ejup.model.Report;
import dev.ejup.model.Severity;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import dev.ejup.ssh.LocalShell;
import dev.ejup.ssh.RemoteShell;
import dev.ejup.ssh.SshConnection;
import dev.ejup.ssh.SshOptions;
import dev.ejup.ssh.SshTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The playbook actions bound to the real capabilities: config, docroot and check, local or over SSH. */
public final class Bound implements Capabilities {
  private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);
  private final Map<String, String> env;
  /** What each apply wrote, by its backup: a rollback restores only over that. */
  private final Map<String, dev.ejup.config.ConfigFile.Contents> written = new java.util.concurrent.ConcurrentHashMap<>();

  public Bound(Map<String, String> env) {
    this.env = env;
  }

  /** Where an action runs: this machine, or the server named by the ssh option. */
  private record Where(RemoteShell shell, ConfigStore store) implements AutoCloseable {
    @Override
    public void close() {
      shell.close();
    }
  }

  private Where connect(Target target, Map<String, String> o) {
    String ssh = o.getOrDefault("ssh", "");
    RemoteShell shell;
    if (ssh.isBlank()) {
      shell = new LocalShell();
    } else {
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      shell = SshConnection.open(new SshOptions(SshTarget.parse(ssh), path(o.get("identity")),
          path(o.get("known_hosts")), false, env.get("EJUP_SSH_PASSWORD"), SSH_TIMEOUT, Path.of(home)));
    }
    if (!target.planned().isEmpty()) {
      shell = new PlannedConfigShell(shell, target.planned());
    }
    return new Where(shell, ssh.isBlank() && target.planned().isEmpty() ? new LocalStore() : new RemoteStore(shell));
  }

  private static Path path(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  private static String config(Map<String, String> o) {
    String config = o.getOrDefault("config", "");
    return config.isBlank() ? "/etc/ejabberd/ejabberd.yml" : config;
  }

  /** Runs an action; a problem the user can fix becomes the step's status and one line. */
  private Step guarded(String name, Target target, Map<String, String> o, Function<Where, Step> action) {
    long start = System.nanoTime();
    try (Where where = connect(target, o)) {
      Step step = action.apply(where);
      return Step.of(name, step.status(), Duration.ofNanos(System.nanoTime() - start), step.detail(), step.hint());
    } catch (UserError e) {
      return Step.of(name, e.exitCode() == Status.UNKNOWN.exitCode() ? Status.UNKNOWN : Status.CRIT,
          Duration.ofNanos(System.nanoTime() - start), e.getMessage(), e.hint());
    }
  }

  @Override
  public Step validateConfig(Target target, Map<String, String> o) {
    return guarded("config-validate", target, o, where -> {
      Path file = Path.of(config(o));
      List<Diagnostic> found = ConfigValidator.validate(ConfigTree.load(file, where.store()));
      Status status = Status.OK;
      for (Diagnostic d : found) {
        status = status.worse(d.severity().status());
      }
      String first = found.stream().filter(d -> d.severity() != Severity.INFO).findFirst()
          .map(d -> "; first: " + d.location() + ": " + d.message() + " [" + d.rule() + "]").orElse("");
      long errors = found.stream().filter(d -> d.severity() == Severity.ERROR).count();
      return Step.of("", status, Duration.ZERO, where.store().describe(file) + ": " + errors + " errors, "
          + (found.size() - errors) + " warnings" + first, status == Status.OK ? "" : "run: ejup config validate for every finding");
    });
  }

  private static UploadSettings settings(Map<String, String> o) {
    return new UploadSettings(blankToNull(o.get("domain")), blankToNull(o.get("scheme")), integer(o.get("port")), null, null,
        blankToNull(o.get("docroot")), blankToNull(o.get("max_size")), null, null, null, blankToNull(o.get("get_url")),
        blankToNull(o.get("put_url")), null, null, null, null);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static Integer integer(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw UserError.unusable("port '" + value + "' is not a number", "set the variable to a port such as 5443");
    }
  }

  @Override
  public Applied applyConfig(Target target, Map<String, String> o, boolean dryRun) {
    String[] backup = {""};
    boolean[] changed = {false};
    String[] planned = {"", ""};
    Step step = guarded("config-apply", target, o, where -> {
      Path file = Path.of(config(o));
      // a dry run writes nothing, so it neither waits for nor holds the lock
      try (ConfigStore.Held held = dryRun ? () -> { } : where.store().lock(file)) {
        dev.ejup.config.ConfigFile.Contents original = where.store().readForEdit(file);
        ConfigApply.Plan plan = ConfigApply.plan(file, original.text(), where.store(), settings(o));
        String name = where.store().describe(file);
        if (!plan.valid()) {
          Diagnostic first = plan.problems().stream().filter(d -> d.severity() == Severity.ERROR).findFirst().orElseThrow();
          return Step.of("", Status.CRIT, Duration.ZERO, "refused: the result would not validate: " + first.location() + ": "
              + first.message() + " [" + first.rule() + "]; " + name + " unchanged", first.hint());
        }
        if (!plan.changed()) {
          return Step.ok("", Duration.ZERO, name + ": upload is already set up as asked; nothing to change");
        }
        String what = String.join("; ", plan.changes());
        if (dryRun) {
          planned[0] = file.toString();
          planned[1] = plan.updated();
          return Step.ok("", Duration.ZERO, "would change " + name + ": " + what + "\n" + plan.diff(name));
        }
        dev.ejup.config.AtomicFile.Written saved = where.store().replace(file, original, plan.updated(), true);
        backup[0] = saved.backup() == null ? "" : saved.backup().toString();
        changed[0] = true;
        written.put(backup[0], saved.now());
        return Step.ok("", Duration.ZERO, "changed " + name + ": " + what + " (backup " + backup[0] + ")");
      }
    });
    return new Applied(step, changed[0], backup[0], planned[0], planned[1]);
  }

  @Override
  public Step restoreConfig(Target target, String backup) {
    Map<String, String> o = target.vars();
    return guarded("restore", new Target(target.name(), target.vars()), o, where -> {
      Path file = Path.of(config(o));
      try (var held = where.store().lock(file)) {
        // over what the apply wrote only: a change made since is kept (replace refuses)
        dev.ejup.config.ConfigFile.Contents now = written.getOrDefault(backup, where.store().readForEdit(file));
        where.store().replace(file, now, where.store().read(Path.of(backup)), false);
      }
      return Step.ok("", Duration.ZERO, "restored " + where.store().describe(file) + " from " + backup);
    });
  }

  @Override
  public Step reload(Target target, Map<String, String> o, boolean dryRun) {
    String ctl = firstNonBlank(o.get("ejabberdctl"), target.vars().get("ejabberdctl"), "ejabberdctl");
    if (dryRun) {
      return Step.ok("reload", Duration.ZERO, "would run: " + ctl + " reload_config");
    }
    Map<String, String> where = new java.util.LinkedHashMap<>(target.vars());
    where.putAll(o);
    return guarded("reload", target, where, w -> {
      Step reloaded = w.store().reload(ctl);
      if (reloaded.status() != Status.OK) {
        return reloaded;
      }
      List<Integer> closed = closedUploadPorts(w.store(), target);
      if (closed.isEmpty()) {
        return reloaded;
      }
      // ejabberd 23.01 restarts a changed listener by closing and reopening its port at once, and
      // the reopen can fail with "address already in use"; a second reload opens it.
      Step again = w.store().reload(ctl);
      List<Integer> still = again.status() == Status.OK ? closedUploadPorts(w.store(), target) : closed;
      if (still.isEmpty()) {
        return Step.of("", Status.WARN, Duration.ZERO, reloaded.detail() + "; port(s) " + closed
            + " stayed closed after the reload (ejabberd could not reopen them: address already in use), a second reload opened them",
            "ejabberd 23.01 can lose a changed listener on reload_config; restart it at a quiet time if it happens again");
      }
      return Step.of("", Status.CRIT, Duration.ZERO, reloaded.detail() + "; upload port(s) " + still
          + " do not accept connections after two reloads", "look for 'Failed to open socket' in ejabberd's error.log; restart ejabberd");
    });
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "";
  }

  /** Ports of listeners that route mod_http_upload and refuse a TCP connection from here (waits up to 3 s each). */
  private static List<Integer> closedUploadPorts(ConfigStore store, Target target) {
    String config = config(target.vars());
    String host = firstNonBlank(target.vars().get("server"), target.vars().get("domain"), "localhost").replaceAll(":\\d+$", "");
    List<Integer> closed = new java.util.ArrayList<>();
    for (dev.ejup.config.Listener listener : dev.ejup.config.Listener.all(ConfigTree.load(Path.of(config), store))) {
      if (listener.isHttp() && listener.uploadPath().isPresent() && !new TcpWaiter().await(host + ":" + listener.port(),
          Duration.ofSeconds(3)).status().equals(Status.OK)) {
        closed.add(listener.port());
      }
    }
    return closed;
  }

  private Step docroot(String name, Target target, Map<String, String> o, Function<RemoteShell, Report> action) {
    return guarded(name, target, o, where -> {
      Report report = action.apply(where.shell());
      Step worst = report.firstWorst();
      String detail = report.worst() == Status.OK
          ? report.steps().stream().filter(s -> s.detail().startsWith("ran:") || s.detail().startsWith("would run:")
              || s.detail().startsWith("removed") || s.detail().startsWith("would remove") || s.detail().equals("nothing to change"))
              .map(Step::detail).collect(Collectors.joining("; "))
          : worst.name() + ": " + worst.detail();
      return Step.of("", report.worst(), Duration.ZERO,
          detail.isEmpty() ? report.steps().size() + " checks OK" : detail, worst == null ? "" : worst.hint());
    });
  }

  private static Docroot.Options docrootOptions(Map<String, String> o, boolean dryRun) {
    return new Docroot.Options(config(o), blankToNull(o.get("user")), dryRun);
  }

  @Override
  public Step docrootCheck(Target target, Map<String, String> o) {
    return docroot("docroot-check", target, o, shell -> Docroot.check(shell, docrootOptions(o, false)));
  }

  @Override
  public Step docrootFix(Target target, Map<String, String> o, boolean dryRun) {
    return docroot("docroot-fix", target, o, shell -> Docroot.fix(shell, docrootOptions(o, dryRun)));
  }

  @Override
  public Step docrootPrune(Target target, Map<String, String> o, boolean dryRun) {
    if (o.getOrDefault("ssh", "").isBlank() && !Files.exists(Path.of(config(o)))) {
      // a monitoring host checks servers elsewhere: their docroots are not here to clean
      return Step.ok("docroot-prune", Duration.ZERO, "skipped: " + config(o)
          + " is not on this machine, so neither is the docroot; set ssh to prune a remote server");
    }
    return docroot("docroot-prune", target, o, shell -> Docroot.prune(shell, docrootOptions(o, dryRun), "ejup-check-*",
        Docroot.age(o.getOrDefault("older_than", "1h"))));
  }

  @Override
  public Report check(Target target, Map<String, String> o) {
    String jid = o.getOrDefault("jid", "");
    String file = o.getOrDefault("password_file", "");
    String password;
    try {
      if (file.isBlank()) {
        throw UserError.unusable("no password_file given for the check", "set -e password_file=FILE (the password on its first line)");
      }
      password = PasswordFile.read(Path.of(file));
    } catch (UserError e) {
      return new Report("check", target.name(), List.of(Step.of("login", Status.UNKNOWN, Duration.ZERO, e.getMessage(), e.hint())));
    }
    double timeout = Engine.seconds(o.get("timeout"), 30).toMillis() / 1000.0;
    CheckOptions options = new CheckOptions(jid, password, blankToNull(o.get("server")), null, 1024, "application/octet-stream",
        Condition.truthy(o.getOrDefault("insecure", "false")), false, Condition.truthy(o.getOrDefault("direct_tls", "false")),
        Condition.truthy(o.getOrDefault("probes", "true")),
        Duration.ofMillis((long) (timeout * 1000)), Duration.ofMillis((long) (Math.min(10, timeout) * 1000)), null);
    return new UploadFlow(options, Progress.NONE).run();
  }
}
