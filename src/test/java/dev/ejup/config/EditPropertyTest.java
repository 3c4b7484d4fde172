package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Every edit goes to the section it names, on every good fixture, in LF, CRLF and with a BOM:
 * each option applied alone changes that option's place and nothing else (compared as YAML data,
 * so a line that lands in the wrong section is caught even when the text looks plausible), and a
 * second apply changes nothing.
 */
class EditPropertyTest {
  @TempDir
  Path dir;

  /** An option, its value, and where ejabberd will read it after the apply. */
  private record Option(String flag, String value, String module, String key, Object expected) {}

  private static final List<Option> OPTIONS = List.of(
      new Option("--max-size", "5000", "mod_http_upload", "max_size", 5000),
      new Option("--file-mode", "0640", "mod_http_upload", "file_mode", "0640"),
      new Option("--dir-mode", "0750", "mod_http_upload", "dir_mode", "0750"),
      new Option("--docroot", "/srv/upload", "mod_http_upload", "docroot", "/srv/upload"),
      new Option("--access", "local", "mod_http_upload", "access", "local"),
      new Option("--get-url", "https://files.localhost/get", "mod_http_upload", "get_url", "https://files.localhost/get"),
      new Option("--put-url", "https://@HOST@:5443/put", "mod_http_upload", "put_url", "https://@HOST@:5443/put"),
      new Option("--quota-soft", "500", "mod_http_upload_quota", "access_soft_quota", "soft_upload_quota"),
      new Option("--quota-hard", "1000", "mod_http_upload_quota", "access_hard_quota", "hard_upload_quota"),
      new Option("--quota-max-days", "30", "mod_http_upload_quota", "max_days", 30),
      new Option("--port", "5444", null, null, null),
      new Option("--path", "/files", null, null, null),
      new Option("--host", "localhost", null, null, null));

  static List<Path> goodFixtures() throws IOException {
    List<Path> all = new ArrayList<>(List.of(Path.of("src/test/resources/config/base.yml"),
        Path.of("src/test/resources/config/debian-stock-23.01.yml"),
        // upload on another port than 5443: plain http on 5280, and behind a reverse proxy on 443
        Path.of("src/test/resources/config/listen/upload-on-5280.yml"),
        Path.of("src/test/resources/config/rules/upload.reverse-proxy.bad.yml")));
    try (Stream<Path> rules = Files.list(Path.of("src/test/resources/config/rules"))) {
      rules.filter(p -> p.getFileName().toString().endsWith(".good.yml")).sorted().forEach(all::add);
    }
    return all;
  }

  /** The same file in the three forms a real one comes in. */
  enum Form {
    LF, CRLF, BOM;

    byte[] of(String text) {
      return switch (this) {
        case LF -> text.getBytes(StandardCharsets.UTF_8);
        case CRLF -> text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        case BOM -> ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8);
      };
    }

