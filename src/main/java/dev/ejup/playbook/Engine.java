package dev.ejup.playbook;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.Unexpected;
import dev.ejup.model.UserError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one playbook against one target, in order. A failing step (worse than WARNING) stops the
 * run unless it says {@code on_failure: continue}. Rollback: when {@code check} fails after a
 * {@code config apply} changed the file, the backup is restored and ejabberd reloaded, unless the
 * variable {@code rollback} is false.
 */
final class Engine {
  private final Capabilities caps;
  private final Waiter waiter;

  public Engine(Capabilities caps, Waiter waiter) {
    this.caps = caps;
    this.waiter = waiter;
  }

  /** How long before the target's deadline a check step's own timeout ends: time for its report (a tenth of a shorter deadline). */
  static final Duration BEFORE_DEADLINE = Duration.ofMillis(500);

  /**
   * @param target the target's own variables (over the playbook's defaults)
   * @param dryRun change nothing; a planned config change is carried to the steps after it
   * @return one report; never OK when an action could not run: an action that throws becomes an
   *     UNKNOWN step naming it, and a check that ran no steps is an UNKNOWN check (and a failed one
   *     for {@code on_failure} and rollback)
   */
  public Report run(Playbook book, Target target, boolean dryRun) {
    return run(book, target, dryRun, 0);
  }

  /**
   * As {@link #run(Playbook, Target, boolean)}, within the target's deadline: a check step's own
   * timeout ends that much before it ({@link #BEFORE_DEADLINE}, a tenth of a deadline under 5 s), so a server that hangs is the
   * check's verdict (CRITICAL, naming the step), as `ejup check --deadline` gives it, not a target
   * cut off as UNKNOWN with its steps lost.
   *
   * @param deadlineNanos System.nanoTime() when the target's time is up; 0 for none
   */
  public Report run(Playbook book, Target target, boolean dryRun, long deadlineNanos) {
    long started = System.nanoTime();
    Map<String, String> vars = new LinkedHashMap<>();
    book.defaults().forEach((k, v) -> vars.put(k, v == null ? "" : v));
    vars.putAll(target.vars());
    Target resolved = new Target(target.name(), vars);
    List<Step> steps = new ArrayList<>();
    Map<String, Double> metrics = new LinkedHashMap<>();
    String backup = "";
    Map<String, String> applyOptions = Map.of();
    boolean stopped = false;
    for (PlayStep step : book.steps()) {
      String label = label(step.action());
      if (stopped) {
        steps.add(Step.of(label, Status.OK, Duration.ZERO, "skipped: an earlier step failed", ""));
        continue;
      }
      long start = System.nanoTime();
      try {
        if (!Condition.holds(step.when(), vars)) {
          steps.add(Step.of(label, Status.OK, Duration.ZERO, "skipped: " + step.when() + " is " + Vars.substitute(step.when(), vars), ""));
          continue;
        }
        Map<String, String> options = new LinkedHashMap<>();
        step.options().forEach((k, v) -> options.put(k, Vars.substitute(v, vars)));
        Step result;
        switch (step.action()) {
          case "config validate" -> result = caps.validateConfig(resolved, options);
          case "config apply" -> {
            Capabilities.Applied applied = caps.applyConfig(resolved, options, dryRun);
            result = applied.step();
            if (applied.changed() && !applied.backup().isEmpty()) {
              backup = applied.backup();
              applyOptions = options;
            }
            if (!applied.plannedPath().isEmpty()) {
              resolved = resolved.withPlanned(applied.plannedPath(), applied.plannedText());
            }
          }
          case "reload" -> result = caps.reload(resolved, options, dryRun);
          case "docroot check" -> result = caps.docrootCheck(resolved, options);
          case "docroot fix" -> result = caps.docrootFix(resolved, options, dryRun);
          case "docroot prune" -> result = caps.docrootPrune(resolved, options, dryRun);
          case "wait" -> result = waiter.await(options.getOrDefault("server", vars.getOrDefault("server", "")),
              seconds(options.get("timeout"), 30));
          case "check" -> {
            if (dryRun && !resolved.planned().isEmpty()) {
              // the server still runs the old config: its verdict would be about a change not made
              result = Step.of(label, Status.OK, Duration.ZERO,
                  "skipped: dry run, the planned config change is not applied, so the server cannot show it yet", "");
              break;
            }
            if (deadlineNanos != 0) {
              // half a second for the report, or a tenth of a deadline that is short (--deadline 0.5 left the check 1 ms)
              double margin = Math.min(BEFORE_DEADLINE.toNanos(), (deadlineNanos - started) / 10) / 1e9;
              double left = (deadlineNanos - System.nanoTime()) / 1e9 - margin;
              double own;
              try {
                own = seconds(options.get("timeout"), 30).toMillis() / 1000.0;
              } catch (dev.ejup.model.UserError e) {
                own = Double.NaN; // the check says what is wrong with it
              }
              if (left < own) {
                options.put("timeout", String.format(java.util.Locale.ROOT, "%.3f", Math.max(0.001, left)));
              }
            }
            Report check = caps.check(resolved, options);
            List<Step> ran = check.steps().isEmpty()
                ? List.of(Step.of("", Status.UNKNOWN, Duration.ofNanos(System.nanoTime() - start),
                    "the check ran no steps: nothing was verified", "run the same check with ejup check --debug to see why"))
                : check.steps();
            metrics.putAll(check.metrics());
            Status worst = Status.OK;
            for (Step s : ran) {
              steps.add(Step.of(s.name().isEmpty() ? label : "check-" + s.name(), s.status(), s.duration(), s.detail(), s.hint()));
              worst = worst.worse(s.status());
            }
            result = null;
            if (failed(worst) && !backup.isEmpty()) {
              steps.add(afterFailedCheck(resolved, vars, backup, applyOptions));
            }
            stopped = failed(worst) && !step.continueOnFailure();
          }
          default -> throw new IllegalStateException("unvalidated action " + step.action());
        }
        if (result != null) {
          steps.add(Step.of(label, result.status(), result.duration(), result.detail(), result.hint()));
          stopped = failed(result.status()) && !step.continueOnFailure();
        }
      } catch (RuntimeException e) {
        steps.add(crashed(label, e, Duration.ofNanos(System.nanoTime() - start)));
        if (step.action().equals("check") && !backup.isEmpty()) {
          steps.add(afterFailedCheck(resolved, vars, backup, applyOptions));
        }
        stopped = !step.continueOnFailure();
      }
    }
    if (steps.isEmpty()) {
      steps.add(Step.of("playbook", Status.UNKNOWN, Duration.ZERO, "the playbook ran no steps", "give it at least one step"));
    }
    return new Report("playbook:" + book.name(), target.name(), steps, metrics);
  }

