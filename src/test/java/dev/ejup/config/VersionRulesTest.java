package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.UserError;
import dev.ejup.ssh.LocalShell;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The verdict depends on the ejabberd release: each fact holds from its release on and is an
 * error before it (the release refuses the file). DifferentialIT shows the same on real nodes.
 */
class VersionRulesTest {
  private static final Path CASES = Path.of("src/test/resources/config/differential");

  private static List<Diagnostic> validate(String file, String version) {
    return ConfigService.validate(new LocalStore(), CASES.resolve(file), EjabberdVersion.parse(version));
  }

  private static boolean needsNewer(List<Diagnostic> found) {
    return found.stream().anyMatch(d -> d.rule().equals(Rule.CONFIG_NEEDS_NEWER_EJABBERD.id()));
  }

  @ParameterizedTest(name = "{0}: refused before {1}")
  @CsvSource({
      "host-url-encode.yml, 25.08, 25.07",
      "content-types.yml, 26.01, 25.12",
      "append-module-config.yml, 26.07, 26.01",
      "define-keyword.yml, 25.03, 25.02"})
  void aFactHoldsFromItsReleaseOnAndIsAnErrorBefore(String file, String since, String before) {
    assertFalse(needsNewer(validate(file, since)), validate(file, since).toString());
    assertFalse(needsNewer(validate(file, "26.07")));
    List<Diagnostic> old = validate(file, before);
    assertTrue(needsNewer(old), old.toString());
    assertTrue(needsNewer(validate(file, "23.01")));
    assertTrue(old.stream().allMatch(d -> d.line() > 0), "at a line: " + old);
  }

  private static List<Diagnostic> topLevel(String yaml, String version, Path dir) throws java.io.IOException {
    Path file = dir.resolve("ejabberd.yml");
    java.nio.file.Files.writeString(file, yaml);
    return ConfigService.validate(new LocalStore(), file, EjabberdVersion.parse(version)).stream()
        .filter(d -> d.rule().startsWith("config.")).toList();
  }

  @Test
  void aTopLevelOptionIsJudgedByTheReleasesOwnList(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
    // update_sql_schema came with 24.12 (ejabberd_options), hosts_alias with 26.07
    String yaml = "hosts: [localhost]\nupdate_sql_schema: true\nhosts_alias: {}\n";
    assertTrue(topLevel(yaml, "24.12", dir).stream().anyMatch(d -> d.line() == 3 && d.message().contains("hosts_alias is not an option of ejabberd 24.12") && d.message().contains("26.07")));
    List<Diagnostic> old = topLevel(yaml, "23.01", dir);
    assertEquals(2, old.stream().filter(d -> d.rule().equals(Rule.CONFIG_NEEDS_NEWER_EJABBERD.id())).count(), old.toString());
    // a release between two known ones: what either has is not held against the file
    assertTrue(topLevel(yaml, "25.06", dir).isEmpty(), topLevel(yaml, "25.06", dir).toString());
    assertTrue(topLevel(yaml, "26.07", dir).isEmpty());
  }

  @Test
  void anUnknownOptionIsFoundInIncludedFilesAndInEveryHostsOptions(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
    java.nio.file.Files.writeString(dir.resolve("more.yml"), "loglevel: info\nsql_tpye: pgsql\n");
    String yaml = "hosts: [localhost, example.org]\ninclude_config_file: more.yml\nappend_host_config:\n  example.org:\n    auth_metod: [sql]\n";
    List<Diagnostic> found = topLevel(yaml, "23.01", dir);
    assertTrue(found.stream().anyMatch(d -> d.file().endsWith("more.yml") && d.line() == 2 && d.rule().equals(Rule.CONFIG_UNKNOWN_OPTION.id())
        && d.hint().contains("sql_type")), found.toString());
    assertTrue(found.stream().anyMatch(d -> d.line() == 5 && d.message().contains("append_host_config->example.org: auth_metod")
        && d.hint().contains("auth_method")), found.toString());
    // allow_only and disallow of an include drop keys before ejabberd reads them (p1_yconf), through nested includes too
    java.nio.file.Files.writeString(dir.resolve("inner.yml"), "sql_tpye: pgsql\nloglevel: info\n");
    java.nio.file.Files.writeString(dir.resolve("outer.yml"), "include_config_file: inner.yml\nbogus_opt: 1\n");
    String filtered = "hosts: [localhost]\ninclude_config_file:\n  outer.yml:\n    allow_only: [loglevel]\n  more.yml:\n    disallow: [sql_tpye]\n";
    assertTrue(topLevel(filtered, "23.01", dir).isEmpty(), topLevel(filtered, "23.01", dir).toString());
    // a global option under a host; host_config given through a macro
    String hosts = "hosts: [localhost]\ndefine_macro:\n  HC:\n    localhost:\n      loglevel: debug\n      max_fsm_queue: 10\nhost_config: HC\n";
    List<Diagnostic> global = topLevel(hosts, "24.12", dir);
    assertEquals(List.of(Rule.CONFIG_GLOBAL_IN_HOST.id()), global.stream().map(Diagnostic::rule).toList(), global.toString());
    // ejabberd 30.01 is judged by 26.07's list, as the note for releases newer than ejup's says
    assertEquals(2, topLevel(yaml, "30.01", dir).stream().filter(d -> d.rule().equals(Rule.CONFIG_UNKNOWN_OPTION.id())).count());
  }