    void assertKept(String where, byte[] after) {
      String text = new String(after, StandardCharsets.UTF_8);
      switch (this) {
        case LF -> assertTrue(!text.contains("\r") && !text.startsWith("\uFEFF"), where + ": no CR, no BOM added");
        case CRLF -> assertTrue(text.replace("\r\n", "").indexOf('\n') < 0, where + ": every line still ends in CRLF:\n" + text);
        case BOM -> assertTrue(text.startsWith("\uFEFF") && text.indexOf('\uFEFF', 1) < 0, where + ": the BOM is kept, once");
      }
    }
  }

  /**
   * The release is named, not detected: detection runs dpkg-query at every apply (a fifth of this
   * test's time) and would judge by whatever ejabberd the machine has. The fixtures run on two
   * threads, each in a folder of its own: 59 fixtures x 3 forms x 13 options, applied twice, are
   * some 4,600 applies.
   */
  @Test
  void eachOptionAloneChangesOnlyItsOwnPlaceAndASecondApplyNothing() throws Exception {
    List<Path> fixtures = goodFixtures();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    List<java.util.concurrent.Future<Tally>> tallies = new ArrayList<>();
    try {
      for (Path fixture : fixtures) {
        Path own = Files.createDirectory(dir.resolve("f" + tallies.size()));
        tallies.add(pool.submit(() -> applyEach(fixture, own)));
      }
      int applied = 0;
      List<String> failures = new ArrayList<>();
      for (java.util.concurrent.Future<Tally> t : tallies) {
        applied += t.get().applied();
        failures.addAll(t.get().failures());
      }
      assertEquals(List.of(), failures);
      assertTrue(applied > 300, "most combinations apply: " + applied);
    } finally {
      pool.shutdownNow();
    }
  }

  private record Tally(int applied, List<String> failures) {}

  private static Tally applyEach(Path fixture, Path dir) throws IOException {
    int applied = 0;
    List<String> failures = new ArrayList<>();
    String text = Files.readString(fixture);
    for (Form form : Form.values()) {
      for (Option option : OPTIONS) {
        String where = fixture.getFileName() + " (" + form + ") " + option.flag() + " " + option.value();
        Path file = dir.resolve("ejabberd.yml");
        Files.write(file, form.of(text));
        byte[] before = Files.readAllBytes(file);
        Ejup.Result first = apply(file, option);
        byte[] after = Files.readAllBytes(file);
        if (first.exitCode() != 0) {
          // a refusal (a flow-style block, a rule the result would break) writes nothing
          if (!java.util.Arrays.equals(before, after)) {
            failures.add(where + ": refused (" + first.err().strip() + ") but the file changed");
          }
          continue;
        }
        applied++;
        try {
          form.assertKept(where, after);
          onlyItsOwnPlace(where, option, load(before), load(after));
        } catch (AssertionError e) {
          failures.add(e.getMessage());
        }
        Ejup.Result second = apply(file, option);
        if (second.exitCode() != 0 || !second.out().contains("nothing to change") || !java.util.Arrays.equals(after, Files.readAllBytes(file))) {
          failures.add(where + ": a second apply changed the file again:\n" + second.out() + second.err());
        }
      }
    }
    return new Tally(applied, failures);
  }

  private static Ejup.Result apply(Path file, Option option) {
    return Ejup.runCaptured(Map.of(), "config", "apply", file.toString(), option.flag(), option.value(), "--no-backup",
        "--ejabberd-version", "23.01");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object data = new Yaml(options).load(text);
    return data == null ? Map.of() : new LinkedHashMap<>((Map<String, Object>) data);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapAt(Map<String, Object> data, String key) {
    Object value = data.get(key);
    return value instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
  }

  private static final List<String> UPLOAD_MODULES = List.of("mod_http_upload", "mod_http_upload_quota");

  /** Every top-level option, module, shaper rule and listener that is not the upload's is as it was. */
  @SuppressWarnings("unchecked")
  private static void onlyItsOwnPlace(String where, Option option, Map<String, Object> before, Map<String, Object> after) {
    for (String key : union(before.keySet(), after.keySet())) {
      if (!List.of("listen", "modules", "shaper_rules").contains(key)) {
        assertEquals(before.get(key), after.get(key), where + ": top-level '" + key + "' changed");
      }
    }
    Map<String, Object> modsBefore = mapAt(before, "modules");
    Map<String, Object> modsAfter = mapAt(after, "modules");
    for (String module : union(modsBefore.keySet(), modsAfter.keySet())) {
      if (!UPLOAD_MODULES.contains(module)) {
        assertEquals(modsBefore.get(module), modsAfter.get(module), where + ": modules->" + module + " changed");
      }
    }
    assertTrue(modsAfter.containsKey("mod_http_upload"), where + ": mod_http_upload is under modules");
    Map<String, Object> rulesBefore = mapAt(before, "shaper_rules");
    Map<String, Object> rulesAfter = mapAt(after, "shaper_rules");
    for (String rule : rulesBefore.keySet()) {
      assertEquals(rulesBefore.get(rule), rulesAfter.get(rule), where + ": shaper_rules->" + rule + " changed");
    }
    for (String rule : rulesAfter.keySet()) {
      assertTrue(rulesBefore.containsKey(rule) || rule.endsWith("_upload_quota"), where + ": shaper_rules gained '" + rule + "'");
    }
    if (option.module() != null) {
      Map<String, Object> module = mapAt(modsAfter, option.module());
      assertEquals(option.expected(), module.get(option.key()), where + ": modules->" + option.module() + "->" + option.key());
      if (option.module().equals("mod_http_upload_quota")) {
        assertTrue(option.flag().equals("--quota-max-days") || rulesAfter.containsKey(String.valueOf(option.expected())),
            where + ": its shaper rule is under shaper_rules");
      }
    }
    if (!option.flag().startsWith("--quota")) {
      assertEquals(modsBefore.get("mod_http_upload_quota"), modsAfter.get("mod_http_upload_quota"), where + ": quota module changed");
    }
    List<Object> listenBefore = before.get("listen") instanceof List<?> l ? (List<Object>) l : List.of();
    List<Object> listenAfter = after.get("listen") instanceof List<?> l ? (List<Object>) l : List.of();
    if (modsBefore.containsKey("mod_http_upload") && !List.of("--port", "--path", "--put-url").contains(option.flag())) {
      // the upload was set up already and this option is not about where it is served: listen stays as it was
      assertEquals(listenBefore, listenAfter, where + ": listen changed");
    }
    Object putUrl = mapAt(modsAfter, "mod_http_upload").getOrDefault("put_url", "https://@HOST@:5443/upload");
    UploadUrl url = UploadUrl.parse(String.valueOf(putUrl), "localhost").orElseThrow();
    int port = url.port();
    for (Object listener : listenBefore) {
      if (!(listener instanceof Map<?, ?> m && Objects.equals(m.get("port"), port))) {
        assertTrue(listenAfter.contains(listener), where + ": listener " + listener + " changed");
      }
    }
    String path = option.flag().equals("--path") ? "/files" : url.path();
    boolean onPort = listenAfter.stream().anyMatch(l -> l instanceof Map<?, ?> m && Objects.equals(m.get("port"), port));
    boolean routed = listenAfter.stream().anyMatch(l -> l instanceof Map<?, ?> m && (!onPort || Objects.equals(m.get("port"), port))
        && m.get("request_handlers") instanceof Map<?, ?> h && h.entrySet().stream().anyMatch(e -> "mod_http_upload".equals(e.getValue())
            && path.equals(e.getKey())));
    boolean external = mapAt(modsAfter, "mod_http_upload").containsKey("external_secret");
    assertTrue(routed || external, where + ": a listener " + (onPort ? "on " + port + " " : "(behind a proxy on " + port + ") ") + "routes " + path
        + " to mod_http_upload");
  }

  private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    List<String> all = new ArrayList<>(a);
    b.stream().filter(k -> !a.contains(k)).forEach(all::add);
    return all;
  }
}
