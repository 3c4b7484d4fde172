package dev.ejup.playbook;

import dev.ejup.upload.CheckOptions;
import dev.ejup.upload.Progress;
import dev.ejup.upload.UploadFlow;
import dev.ejup.config.ConfigService;
import dev.ejup.config.ConfigPlan;
import dev.ejup.config.ConfigStore;
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
import dev.ejup.ssh.Shell;
import dev.ejup.ssh.SshConnection;
import dev.ejup.ssh.SshOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The playbook actions bound to the real capabilities: config, docroot and check, local or over SSH. */
final class LiveCapabilities implements Capabilities {
  private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);
  private final Map<String, String> env;
  /** What each apply wrote, by its backup: a rollback restores only over that. */
  private final Map<String, dev.ejup.config.ConfigFile.Contents> written = new java.util.concurrent.ConcurrentHashMap<>();

  public LiveCapabilities(Map<String, String> env) {
    this.env = env;
  }

  /** Where an action runs: this machine, or the server named by the ssh option. */
  private record Where(Shell shell, ConfigStore store) implements AutoCloseable {
    @Override
    public void close() {
      shell.close();
    }
  }

  private Where connect(Target target, Map<String, String> o) {
    String ssh = o.getOrDefault("ssh", "");
    Shell shell;
    if (ssh.isBlank()) {
      shell = new LocalShell();
    } else {
      shell = SshConnection.open(SshOptions.of(ssh, o.get("identity"), o.get("known_hosts"), false, env.get("EJUP_SSH_PASSWORD"),
          SSH_TIMEOUT, env));
    }
    if (!target.planned().isEmpty()) {
      shell = new PlannedConfigShell(shell, target.planned());
    }
    return new Where(shell, ssh.isBlank() && target.planned().isEmpty() ? new LocalStore() : new RemoteStore(shell));
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
      List<Diagnostic> found = ConfigService.validate(where.store(), file);
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
      ConfigService.Applied applied = ConfigService.apply(where.store(), new ConfigService.Request(file, settings(o), dryRun, true, null, null));
      String name = applied.where();
      ConfigPlan.Plan plan = applied.plan();
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
      dev.ejup.config.AtomicFile.Written saved = applied.written();
      backup[0] = saved.backup() == null ? "" : saved.backup().toString();
      changed[0] = true;
      written.put(backup[0], saved.now());
      return Step.ok("", Duration.ZERO, "changed " + name + ": " + what + " (backup " + backup[0] + ")");
    });
    return new Applied(step, changed[0], backup[0], planned[0], planned[1]);
  }

  @Override
  public Step restoreConfig(Target target, String backup) {
    Map<String, String> o = target.vars();
    return guarded("restore", new Target(target.name(), target.vars()), o, where -> {
      Step restored = ConfigService.restore(where.store(), Path.of(config(o)), written.get(backup), Path.of(backup));
      return Step.ok("", Duration.ZERO, restored.detail());
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
    String server = firstNonBlank(target.vars().get("server"), target.vars().get("domain"), "localhost");
    return guarded("reload", target, where, w -> {
      String host;
      try {
        host = dev.ejup.model.HostPort.parse(server).host();
      } catch (IllegalArgumentException e) {
        throw UserError.unusable("server " + server + " is not host[:port]: " + e.getMessage(), "e.g. server=xmpp.example.org:5222");
      }
      return ConfigService.reload(w.store(), Path.of(config(target.vars())), ctl, host);
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

  /**
   * @param did the name of the steps that say what the action did or would do ("fix", "prune"),
   *     empty for a check: step names are stable identifiers, their details are free wording
   */
  private Step docroot(String name, String did, Target target, Map<String, String> o, Function<Shell, Report> action) {
    return guarded(name, target, o, where -> {
      Report report = action.apply(where.shell());
      Step worst = report.firstWorst();
      String detail = report.worst() == Status.OK
          ? report.steps().stream().filter(s -> s.name().equals(did)).map(Step::detail).collect(Collectors.joining("; "))
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
    return docroot("docroot-check", "", target, o, shell -> Docroot.check(shell, docrootOptions(o, false)));
  }

  @Override
  public Step docrootFix(Target target, Map<String, String> o, boolean dryRun) {
    return docroot("docroot-fix", "fix", target, o, shell -> Docroot.fix(shell, docrootOptions(o, dryRun)));
  }

  @Override
  public Step docrootPrune(Target target, Map<String, String> o, boolean dryRun) {
    if (o.getOrDefault("ssh", "").isBlank() && !Files.exists(Path.of(config(o)))) {
      // a monitoring host checks servers elsewhere: their docroots are not here to clean
      return Step.ok("docroot-prune", Duration.ZERO, "skipped: " + config(o)
          + " is not on this machine, so neither is the docroot; set ssh to prune a remote server");
    }
    if (!target.planned().isEmpty()) {
      return prune(target, o, dryRun); // a planned config is this target's own
    }
    // a fleet of virtual hosts on one server names one config, hence one docroot, for every target:
    // the first target's prune cleans it for all (one prune per docroot per run is all it takes)
    List<String> key = java.util.Arrays.asList(o.getOrDefault("ssh", ""), o.get("identity"), o.get("known_hosts"), config(o),
        o.get("user"), o.getOrDefault("older_than", "1h"), String.valueOf(dryRun));
    while (true) {
      Pruned mine = new Pruned(target.name(), new java.util.concurrent.CompletableFuture<>());
      Pruned first = prunes.putIfAbsent(key, mine);
      if (first == null) {
        Step step = null;
        try {
          step = prune(target, o, dryRun);
          return step;
        } finally {
          if (step == null || Thread.currentThread().isInterrupted()) {
            // cut short (deadline, crash): no answer for the others, who then prune themselves
            prunes.remove(key, mine);
            mine.step().complete(null);
          } else {
            mine.step().complete(step);
          }
        }
      }
      Step done;
      try {
        done = first.step().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Step.of("docroot-prune", Status.UNKNOWN, Duration.ZERO, "interrupted while target " + first.target()
            + " pruned the same docroot", "");
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("a prune's future is only ever completed with a value", e);
      }
      if (done != null) {
        String docroot = (o.getOrDefault("ssh", "").isBlank() ? "" : o.get("ssh") + ":") + config(o);
        // the shared prune's status is every sharer's: a failed one must not read as "pruned"
        return Step.of("docroot-prune", done.status(), Duration.ZERO, (done.status() == Status.OK
            ? "pruned once this run for every target of " : "the one prune this run for every target of ")
            + docroot + " (by target " + first.target() + ")" + (done.status() == Status.OK ? ": " : " failed: ")
            + done.detail(), done.hint());
      }
    }
  }

  private Step prune(Target target, Map<String, String> o, boolean dryRun) {
    return docroot("docroot-prune", "prune", target, o, shell -> Docroot.prune(shell, docrootOptions(o, dryRun), "ejup-check-*",
        Docroot.age(o.getOrDefault("older_than", "1h"))));
  }

  /** The prune of one docroot in this run: which target runs it, and its step once done (null: cut short). */
  private record Pruned(String target, java.util.concurrent.CompletableFuture<Step> step) {}

  /** Prunes by where they run (ssh, identity, known_hosts), config, owner, age and dry run. */
  private final Map<List<String>, Pruned> prunes = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  /**
   * The XEP-0363 check as the JID; {@code domain}, when given, must be the JID's domain (the
   * service checked is the JID's server's), else one UNKNOWN step refuses it before connecting.
   */
  public Report check(Target target, Map<String, String> o) {
    String jid = o.getOrDefault("jid", "");
    String file = o.getOrDefault("password_file", "");
    String password;
    try {
      String domain = o.getOrDefault("domain", "").strip();
      String jidDomain = jid.substring(jid.indexOf('@') + 1).replaceAll("/.*$", "");
      if (!domain.isEmpty() && !domain.equalsIgnoreCase(jidDomain)) {
        // the check logs in as the JID and asks the JID's server for upload: a domain that differs
        // would be reported OK without ever being checked
        return new Report("check", target.name(), List.of(Step.of("domain", Status.UNKNOWN, Duration.ZERO,
            "domain " + domain + " is not the domain of jid " + jid + ", so it would not be checked",
            "use an account on " + domain + " (-e jid=USER@" + domain + "), or set domain to " + jidDomain)));
      }
      if (file.isBlank()) {
        throw UserError.unusable("no password_file given for the check", "set -e password_file=FILE (the password on its first line)");
      }
      password = PasswordFile.read(Path.of(file), Engine.seconds(o.get("timeout"), 30));
    } catch (UserError e) {
      return new Report("check", target.name(), List.of(Step.of("login", Status.UNKNOWN, Duration.ZERO, e.getMessage(), e.hint())));
    }
    double timeout = Engine.seconds(o.get("timeout"), 30).toMillis() / 1000.0;
    CheckOptions options = new CheckOptions(jid, password, blankToNull(o.get("server")), null, 1024, "application/octet-stream",
        Condition.truthy(o.getOrDefault("insecure", "false")), false, Condition.truthy(o.getOrDefault("direct_tls", "false")),
        Condition.truthy(o.getOrDefault("probes", "true")),
        Duration.ofMillis((long) (timeout * 1000)), Duration.ofMillis((long) (Math.min(10, timeout) * 1000)), null);
    List<String> nodeUrls = java.util.Arrays.stream(o.getOrDefault("node_urls", "").split("[,\\s]+")).filter(u -> !u.isEmpty()).toList();
    // a fleet's checks run side by side: none may meet Smack's resolver while the SRV one is set up
    dev.ejup.upload.tuning.SmackSetup.severalChecks();
    try {
      return new UploadFlow(options, Progress.NONE, nodeUrls).run();
    } catch (UserError e) {
      return new Report("check", target.name(), List.of(Step.of("connect", Status.UNKNOWN, Duration.ZERO, e.getMessage(), e.hint())));
    }
  }
}
