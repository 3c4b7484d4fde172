package dev.ejup.playbook;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Placeholder binding until the lead wires {@link Capabilities} to config/docroot/check: every
 * action reports UNKNOWN saying so, never pretends success.
 */
public final class Unbound implements Capabilities {
  private static Step unknown(String action) {
    return Step.of(Engine.label(action), Status.UNKNOWN, Duration.ZERO,
        action + " is not wired into playbooks in this build", "run 'ejup " + action + "' directly");
  }

  @Override public Step validateConfig(Target t, Map<String, String> o) { return unknown("config validate"); }
  @Override public Applied applyConfig(Target t, Map<String, String> o, boolean dry) {
    return new Applied(unknown("config apply"), false, "");
  }
  @Override public Step restoreConfig(Target t, String backup) { return unknown("config restore"); }
  @Override public Step reload(Target t, Map<String, String> o, boolean dry) { return unknown("reload"); }
  @Override public Step docrootCheck(Target t, Map<String, String> o) { return unknown("docroot check"); }
  @Override public Step docrootFix(Target t, Map<String, String> o, boolean dry) { return unknown("docroot fix"); }
  @Override public Step docrootPrune(Target t, Map<String, String> o, boolean dry) { return unknown("docroot prune"); }
  @Override public Report check(Target t, Map<String, String> o) { return new Report("check", t.name(), List.of(unknown("check"))); }
}
