package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ejup config validate` end to end, in-process: exit codes, formats, includes, macros. */
class ValidateCommandTest {
  static final Path STOCK = Path.of("src/test/resources/config/debian-stock-23.01.yml");
  static final Path RULES = Path.of("src/test/resources/config/rules");

  static Ejup.Result ejup(String... args) {
    return Ejup.runCaptured(Map.of(), args);
  }

  @Test
  void debiansStockConfigIsClean() {
    Ejup.Result r = ejup("config", "validate", STOCK.toString());
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("OK, no problems found"));
  }

  @Test
  void errorsExitTwoInCompilerFormat() {
    Ejup.Result r = ejup("config", "validate", RULES.resolve("upload.secret-length.bad.yml").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.out().startsWith(RULES.resolve("upload.secret-length.bad.yml") + ":53:20: error: modules->mod_http_upload->secret_length: "
        + "Invalid value: Expected integer from 8 to 1000, got: 4 [upload.secret-length]\n    hint: "), r.out());
  }

  @Test
  void warningsOnlyExitOne() {
    assertEquals(1, ejup("config", "validate", RULES.resolve("upload.plain-http.bad.yml").toString()).exitCode());
  }

  @Test
  void ignoringARuleSilencesIt() {
    Ejup.Result r = ejup("config", "validate", "--ignore", "upload.plain-http", RULES.resolve("upload.plain-http.bad.yml").toString());
    assertEquals(0, r.exitCode(), r.out());
  }

  @Test
  void jsonListsDiagnosticsWithStableFields() {
    Ejup.Result r = ejup("config", "validate", "--format", "json", RULES.resolve("upload.jid-in-url.bad.yml").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.out().contains("\"rule\": \"upload.jid-in-url\""), r.out());
    assertTrue(r.out().contains("\"line\": 53, \"column\": 17"), r.out());
    assertTrue(r.out().contains("Did you mean"), r.out());
    assertTrue(r.out().contains("\"exit_code\": 2"), r.out());
  }

  @Test
  void includesAreFollowedAndFindingsNameTheIncludedFile(@TempDir Path dir) throws IOException {
    Path main = dir.resolve("ejabberd.yml");
    Path modules = dir.resolve("modules.yml");
    String base = Files.readString(Path.of("src/test/resources/config/base.yml"));
    String head = base.substring(0, base.indexOf("modules:"));
    Files.writeString(main, head + "include_config_file:\n  - modules.yml\n");
    Files.writeString(modules, "modules:\n  mod_disco: {}\n  mod_http_upload:\n    put_url: https://@HOST@:5443/upload\n    secret_length: 2\n");
    Ejup.Result r = ejup("config", "validate", main.toString());
    assertEquals(2, r.exitCode(), r.out());
    assertTrue(r.out().startsWith(modules + ":5:20: error:"), r.out());
  }

  @Test
  void missingIncludeIsAnErrorAtTheIncludeLine(@TempDir Path dir) throws IOException {
    Path main = dir.resolve("ejabberd.yml");
    Files.writeString(main, Files.readString(Path.of("src/test/resources/config/base.yml")) + "include_config_file: nowhere.yml\n");
    Ejup.Result r = ejup("config", "validate", main.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.out().contains("[config.include-unreadable]"), r.out());
  }

  @Test
  void includeLoopIsReportedNotFollowedForever(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.yml"), "hosts: [localhost]\ninclude_config_file: b.yml\n");
    Files.writeString(dir.resolve("b.yml"), "loglevel: info\ninclude_config_file: a.yml\n");
    Ejup.Result r = ejup("config", "validate", dir.resolve("a.yml").toString());
    assertTrue(r.out().contains("[config.include-loop]"), r.out());
  }

  @Test
  void macrosAreSubstituted(@TempDir Path dir) throws IOException {
    String base = Files.readString(Path.of("src/test/resources/config/base.yml"));
    Path file = dir.resolve("ejabberd.yml");
    Files.writeString(file, "define_macro:\n  UPLOAD_PORT: 5443\n  SECRET: 3\n"
        + base.replace("port: 5443", "port: UPLOAD_PORT").replace("    put_url: https://@HOST@:5443/upload\n",
            "    put_url: https://@HOST@:5443/upload\n    secret_length: SECRET\n"));
    Ejup.Result r = ejup("config", "validate", file.toString());
    assertEquals(2, r.exitCode(), r.out());
    assertTrue(r.out().contains("got: 3 [upload.secret-length]"), r.out());
    assertFalse(r.out().contains("unrouted"), "the macro port must route: " + r.out());
  }

  @Test
  void theDefaultPathIsEtcEjabberd() {
    Ejup.Result r = ejup("config", "validate", "--format", "json", "/nonexistent/ejabberd.yml");
    assertEquals(3, r.exitCode());
    assertTrue(r.err().contains("/nonexistent/ejabberd.yml: no such file"), r.err());
  }

  @Test
  void nonUtf8IsOneLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yml");
    Files.write(file, "hosts:\n  - \"caf\u00e9\"\n".getBytes(StandardCharsets.ISO_8859_1));
    Ejup.Result r = ejup("config", "validate", file.toString());
    assertEquals(3, r.exitCode());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("is not UTF-8 (invalid byte 0xe9 on line 2)"), r.err());
  }

  /** As ejabberd 23.01 and 24.12 answer reload_config (DifferentialIT: upload-vcard-*.yml). */
  @Test
  void anEmptyVcardIsAnErrorAndOneWithAFieldIsNot() {
    Path differential = Path.of("src/test/resources/config/differential");
    Ejup.Result empty = ejup("config", "validate", differential.resolve("upload-vcard-empty.yml").toString(), "--ejabberd-version", "23.01");
    assertEquals(2, empty.exitCode(), empty.out());
    assertTrue(empty.out().contains("upload-vcard-empty.yml:52:12: error: modules->mod_http_upload->vcard: Invalid value: an empty vcard: "
        + "ejabberd refuses the file (\"Exception occurred during configuration processing\") [upload.type]"), empty.out());
    Ejup.Result fn = ejup("config", "validate", differential.resolve("upload-vcard-fn.yml").toString(), "--ejabberd-version", "23.01");
    assertEquals(0, fn.exitCode(), fn.out());
  }

  /**
   * A vcard's fields are econf:vcard_temp/0's: a field ejabberd does not know (FN, fnx) or of the
   * wrong type (an email as a string, a number as fn, a class outside its three, a flag that is no
   * boolean) makes it refuse the file, as 23.01 answered reload_config; ejup said OK. Every field
   * kind ejabberd takes still passes (DifferentialIT: upload-vcard-*.yml).
   */
  @Test
  void aVcardFieldEjabberdDoesNotTakeIsAnError(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
    Path differential = Path.of("src/test/resources/config/differential");
    String base = Files.readString(differential.resolve("upload-vcard-fn.yml")).replace("      fn: \"File upload\"\n", "");
    java.util.Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("      FN: \"File upload\"\n", "vcard: Invalid value: Unknown option: FN (ejabberd refuses the file)");
    refused.put("      fnx: \"File upload\"\n", "vcard: Invalid value: Unknown option: fnx (ejabberd refuses the file)");
    refused.put("      fn: 5\n", "vcard->fn: Invalid value: Expected string, got number: 5");
    refused.put("      email: \"a@example.org\"\n", "vcard->email: Invalid value: Expected list, got a@example.org");
    refused.put("      email:\n        - userid: a@example.org\n          work: maybe\n", "vcard->email->1->work: Invalid value: Expected boolean, got maybe");
    refused.put("      class: secret\n", "vcard->class: Invalid value: Unexpected value: secret");
    refused.put("      n: \"File Upload\"\n", "vcard->n: Invalid value: Expected map, got File Upload");
    refused.put("      n:\n        first: File\n", "vcard->n: Invalid value: Unknown option: first (ejabberd refuses the file)");
    refused.put("      photo:\n        binval: \"aGVsbG8\"\n", "vcard->photo->binval: Invalid value: Invalid Base64 string");
    refused.put("      photo:\n        binval: \"not base64!!\"\n", "vcard->photo->binval: Invalid value: Invalid Base64 string");
    refused.put("      photo:\n        binval: 1234\n", "vcard->photo->binval: Invalid value: Expected string, got number: 1234");
    refused.put("      fn: .5\n", "vcard->fn: Invalid value: Expected string, got number: .5");
    refused.replaceAll((snippet, said) -> "error: modules->mod_http_upload->" + said);
    assertEachRefused(dir, base, refused, "23.01");
    for (String string : new String[] {"-.5", "+.5", "1e3", "0x1F"}) {
      // what fast_yaml leaves a string, as ejabberd 23.01, 24.12 and 26.07 load it
      Path file = Files.writeString(dir.resolve("s.yml"), base + "      fn: " + string + "\n");
      Ejup.Result r = ejup("config", "validate", file.toString(), "--ejabberd-version", "23.01");
      assertEquals(0, r.exitCode(), string + r.out());
    }
    Ejup.Result full = ejup("config", "validate", differential.resolve("upload-vcard-full.yml").toString(), "--ejabberd-version", "23.01");
    assertEquals(0, full.exitCode(), full.out());
  }

  /**
   * append_module_config's hosts take mod_http_upload's own options, and 26.07 checks them as the
   * module's: a vcard field it does not know there, or options written without a host key, make it
   * refuse the file. ejup checked only that each host had a mapping.
   */
  @Test
  void appendModuleConfigsOptionsAreCheckedAsTheModulesOwn(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
    Path differential = Path.of("src/test/resources/config/differential");
    String base = Files.readString(differential.resolve("upload-vcard-fn.yml")).replace("    vcard:\n      fn: \"File upload\"\n", "");
    Map<String, String> refused = Map.of(
        "    append_module_config:\n      localhost:\n        vcard:\n          fnx: a\n",
        "modules->mod_http_upload->append_module_config->'localhost'->vcard: Invalid value: Unknown option: fnx",
        "    append_module_config:\n      vcard:\n        fnx: a\n",
        "unknown option 'fnx' of mod_http_upload (in append_module_config->'vcard')",
        "    append_module_config:\n      localhost:\n        max_size: 0\n",
        "modules->mod_http_upload->append_module_config->'localhost'->max_size");
    assertEachRefused(dir, base, refused, "26.07");
    Ejup.Result fine = ejup("config", "validate", differential.resolve("append-module-config.yml").toString(), "--ejabberd-version", "26.07");
    assertTrue(fine.exitCode() <= 1, fine.out());
  }

  /**
   * ejabberd's YAML reader takes an alias *name for the string 'name': a rule judges that string,
   * not the anchored value (fn: &C private / class: *C is class 'C', which 23.01, 24.12 and 26.07
   * refuse; ejup only warned). Lines and columns stay the file's, an emoji before it too.
   */
  @Test
  void anAliasIsJudgedAsTheStringEjabberdReads(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
    Path differential = Path.of("src/test/resources/config/differential");
    String base = Files.readString(differential.resolve("upload-vcard-fn.yml")).replace("      fn: \"File upload\"\n", "");
    Path file = Files.writeString(dir.resolve("a.yml"), "# \uD83D\uDE00 uploads\n" + base + "      fn: &C private\n      class: *C\n");
    Ejup.Result r = ejup("config", "validate", file.toString(), "--ejabberd-version", "23.01");
    assertEquals(2, r.exitCode(), r.out());
    int line = (int) Files.readString(file).lines().takeWhile(l -> !l.contains("class: *C")).count() + 1;
    assertTrue(r.out().contains("a.yml:" + line + ":14: error: modules->mod_http_upload->vcard->class: Invalid value: Unexpected value: C"), r.out());
    assertTrue(r.out().contains("a.yml:" + line + ":14: warning: alias *C"), r.out());
  }

  /** base with each snippet appended: ejabberd version's verdict is an error (exit 2) whose output contains the snippet's words. */
  private static void assertEachRefused(Path dir, String base, Map<String, String> snippetToWords, String version) throws java.io.IOException {
    for (var c : snippetToWords.entrySet()) {
      Path file = Files.writeString(dir.resolve("snippet.yml"), base + c.getKey());
      Ejup.Result r = ejup("config", "validate", file.toString(), "--ejabberd-version", version);
      assertEquals(2, r.exitCode(), c.getKey() + r.out());
      assertTrue(r.out().contains(c.getValue()), c.getKey() + r.out());
    }
  }

  /** ejabberd's own words for an unquoted mode: "Expected string, got integer instead". */
  @Test
  void anUnquotedModeSaysWhatEjabberdSays() {
    Ejup.Result r = ejup("config", "validate", RULES.resolve("upload.mode-unquoted.bad.yml").toString());
    assertEquals(2, r.exitCode(), r.out());
    assertTrue(r.out().contains("Expected string, got integer instead: YAML reads the unquoted mode"), r.out());
    assertFalse(r.out().contains("other bits"), r.out());
  }
}
