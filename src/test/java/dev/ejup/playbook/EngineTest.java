package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Engine decisions against a recording fake of {@link Capabilities}; real actions are tested at integration. */
class EngineTest {
  static class Fake implements Capabilities {
    final List<String> calls = new ArrayList<>();
    Status check = Status.OK;
    Status validate = Status.OK;
    boolean changes = true;
    String planned = "";
    String throwIn = "";
    List<Step> checkSteps = null;
    final List<Target> seen = new ArrayList<>();

    void maybeThrow(String action) {
      if (action.equals(throwIn)) {
        throw new IllegalStateException(action.equals("check") ? null : "broken pipe while talking to " + action);
      }
    }

    Step step(String what, Status s) {
      return Step.of(what, s, Duration.ZERO, what, "");
    }

    public Step validateConfig(Target t, Map<String, String> o) { calls.add("validate " + o.get("config")); maybeThrow("validate"); return step("v", validate); }
    public Applied applyConfig(Target t, Map<String, String> o, boolean dry) {
      calls.add("apply dry=" + dry);
      maybeThrow("apply");
      return new Applied(step("a", Status.OK), changes && !dry, changes && !dry ? "/etc/e.yml.bak" : "",
          dry && !planned.isEmpty() ? "/c.yml" : "", dry ? planned : "");
    }
    public Step restoreConfig(Target t, String b) { calls.add("restore " + b); return step("r", Status.OK); }
    public Step reload(Target t, Map<String, String> o, boolean dry) { calls.add("reload"); seen.add(t); maybeThrow("reload"); return step("rl", Status.OK); }
    public Step docrootCheck(Target t, Map<String, String> o) { calls.add("dcheck"); return step("d", Status.OK); }
    public Step docrootFix(Target t, Map<String, String> o, boolean dry) { calls.add("dfix"); return step("d", Status.OK); }
    public Step docrootPrune(Target t, Map<String, String> o, boolean dry) { calls.add("prune"); maybeThrow("prune"); return step("d", Status.OK); }
    public Report check(Target t, Map<String, String> o) {
      calls.add("check");
      maybeThrow("check");
      return new Report("check", "", checkSteps != null ? checkSteps : List.of(step("upload", check)));
    }
  }

  static final String BOOK = "name: t\nvars: {config: /c.yml, ssh: '', rollback: 'true'}\nsteps:\n"
      + "  - config validate: {config: \"${config}\"}\n"
      + "  - config apply: {}\n  - reload: {}\n"
      + "  - docroot prune: {}\n    when: ${ssh} != ''\n"
      + "  - check: {}\n";

  static Report run(Fake fake, Map<String, String> vars, boolean dry) {
    Playbook book = PlaybookLoader.load("t.yml", BOOK, Set.of()).playbook();
    return new Engine(fake, (s, t) -> Step.ok("wait", Duration.ZERO, "up")).run(book, new Target("x", vars), dry);
  }

  @Test
  void substitutesAndSkipsByWhen() {
    Fake fake = new Fake();
    Report r = run(fake, Map.of("config", "/srv/e.yml"), false);
    assertEquals(List.of("validate /srv/e.yml", "apply dry=false", "reload", "check"), fake.calls);
    assertEquals(Status.OK, r.worst());
    Fake withSsh = new Fake();
    run(withSsh, Map.of("ssh", "root@h"), false);
    assertTrue(withSsh.calls.contains("prune"));
  }

  @Test
  void failedStepStopsTheRest() {
    Fake fake = new Fake();
    fake.validate = Status.CRIT;
    Report r = run(fake, Map.of(), false);
    assertEquals(List.of("validate /c.yml"), fake.calls);
    assertEquals(Status.CRIT, r.worst());
    assertTrue(r.steps().get(1).detail().startsWith("skipped"));
  }

  @Test
  void onFailureContinueRunsTheRest() {
    Playbook book = PlaybookLoader.load("t.yml",
        "name: t\nsteps:\n  - docroot check: {}\n    on_failure: continue\n  - docroot fix: {}\n", Set.of()).playbook();
    Fake fake = new Fake() {
      @Override public Step docrootCheck(Target t, Map<String, String> o) { calls.add("dcheck"); return step("d", Status.CRIT); }
    };
    Report r = new Engine(fake, null).run(book, new Target("x", Map.of()), false);
    assertEquals(List.of("dcheck", "dfix"), fake.calls);
    assertEquals(Status.CRIT, r.worst());
  }

  @Test
  void failedCheckAfterChangeRollsBack() {
    Fake fake = new Fake();
    fake.check = Status.CRIT;
    Report r = run(fake, Map.of(), false);
    assertEquals(List.of("validate /c.yml", "apply dry=false", "reload", "check", "restore /etc/e.yml.bak", "reload"), fake.calls);
    Step rollback = r.steps().stream().filter(s -> s.name().equals("rollback")).findFirst().orElseThrow();
    assertTrue(rollback.detail().contains("restored /etc/e.yml.bak and reloaded"), rollback.detail());
    assertEquals(Status.CRIT, r.worst());
  }