  @Test
  void anUndefinedMacroIsUnknownFrom2412NotMalformed() {
    List<Diagnostic> now = validate("env-macro-unset.yml", "24.12");
    assertTrue(now.stream().anyMatch(d -> d.rule().equals(Rule.CONFIG_MACRO_FROM_ENVIRONMENT.id())), now.toString());
    assertTrue(now.stream().noneMatch(d -> d.rule().equals(Rule.UPLOAD_MAX_SIZE.id())), now.toString());
    // 23.01 has no environment macros: the word is the value, and not a size
    List<Diagnostic> old = validate("env-macro-unset.yml", "23.01");
    assertTrue(old.stream().anyMatch(d -> d.rule().equals(Rule.UPLOAD_MAX_SIZE.id())), old.toString());
  }

  @Test
  void theCliNamesTheReleaseTheVerdictIsFor() {
    Ejup.Result r = Ejup.runCaptured(Map.of(), "config", "validate", CASES.resolve("host-url-encode.yml").toString(), "--ejabberd-version", "24.12");
    assertEquals(2, r.exitCode(), r.out());
    assertTrue(r.err().contains("verdict for ejabberd 24.12 (--ejabberd-version)"), r.err());
    assertTrue(r.out().contains("[config.needs-newer-ejabberd]"), r.out());
    Ejup.Result newest = Ejup.runCaptured(Map.of(), "config", "validate", CASES.resolve("host-url-encode.yml").toString(), "--ejabberd-version", "26.07");
    assertEquals(0, newest.exitCode(), newest.out());
  }

