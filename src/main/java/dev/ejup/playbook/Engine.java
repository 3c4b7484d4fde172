package dev.ejup.playbook;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
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
public final class Engine {
  private final Capabilities caps;
  private final Waiter waiter;

  public Engine(Capabilities caps, Waiter waiter) {
    this.caps = caps;
    this.waiter = waiter;
  }

  public Report run(Playbook book, Target target, boolean dryRun) {
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
      if (!Condition.holds(step.when(), vars)) {
        steps.add(Step.of(label, Status.OK, Duration.ZERO, "skipped: when " + step.when() + " is false", ""));
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
        }
        case "reload" -> result = caps.reload(resolved, options, dryRun);
        case "docroot check" -> result = caps.docrootCheck(resolved, options);
        case "docroot fix" -> result = caps.docrootFix(resolved, options, dryRun);
        case "docroot prune" -> result = caps.docrootPrune(resolved, options, dryRun);
        case "wait" -> result = waiter.await(options.getOrDefault("server", vars.getOrDefault("server", "")),
            seconds(options.get("timeout"), 30));
        case "check" -> {
          Report check = caps.check(resolved, options);
          metrics.putAll(check.metrics());
          for (Step s : check.steps()) {
            steps.add(Step.of("check-" + s.name(), s.status(), s.duration(), s.detail(), s.hint()));
          }
          result = null;
          if (failed(check.worst()) && !backup.isEmpty()) {
            if (Condition.truthy(vars.getOrDefault("rollback", "true"))) {
              steps.add(rollback(resolved, backup, applyOptions));
            } else {
              steps.add(Step.of("rollback", Status.WARN, Duration.ZERO,
                  "check failed after config apply; the change is kept (rollback=false), backup at " + backup,
                  "restore it with: cp " + backup + " " + vars.getOrDefault("config", "ejabberd.yml")));
            }
          }
          stopped = failed(check.worst()) && !step.continueOnFailure();
        }
        default -> throw new IllegalStateException("unvalidated action " + step.action());
      }
      if (result != null) {
        steps.add(Step.of(label, result.status(), result.duration(), result.detail(), result.hint()));
        stopped = failed(result.status()) && !step.continueOnFailure();
      }
    }
    return new Report("playbook:" + book.name(), target.name(), steps, metrics);
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

  static Duration seconds(String text, long fallback) {
    try {
      return Duration.ofMillis((long) (Double.parseDouble(text) * 1000));
    } catch (RuntimeException e) {
      return Duration.ofSeconds(fallback);
    }
  }
}
