package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlaybookLoaderTest {
  private static List<String> errors(String text) {
    return PlaybookLoader.load("p.yml", text, Set.of()).diagnostics().stream()
        .map(d -> d.location() + " " + d.rule() + " " + d.hint()).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"setup.yml", "post-deploy.yml", "healthcheck.yml"})
  void shippedPlaybooksValidate(String name) throws Exception {
    Path file = Path.of("playbooks", name);
    PlaybookLoader.Result r = PlaybookLoader.load(file.toString(), Files.readString(file), null);
    assertEquals(List.of(), r.diagnostics().stream().map(Diagnostic::format).toList());
    assertTrue(r.playbook().steps().size() >= 2);
  }

  /** A written timeout of 0, below 0 or not a number is refused where it stands; one from a variable is judged when it runs. */
  @ParameterizedTest
  @ValueSource(strings = {"0", "-5", "0.0", "abc", "NaN", "Infinity"})
  void aStepTimeoutThatIsNotAPositiveNumberOfSecondsIsRefusedAtItsLine(String value) {
    List<Diagnostic> found = PlaybookLoader.load("p.yml", "name: x\nsteps:\n  - wait: {server: \"127.0.0.1:1\", timeout: \"" + value + "\"}\n",
        Set.of()).diagnostics();
    assertEquals(1, found.size(), found.toString());
    assertEquals("p.yml:3:44", found.get(0).location());
    assertTrue(found.get(0).message().contains("timeout '" + value + "' is not a positive number of seconds"), found.get(0).format());
    assertEquals(List.of(), errors("name: x\nvars: {t: \"0\"}\nsteps:\n  - wait: {server: \"127.0.0.1:1\", timeout: \"${t}\"}\n"));
    assertEquals(List.of(), errors("name: x\nsteps:\n  - wait: {server: \"127.0.0.1:1\", timeout: 0.5}\n"));
  }

  /** 1e300 passed the loader and failed at run time as "long overflow", a bug in ejup's words. */
  @ParameterizedTest
  @ValueSource(strings = {"1e300", "86401", "4294967.296"})
  void aStepTimeoutOfMoreThanADayIsRefusedAtItsLine(String value) {
    List<Diagnostic> found = PlaybookLoader.load("p.yml", "name: x\nsteps:\n  - wait: {server: \"127.0.0.1:1\", timeout: \"" + value + "\"}\n",
        Set.of()).diagnostics();
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).message().contains("timeout '" + value + "' is more than a day"), found.get(0).format());
  }

  /** The same value through a variable: the step stops as UNKNOWN instead of waiting 0 s or taking the default. */
  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "soon", ""})
  void aTimeoutFromAVariableThatIsNotOneStopsTheStep(String value) {
    org.junit.jupiter.api.Assertions.assertThrows(dev.ejup.model.UserError.class, () -> Engine.seconds(value, 30));
    assertEquals(java.time.Duration.ofSeconds(30), Engine.seconds(null, 30));
    assertEquals(java.time.Duration.ofMillis(1500), Engine.seconds("1.5", 30));
  }

  @Test
  void notYaml() {
    assertEquals(List.of("p.yml:3:1 yaml.syntax fix the YAML syntax at this place"),
        errors("name: x\n\"unclosed: [\n"));
  }

  @Test
  void unknownStepSuggestsTheNearest() {
    assertEquals(List.of("p.yml:3:5 playbook.unknown-step did you mean 'check'?"),
        errors("name: x\nsteps:\n  - chek: {}\n"));
  }

  @Test
  void undeclaredVariableAtItsScalar() {
    assertEquals(List.of("p.yml:4:21 playbook.missing-variable did you mean 'domain'?"),
        errors("name: x\nvars: {domain: a}\nsteps:\n  - check: {domain: \"${domian}\"}\n"));
  }

  @Test
  void requiredVariableNotGiven() {
    assertEquals(List.of("p.yml:2:8 playbook.missing-variable add -e jid=VALUE (or set it in the inventory)"),
        errors("name: x\nvars: {jid: ~}\nsteps:\n  - check: {jid: \"${jid}\"}\n"));
  }

  @Test
  void wrongTypeAndUnknownOption() {
    assertEquals(List.of("p.yml:4:17 playbook.wrong-type write on_failure: stop or on_failure: continue",
            "p.yml:5:12 playbook.unknown-option did you mean 'timeout'?",
            "p.yml:6:5 playbook.wrong-type one action key, then optional when: and on_failure:"),
        errors("name: x\nsteps:\n  - check: {}\n    on_failure: maybe\n  - wait: {timout: 3}\n  - [a]\n"));
  }

  /** Accepted and ignored before: sudo on every SSH action, docroot on the docroot steps. */
  @Test
  void optionsThatWouldBeIgnoredAreRefusedWhereTheyAre() {
    List<String> found = errors("name: x\nsteps:\n  - docroot fix: {sudo: \"true\"}\n  - docroot check: {docroot: /srv/up}\n"
        + "  - reload: {sudo: yes}\n");
    assertEquals(3, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("p.yml:3:19 playbook.unknown-option ejup runs the commands that need root through sudo -n"), found.get(0));
    assertTrue(found.get(1).startsWith("p.yml:4:21 playbook.unknown-option the docroot steps work on the docroot(s) the config names"),
        found.get(1));
    assertTrue(found.get(2).startsWith("p.yml:5:14 playbook.unknown-option ejup runs"), found.get(2));
    assertEquals(List.of(), errors("name: x\nsteps:\n  - config apply: {domain: a, docroot: /srv/up}\n"));
  }
}