  @Test
  void aVersionThatIsNotOneIsAUsageErrorOnOneLine() {
    UserError e = assertThrows(UserError.class, () -> EjabberdVersion.parse("7"));
    assertEquals(3, e.exitCode());
    Ejup.Result r = Ejup.runCaptured(Map.of(), "config", "validate", CASES.resolve("host-url-encode.yml").toString(), "--ejabberd-version", "latest");
    assertEquals(3, r.exitCode());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  /**
   * A release outside the ones ejup knows is judged, not refused: by the newest (or oldest) known
   * release's rules, with exactly one note saying so, whether the user gave it or ejup found it.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"30.01, 'newer than any release ejup knows', 26.07", "99.12, 'newer than any release ejup knows', 26.07",
      "26.08, 'newer than any release ejup knows', 26.07", "21.01, 'older than any release ejup knows', 23.01"})
  void aReleaseOutsideTheKnownOnesIsJudgedWithOneNote(String version, String says, String judgedBy, @org.junit.jupiter.api.io.TempDir Path dir)
      throws java.io.IOException {
    Path base = Path.of("src/test/resources/config/base.yml");
    Ejup.Result r = Ejup.runCaptured(Map.of(), "config", "validate", base.toString(), "--ejabberd-version", version);
    assertEquals(0, r.exitCode(), r.out() + r.err());
    List<String> notes = r.err().lines().filter(l -> l.startsWith("ejup: note: ")).toList();
    assertEquals(1, notes.size(), r.err());
    assertTrue(notes.get(0).contains("ejabberd " + version + " is " + says) && notes.get(0).contains(judgedBy + "'s rules"), notes.get(0));
    assertTrue(r.err().contains("verdict for ejabberd " + version + " (--ejabberd-version)"), r.err());
    // the same release found on the system (a package newer than ejup) gets the same note
    EjabberdInstall.Release found = new EjabberdInstall.Release(EjabberdVersion.parse(version + "-1"), "package ejabberd " + version + "-1", false);
    assertEquals(notes.get(0), "ejup: note: " + found.note().orElseThrow());
    // apply and generate say it too
    Ejup.Result generated = Ejup.runCaptured(Map.of(), "config", "generate", "--host", "example.org", "--ejabberd-version", version);
    assertEquals(0, generated.exitCode(), generated.err());
    assertEquals(notes, generated.err().lines().filter(l -> l.startsWith("ejup: note: ")).toList());
    Path copy = java.nio.file.Files.copy(base, dir.resolve("ejabberd.yml"));
    Ejup.Result applied = Ejup.runCaptured(Map.of(), "config", "apply", copy.toString(), "--max-size", "1000000", "--dry-run",
        "--ejabberd-version", version);
    assertEquals(0, applied.exitCode(), applied.err());
    assertEquals(notes, applied.err().lines().filter(l -> l.startsWith("ejup: note: ")).toList());
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"23.01", "24.12", "25.10", "26.07", "26.7.1", "24.12-3~bpo12+1",
      "1:24.12-1", "24.12+dfsg-1", "24.12_1", "24.12-1.el9"})
  void aKnownReleaseOrOneBetweenGetsNoNote(String version) {
    Ejup.Result r = Ejup.runCaptured(Map.of(), "config", "validate", "src/test/resources/config/base.yml", "--ejabberd-version", version);
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertFalse(r.err().contains("note:"), r.err());
  }

  /** What the user writes must be a version as a whole: nothing is read out of a longer text. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"latest", "24", "2024.12", "24.13", "24.00", "v24.12", "24.12 or so", "24,12", ""})
  void aGivenVersionThatIsNotOneIsAUsageErrorForEveryCommand(String version) {
    for (String[] argv : List.of(
        new String[] {"config", "validate", "src/test/resources/config/base.yml", "--ejabberd-version", version},
        new String[] {"config", "generate", "--host", "example.org", "--ejabberd-version", version},
        new String[] {"config", "generate", "--proxy", "nginx", "--ejabberd-version", version})) {
      Ejup.Result r = Ejup.runCaptured(Map.of(), argv);
      assertEquals(3, r.exitCode(), String.join(" ", argv) + ": " + r.out() + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains("is not an ejabberd version"), r.err());
      assertFalse(r.err().contains("Exception"), r.err());
    }
  }

  @ParameterizedTest
  @CsvSource({"24.12-3~bpo12+1, 24.12", "'ejabberd 26.07 is running in that node', 26.07", "/opt/ejabberd-25.10, 25.10", "23.01-1, 23.01"})
  void versionsAreReadFromWhatTheSystemsSay(String text, String expected) {
    assertEquals(expected, EjabberdVersion.parse(text).toString());
  }

  /**
   * With Debian's package here (scripts/local-ejabberd installs it) the package is the evidence;
   * on a machine without any ejabberd, the newest release ejup knows, said to be a guess.
   */
  @Test
  void detectionReadsTheDebianPackageOrSaysItGuessed() {
    EjabberdInstall.Release release = EjabberdInstall.detect(new LocalShell(), null);
    LocalShell shell = new LocalShell();
    boolean packaged = shell.run(List.of("sh", "-c", "dpkg-query -W -f='${Status}' ejabberd 2>/dev/null | grep -q ' installed'"), false).ok();
    if (packaged) {
      assertFalse(release.guessed(), release.describe());
      assertTrue(release.source().startsWith("package ejabberd "), release.describe());
      assertEquals("/etc/ejabberd/ejabberd.yml", EjabberdInstall.defaultConfig(shell));
    } else if (!release.source().startsWith("package ")) {
      assertEquals(EjabberdVersion.NEWEST, release.version());
      assertTrue(release.describe().contains("pass --ejabberd-version"), release.describe());
    }
  }
}