  @Test
  void noRollbackWhenDisabledUnchangedOrDryRun() {
    Fake off = new Fake();
    off.check = Status.CRIT;
    Report r = run(off, Map.of("rollback", "false"), false);
    assertTrue(!off.calls.contains("restore /etc/e.yml.bak"));
    assertTrue(r.steps().stream().anyMatch(s -> s.name().equals("rollback") && s.detail().contains("kept")));
    Fake unchanged = new Fake();
    unchanged.check = Status.CRIT;
    unchanged.changes = false;
    run(unchanged, Map.of(), false);
    assertEquals(List.of("validate /c.yml", "apply dry=false", "reload", "check"), unchanged.calls);
    Fake dry = new Fake();
    dry.check = Status.CRIT;
    run(dry, Map.of(), true);
    assertEquals(List.of("validate /c.yml", "apply dry=true", "reload", "check"), dry.calls);
  }

  @Test
  void conditions() {
    assertTrue(Condition.holds("${a} != ''", Map.of("a", "x")));
    assertTrue(!Condition.holds("${a} != ''", Map.of("a", "")));
    assertTrue(Condition.holds("${a} == \"x\"", Map.of("a", "x")));
    assertTrue(!Condition.holds("${a}", Map.of("a", "no")));
    assertTrue(Condition.holds("${a}", Map.of("a", "yes")));
  }

  /** Section 1 for play: whatever action throws, the play is never OK and the step says which action. */
  @Test
  void anActionThatThrowsIsAnUnknownStepNamingItAndTheRunIsNeverOk() {
    for (String action : List.of("validate", "apply", "reload", "check")) {
      Fake fake = new Fake();
      fake.throwIn = action;
      Report r = run(fake, Map.of(), false);
      assertEquals(Status.UNKNOWN, r.worst(), action + ": " + r.steps());
      Step failed = r.firstWorst();
      String label = Map.of("validate", "config-validate", "apply", "config-apply", "reload", "reload", "check", "check").get(action);
      assertEquals(label, failed.name());
      assertTrue(failed.detail().startsWith(label + " failed unexpectedly: "), failed.detail());
      assertTrue(!failed.detail().contains("Exception") && !failed.detail().contains("java."), failed.detail());
    }
  }

  @Test
  void aThrowingActionWithOnFailureContinueLetsTheRestRunButStaysUnknown() {
    Fake fake = new Fake();
    fake.throwIn = "prune";
    Playbook book = PlaybookLoader.load("t.yml",
        "name: t\nsteps:\n  - docroot prune: {}\n    on_failure: continue\n  - docroot fix: {}\n", Set.of()).playbook();
    Report r = new Engine(fake, null).run(book, new Target("x", Map.of()), false);
    assertEquals(List.of("prune", "dfix"), fake.calls);
    assertEquals(Status.UNKNOWN, r.worst());
    assertTrue(r.firstWorst().detail().contains("broken pipe while talking to prune"), r.firstWorst().detail());
  }

  /** A check that did not run is a failed check: it is UNKNOWN, and the change it was to prove is rolled back. */
  @Test
  void aCheckThatRanNoStepsIsUnknownAndRollsBack() {
    Fake fake = new Fake();
    fake.checkSteps = List.of();
    Report r = run(fake, Map.of(), false);
    assertEquals(Status.UNKNOWN, r.worst(), r.steps().toString());
    assertEquals("check", r.firstWorst().name());
    assertTrue(fake.calls.contains("restore /etc/e.yml.bak"), fake.calls.toString());
  }

  @Test
  void aCheckThatThrowsOrIsUnknownRollsBack() {
    Fake threw = new Fake();
    threw.throwIn = "check";
    Report r = run(threw, Map.of(), false);
    assertTrue(threw.calls.contains("restore /etc/e.yml.bak"), threw.calls.toString());
    assertTrue(r.steps().stream().anyMatch(s -> s.name().equals("rollback")), r.steps().toString());
    Fake unknown = new Fake();
    unknown.check = Status.UNKNOWN;
    run(unknown, Map.of(), false);
    assertTrue(unknown.calls.contains("restore /etc/e.yml.bak"), unknown.calls.toString());
  }

  /** setup.yml -C: the steps after a simulated apply see the planned file, and the check does not judge the old server. */
  @Test
  void aDryRunCarriesThePlannedConfigToTheStepsAfterIt() {
    Fake fake = new Fake();
    fake.planned = "modules:\n  mod_http_upload: {}\n";
    fake.check = Status.CRIT; // the live server still has upload disabled
    Report r = run(fake, Map.of(), true);
    assertEquals(Map.of("/c.yml", fake.planned), fake.seen.get(0).planned());
    assertTrue(!fake.calls.contains("check"), fake.calls.toString());
    assertEquals(Status.OK, r.worst(), r.steps().toString());
    assertTrue(r.steps().stream().anyMatch(s -> s.name().equals("check") && s.detail().startsWith("skipped: dry run")));
  }
}
