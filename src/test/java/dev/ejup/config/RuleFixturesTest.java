package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One bad fixture per rule id (src/test/resources/config/rules/RULE.bad.yml, with the expected
 * line:column beside it in RULE.bad.expect) and, where one exists, a good twin that must not
 * trigger the rule.
 */
class RuleFixturesTest {
  private static final Path RULES = Path.of("src/test/resources/config/rules");

  static Stream<String> badRules() throws IOException {
    try (Stream<Path> files = Files.list(RULES)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bad.yml"))
          .map(n -> n.substring(0, n.length() - ".bad.yml".length())).sorted().toList().stream();
    }
  }

  static Stream<String> goodRules() throws IOException {
    return badRules().filter(rule -> Files.exists(RULES.resolve(rule + ".good.yml")));
  }

  /** As the release a first line "# ejabberd-version: X.Y" names, else the newest ejup knows. */
  static List<Diagnostic> validate(Path file) {
    EjabberdVersion version = EjabberdVersion.NEWEST;
    try {
      String first = Files.readString(file).lines().findFirst().orElse("");
      if (first.startsWith("# ejabberd-version:")) {
        version = EjabberdVersion.parse(first.substring("# ejabberd-version:".length()).strip());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return ConfigValidator.validate(ConfigTree.load(file, new LocalStore(), version));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRules")
  void badFixtureTriggersItsRuleAtTheExpectedPosition(String rule) throws IOException {
    Path file = RULES.resolve(rule + ".bad.yml");
    String expected = Files.readString(RULES.resolve(rule + ".bad.expect")).strip();
    List<Diagnostic> found = validate(file).stream().filter(d -> d.rule().equals(rule)).toList();
    assertFalse(found.isEmpty(), rule + " not reported; got " + validate(file));
    Diagnostic first = found.get(0);
    if (!expected.equals("any")) {
      assertEquals(expected, first.line() + ":" + first.column(), first.format());
    }
    assertEquals(file.toString(), first.file());
    assertFalse(first.hint().isBlank(), "every rule says what to write instead: " + first.format());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodRules")
  void goodTwinIsClean(String rule) {
    List<Diagnostic> found = validate(RULES.resolve(rule + ".good.yml"));
    assertTrue(found.stream().noneMatch(d -> d.rule().equals(rule)), found.toString());
  }
}
