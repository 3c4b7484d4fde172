package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.model.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ejup config apply`: only the edited blocks change, twice changes nothing, never a broken file. */
class ApplyTest {
  @TempDir
  Path dir;

  private Path copyOf(String resource) throws IOException {
    Path file = dir.resolve("ejabberd.yml");
    Files.copy(Path.of("src/test/resources/config/" + resource), file);
    return file;
  }

  private static Ejup.Result ejup(String... args) {
    return Ejup.runCaptured(Map.of(), args);
  }

  private List<Path> backups() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().matches("ejabberd\\.yml\\.ejup-\\d{8}-\\d{6}(-\\d+)?\\.bak")).toList();
    }
  }

  @Test
  void debianStockGetsUploadByUncommentingItsOwnLines() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    String before = Files.readString(file);
    Ejup.Result r = ejup("config", "apply", file.toString(), "--host", "localhost");
    assertEquals(0, r.exitCode(), r.err());
    String after = Files.readString(file);

    List<String> old = before.lines().toList();
    List<String> now = after.lines().toList();
    // the listener line is uncommented in place
    int handler = old.indexOf("      ## /upload: mod_http_upload");
    assertEquals("      /upload: mod_http_upload", now.get(handler));
    // the commented module block (6 lines) becomes the module with Debian's CORS headers (6 lines),
    // @HOST@ written out (ejabberd does not expand it in custom_headers); everything else is identical
    int module = old.indexOf("  ## mod_http_upload:");
    assertEquals(List.of("  mod_http_upload:", "    put_url: https://@HOST@:5443/upload", "    custom_headers:",
        "      \"Access-Control-Allow-Origin\": \"https://localhost\"",
        "      \"Access-Control-Allow-Methods\": \"GET,HEAD,PUT,OPTIONS\"",
        "      \"Access-Control-Allow-Headers\": \"Content-Type\""), now.subList(module, module + 6));
    assertEquals(old.subList(0, handler), now.subList(0, handler));
    assertEquals(old.subList(handler + 1, module), now.subList(handler + 1, module));
    assertEquals(old.subList(module + 6, old.size()), now.subList(module + 6, now.size()));
    assertTrue(after.endsWith("\n") == before.endsWith("\n"));

    assertEquals(0, ConfigValidator.validate(ConfigTree.load(file, new LocalStore())).size());
    assertTrue(r.out().contains("-      ## /upload: mod_http_upload\n+      /upload: mod_http_upload\n"), r.out());
    assertEquals(1, backups().size());
    assertEquals(before, Files.readString(backups().get(0)));
  }

  @Test
  void noCorsEnablesDebiansBlockWithoutItsCorsHeaders() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    String before = Files.readString(file);
    Ejup.Result r = ejup("config", "apply", file.toString(), "--host", "localhost", "--no-cors", "--no-backup");
    assertEquals(0, r.exitCode(), r.err());
    List<String> old = before.lines().toList();
    List<String> now = Files.readString(file).lines().toList();
    int module = old.indexOf("  ## mod_http_upload:");
    assertEquals(List.of("  mod_http_upload:", "    put_url: https://@HOST@:5443/upload", "  mod_last: {}"), now.subList(module, module + 3));
    assertFalse(Files.readString(file).contains("Access-Control"), Files.readString(file));
    assertFalse(r.err().contains("CORS"), r.err());
  }

  @Test
  void anErrorInTheFileStopsTheWriteUnlessItsRuleIsIgnored() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    // a contrib module's own top-level option, say: ejup does not know it, the server may
    Files.writeString(file, Files.readString(file) + "\ncontrib_global_option: true\n");
    String before = Files.readString(file);
    Ejup.Result refused = ejup("config", "apply", file.toString(), "--host", "localhost", "--no-backup");
    assertEquals(2, refused.exitCode(), refused.err());
    assertTrue(refused.err().contains("[config.unknown-option]") && refused.err().contains("--ignore RULE-ID"), refused.err());
    assertEquals(before, Files.readString(file));
    Ejup.Result unknownRule = ejup("config", "apply", file.toString(), "--host", "localhost", "--ignore", "config.no-such-rule");
    assertEquals(3, unknownRule.exitCode(), unknownRule.err());
    assertEquals(before, Files.readString(file));
    Ejup.Result written = ejup("config", "apply", file.toString(), "--host", "localhost", "--no-backup", "--ignore", "config.unknown-option");
    assertEquals(0, written.exitCode(), written.err());
    assertTrue(Files.readString(file).contains("      /upload: mod_http_upload") && Files.readString(file).contains("contrib_global_option: true"));
  }

  @Test
  void secondRunChangesNothingAndSaysSo() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    ejup("config", "apply", file.toString(), "--host", "localhost");
    String once = Files.readString(file);
    Ejup.Result again = ejup("config", "apply", file.toString(), "--host", "localhost");
    assertEquals(0, again.exitCode());
    assertTrue(again.out().contains("nothing to change"), again.out());
    assertEquals(once, Files.readString(file));
    assertEquals(1, backups().size(), "no backup for a run that wrote nothing");
  }

  @Test
  void dryRunPrintsTheDiffAndWritesNothing() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    String before = Files.readString(file);
    Ejup.Result r = ejup("config", "apply", file.toString(), "--host", "localhost", "--dry-run");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().startsWith("--- " + file + " (current)\n+++ " + file + " (with upload)\n@@ -90,7 +90,7 @@\n"), r.out());
    assertEquals(before, Files.readString(file));
    assertTrue(backups().isEmpty());
  }

  @Test
  void changingOptionsTouchesOnlyThoseValues() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    ejup("config", "apply", file.toString(), "--host", "localhost");
    String once = Files.readString(file);
    Ejup.Result r = ejup("config", "apply", file.toString(), "--max-size", "5000", "--file-mode", "0640", "--dir-mode", "0750",
        "--docroot", "/srv/upload", "--no-backup");
    assertEquals(0, r.exitCode(), r.err());
    String twice = Files.readString(file);
    assertTrue(twice.contains("  mod_http_upload:\n    put_url: https://@HOST@:5443/upload\n    custom_headers:\n"
        + "      \"Access-Control-Allow-Origin\": \"https://localhost\"\n      \"Access-Control-Allow-Methods\": \"GET,HEAD,PUT,OPTIONS\"\n"
        + "      \"Access-Control-Allow-Headers\": \"Content-Type\"\n    docroot: /srv/upload\n"
        + "    max_size: 5000\n    file_mode: \"0640\"\n    dir_mode: \"0750\"\n  mod_last: {}\n"), twice);
    assertEquals(once.length() + "    docroot: /srv/upload\n    max_size: 5000\n    file_mode: \"0640\"\n    dir_mode: \"0750\"\n".length(),
        twice.length());
    ejup("config", "apply", file.toString(), "--max-size", "6000", "--no-backup");
    assertTrue(Files.readString(file).contains("    max_size: 6000\n    file_mode"), "replaced in place");
  }

  @Test
  void aPortWithoutListenerGetsANewListenerAtTheEndOfListen() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    Ejup.Result r = ejup("config", "apply", file.toString(), "--port", "5444", "--ip", "127.0.0.1", "--no-backup");
    assertEquals(0, r.exitCode(), r.err());
    String after = Files.readString(file);
    assertTrue(after.contains("    module: mod_mqtt\n    backlog: 1000\n  -\n    port: 5444\n    ip: \"127.0.0.1\"\n"
        + "    module: ejabberd_http\n    tls: true\n    request_handlers:\n      /upload: mod_http_upload\n"), after);
    assertTrue(after.contains("put_url: https://@HOST@:5444/upload"));
    assertTrue(after.contains("      ## /upload: mod_http_upload"), "the 5443 listener is left alone");
  }

  @Test
  void aPortTakenByAnotherModuleIsRefused() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    String before = Files.readString(file);
    Ejup.Result r = ejup("config", "apply", file.toString(), "--port", "5222");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("port 5222 is already used by ejabberd_c2s"), r.err());
    assertEquals(before, Files.readString(file));
  }

  @Test
  void plainHttpOnATlsListenerIsRefused() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    Ejup.Result r = ejup("config", "apply", file.toString(), "--scheme", "http", "--port", "5280");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("speaks TLS but the upload URL would be plain http"), r.err());
  }

  @Test
  void aResultThatWouldNotValidateIsNotWritten() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    String before = Files.readString(file);
    Ejup.Result r = ejup("config", "apply", file.toString(), "--access", "uploaders");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("[upload.access-undefined]"), r.err());
    assertTrue(r.err().contains("refusing to write"), r.err());
    assertEquals(before, Files.readString(file));
    assertTrue(backups().isEmpty());
  }

  @Test
  void unknownHostIsRefused() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    Ejup.Result r = ejup("config", "apply", file.toString(), "--host", "example.org");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("example.org is not a virtual host"), r.err());
  }

  @Test
  void modeOfTheOriginalIsKept() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    ejup("config", "apply", file.toString(), "--host", "localhost");
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(backups().get(0))));
  }

  @Test
  void quotaAddsTheModuleAndItsShaperRules() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    Ejup.Result r = ejup("config", "apply", file.toString(), "--quota-soft", "500", "--quota-hard", "1000",
        "--quota-max-days", "30", "--no-backup");
    assertEquals(0, r.exitCode(), r.err());
    String after = Files.readString(file);
    assertTrue(after.contains("  s2s_shaper: fast\n  soft_upload_quota: {500: all}\n  hard_upload_quota: {1000: all}\n"), after);
    assertTrue(after.contains("  mod_http_upload_quota:\n    max_days: 30\n    access_soft_quota: soft_upload_quota\n"
        + "    access_hard_quota: hard_upload_quota\n"), after);
    List<Diagnostic> found = ConfigValidator.validate(ConfigTree.load(file, new LocalStore()));
    assertEquals(List.of(), found);
  }

  @Test
  void generateIntoIsApply() throws IOException {
    Path file = copyOf("debian-stock-23.01.yml");
    Ejup.Result r = ejup("config", "generate", "--into", file.toString(), "--host", "localhost", "--no-backup");
    assertEquals(0, r.exitCode(), r.err());
    assertNotEquals(Files.readString(Path.of("src/test/resources/config/debian-stock-23.01.yml")), Files.readString(file));
  }

  @Test
  void generatedFragmentAndFullConfigValidate() throws IOException {
    Ejup.Result full = ejup("config", "generate", "--full", "--host", "example.org", "--max-size", "1000",
        "--file-mode", "0640", "--dir-mode", "0750", "--docroot", "@HOME@/upload", "--quota-soft", "10");
    assertEquals(0, full.exitCode(), full.err());
    Path file = Files.writeString(dir.resolve("full.yml"), full.out());
    assertEquals(List.of(), ConfigValidator.validate(ConfigTree.load(file, new LocalStore())));
    Ejup.Result fragment = ejup("config", "generate", "--scheme", "http");
    assertTrue(fragment.out().contains("    port: 5280\n"), fragment.out());
    assertFalse(fragment.out().contains("tls:"), fragment.out());
    assertTrue(fragment.out().contains("put_url: http://@HOST@:5280/upload"), fragment.out());
  }

  /** The stock fixture without its last lines (the module block), then the given text. */
  private Path withModules(String tail) throws IOException {
    Path file = dir.resolve("ejabberd.yml");
    String base = Files.readString(Path.of("src/test/resources/config/rules/config.include-unreadable.good.yml"));
    Files.writeString(file, base.substring(0, base.indexOf("  mod_http_upload:")) + tail);
    return file;
  }

  private void assertRefusedUnchanged(Path file, Ejup.Result r, String... words) throws IOException {
    assertEquals(2, r.exitCode(), r.out() + r.err());
    String line = r.err().lines().filter(l -> !l.contains("verdict for")).findFirst().orElse("");
    assertEquals(1, r.err().lines().filter(l -> !l.contains("verdict for")).count(), r.err());
    for (String w : words) {
      assertTrue(line.contains(w), line);
    }
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void aModuleInAnIncludedFileIsNeverAddedAgainToTheMainFile() throws IOException {
    Files.writeString(dir.resolve("upload.yml"), "modules:\n  mod_http_upload:\n    put_url: https://@HOST@:5443/upload\n");
    Path file = withModules("\ninclude_config_file: upload.yml\n");
    String before = Files.readString(file);
    Ejup.Result r = ejup("config", "apply", file.toString(), "--max-size", "2000", "--ejabberd-version", "23.01", "--no-backup");
    assertRefusedUnchanged(file, r, dir.resolve("upload.yml") + ":2", "included file", "by hand");
    assertEquals(before, Files.readString(file));
  }

  @Test
  void aModuleOnlyUnderHostConfigOrAppendHostConfigIsRefusedNamingTheHost() throws IOException {
    for (String perHost : List.of("host_config", "append_host_config")) {
      Path file = withModules("\n" + perHost + ":\n  localhost:\n    modules:\n      mod_http_upload:\n        max_size: 1000\n");
      String before = Files.readString(file);
      Ejup.Result r = ejup("config", "apply", file.toString(), "--max-size", "2000", "--ejabberd-version", "23.01", "--no-backup");
      int line = before.lines().toList().indexOf("      mod_http_upload:") + 1;
      assertRefusedUnchanged(file, r, "for localhost alone at " + file + ":" + line);
      assertEquals(before, Files.readString(file), perHost);
    }
  }

  @Test
  void aFlowStyleModuleIsRefusedRatherThanRewrittenWithoutItsOtherOptions() throws IOException {
    Path file = withModules("  mod_http_upload: {put_url: \"https://@HOST@:5443/upload\", docroot: /srv/upload, max_size: 10485760}\n");
    String before = Files.readString(file);
    Ejup.Result r = ejup("config", "apply", file.toString(), "--max-size", "2000", "--ejabberd-version", "23.01", "--no-backup");
    int line = before.lines().toList().size();
    assertRefusedUnchanged(file, r, "modules->mod_http_upload (line " + line + ")", "{...} style", "one entry per line");
    assertEquals(before, Files.readString(file));
  }

  @Test
  void aFlowStyleListenIsRefused() throws IOException {
    Path file = dir.resolve("ejabberd.yml");
    Files.writeString(file, "hosts: [localhost]\nlisten: [{port: 5222, module: ejabberd_c2s}]\nmodules:\n  mod_disco: {}\n");
    String before = Files.readString(file);
    Ejup.Result r = ejup("config", "apply", file.toString(), "--host", "localhost", "--ejabberd-version", "23.01", "--no-backup");
    assertRefusedUnchanged(file, r, "[...] style");
    assertEquals(before, Files.readString(file));
  }
}
