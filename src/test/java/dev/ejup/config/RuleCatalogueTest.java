package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.model.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The catalogue walked to the fixtures (every rule has a bad fixture that triggers it at its
 * severity and a good twin that does not), and the fixtures walked back to the catalogue (every
 * fixture and every finding names a rule of it), so neither can drift from the other.
 */
class RuleCatalogueTest {
  private static final Path RULES = Path.of("src/test/resources/config/rules");

  @ParameterizedTest(name = "{0}")
  @EnumSource(Rule.class)
  void everyRuleHasABadFixtureThatTriggersItAtItsSeverityAndAGoodTwinThatDoesNot(Rule rule) {
    Path bad = RULES.resolve(rule.id() + ".bad.yml");
    Path good = RULES.resolve(rule.id() + ".good.yml");
    assertTrue(Files.isRegularFile(bad), "no bad fixture for " + rule.id() + ": add " + bad);
    assertTrue(Files.isRegularFile(RULES.resolve(rule.id() + ".bad.expect")), "no expected position for " + rule.id());
    assertTrue(Files.isRegularFile(good), "no good fixture for " + rule.id() + ": add " + good);
    List<Diagnostic> found = RuleFixturesTest.validate(bad).stream().filter(d -> d.rule().equals(rule.id())).toList();
    assertFalse(found.isEmpty(), rule.id() + " not reported by its bad fixture");
    found.forEach(d -> assertEquals(rule.severity(), d.severity(), d.format()));
    assertTrue(RuleFixturesTest.validate(good).stream().noneMatch(d -> d.rule().equals(rule.id())), rule.id() + " reported by its good twin");
  }

  @Test
  void everyFixtureAndEveryFindingNamesARuleOfTheCatalogueWithItsSeverity() throws IOException {
    List<Path> fixtures;
    try (Stream<Path> files = Files.list(RULES)) {
      fixtures = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    List<String> problems = new ArrayList<>();
    for (Path fixture : fixtures) {
      String name = fixture.getFileName().toString();
      String id = name.replaceAll("\\.(bad|good)\\.yml$", "");
      if (id.equals(name) || Rule.byId(id).isEmpty()) {
        problems.add(name + ": names no rule of the catalogue");
      }
      for (Diagnostic d : RuleFixturesTest.validate(fixture)) {
        if (Rule.byId(d.rule()).map(r -> r.severity() != d.severity()).orElse(true)) {
          problems.add(name + ": " + d.format() + ": not in the catalogue with this severity");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void idsAreUniqueGreppableAndDocumentedInOneLine() {
    Set<String> seen = new HashSet<>();
    for (Rule rule : Rule.values()) {
      assertTrue(seen.add(rule.id()), "twice: " + rule.id());
      assertTrue(rule.id().matches("(yaml|config|listen|upload|quota)\\.[a-z]+(-[a-z]+)*"), rule.id());
      assertEquals(rule.name(), rule.id().toUpperCase().replace('.', '_').replace('-', '_'), "the constant is named after the id");
      assertFalse(rule.doc().isBlank() || rule.doc().contains("\n"), rule.id());
    }
  }

  /**
   * A rule id is written once, in its constant: no finding names one by a literal elsewhere, nor
   * builds one by joining strings ("upload." + which + "-url-unrouted"), so grep for an id finds
   * the one place that reports it.
   */
  @Test
  void ruleIdsAreWrittenOnlyInTheirConstants() throws IOException {
    java.util.regex.Pattern literal = java.util.regex.Pattern.compile("\"(yaml|config|listen|upload|quota)\\.[a-z]+(-[a-z]+)*\"");
    java.util.regex.Pattern joined = java.util.regex.Pattern.compile("\"(yaml|config|listen|upload|quota)\\.[a-z-]*\"\\s*\\+|\\+\\s*\"-[a-z-]*(unrouted|option|url)\"");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith(Path.of("dev/ejup/config/Rule.java"))).toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          if (literal.matcher(lines.get(i)).find() || joined.matcher(lines.get(i)).find()) {
            found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertEquals(List.of(), found);
  }

  @Test
  void configRulesListsTheCatalogueAsTextAndJson() {
    Ejup.Result text = ValidateCommandTest.ejup("config", "rules");
    assertEquals(0, text.exitCode(), text.err());
    List<String> lines = text.out().lines().toList();
    assertEquals(Rule.values().length, lines.size(), text.out());
    for (Rule rule : Rule.values()) {
      assertTrue(lines.stream().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(rule.id()) + " +"
          + rule.severity().label() + " +" + java.util.regex.Pattern.quote(rule.doc()))), rule.id() + " in\n" + text.out());
    }
    Ejup.Result json = ValidateCommandTest.ejup("config", "rules", "--format", "json", "upload.plain-http");
    assertEquals(0, json.exitCode(), json.err());
    assertEquals("[\n  {\"id\": \"upload.plain-http\", \"severity\": \"warning\", \"doc\": \"" + Rule.UPLOAD_PLAIN_HTTP.doc() + "\"}\n]\n",
        json.out());
    Ejup.Result unknown = ValidateCommandTest.ejup("config", "rules", "upload.nope");
    assertEquals(3, unknown.exitCode());
    assertEquals(1, unknown.err().lines().count(), unknown.err());
  }

  @Test
  void theReadmeExampleIsWhatTheCommandPrints() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String out = ValidateCommandTest.ejup("config", "rules", "upload.put-url-unrouted", "upload.plain-http").out();
    assertTrue(readme.contains("$ ejup config rules upload.put-url-unrouted upload.plain-http\n" + out), out);
  }
}