  /** A check that failed, or could not run, after a config apply changed the file. */
  private Step afterFailedCheck(Target resolved, Map<String, String> vars, String backup, Map<String, String> applyOptions) {
    if (Condition.truthy(vars.getOrDefault("rollback", "true"))) {
      try {
        return rollback(resolved, backup, applyOptions);
      } catch (RuntimeException e) {
        return crashed("rollback", e, Duration.ZERO);
      }
    }
    return Step.of("rollback", Status.WARN, Duration.ZERO,
        "check failed after config apply; the change is kept (rollback=false), backup at " + backup,
        "restore it with: cp " + backup + " " + vars.getOrDefault("config", "ejabberd.yml"));
  }

  /** An action that threw: a UserError as itself, anything else UNKNOWN, named, in words ({@link Unexpected}). */
  static Step crashed(String label, Throwable e, Duration took) {
    if (e instanceof UserError u) {
      Status status = u.exitCode() == Status.CRIT.exitCode() ? Status.CRIT : Status.UNKNOWN;
      return Step.of(label, status, took, u.getMessage(), u.hint());
    }
    return Unexpected.step(label, e, took);
  }

  private Step rollback(Target target, String backup, Map<String, String> applyOptions) {
    Step restored = caps.restoreConfig(target, backup);
    if (failed(restored.status())) {
      return Step.of("rollback", Status.CRIT, restored.duration(),
          "check failed after config apply and restoring " + backup + " failed: " + restored.detail(), restored.hint());
    }
    Step reloaded = caps.reload(target, applyOptions, false);
    Status status = failed(reloaded.status()) ? Status.CRIT : Status.WARN;
    return Step.of("rollback", status, restored.duration().plus(reloaded.duration()),
        "check failed after config apply: restored " + backup + " and reloaded ejabberd ("
            + reloaded.detail() + ")",
        "the upload config was rolled back; fix what the check reports, or rerun with -e rollback=false to keep it");
  }

  static boolean failed(Status status) {
    return status == Status.CRIT || status == Status.UNKNOWN;
  }

  static String label(String action) {
    return action.replace(' ', '-');
  }

  /**
   * A step's {@code timeout} option, fallback seconds when it has none; one that is not a positive
   * number (0, -5, "abc", left blank by a variable) stops the step as UNKNOWN rather than waiting
   * for ever, failing at once, or quietly taking the default.
   */
  static Duration seconds(String text, long fallback) {
    return text == null ? Duration.ofSeconds(fallback) : dev.ejup.model.Seconds.duration(dev.ejup.model.Seconds.parse("timeout", text, false));
  }
}
