package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listen section and option values as ejabberd 23.01 reads them, one case per public report the
 * issue lists (each checked on a real node by ListenSectionRealIT): what ejabberd loads and serves
 * is not an error and apply writes it; what ejabberd refuses is an error at the line that is wrong.
 */
class ListenSectionTest {
  static final Path GOOD = Path.of("src/test/resources/config/rules/upload.put-url-unrouted.good.yml");

  @TempDir
  Path dir;

  /** The good base file with one text replaced; fails when the text is not there, so no case tests nothing. */
  static String variant(String from, String to) throws IOException {
    String base = Files.readString(GOOD);
    assertTrue(base.contains(from), from);
    return base.replace(from, to);
  }

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve("ejabberd.yml"), text);
  }

  private static List<Diagnostic> validate(Path file) {
    return ConfigValidator.validate(ConfigTree.load(file, new LocalStore()));
  }

  private static List<Diagnostic> worse(List<Diagnostic> found, Severity than) {
    return found.stream().filter(d -> d.severity().compareTo(than) > 0).toList();
  }

  private Ejup.Result apply(Path file, String... options) {
    List<String> args = new java.util.ArrayList<>(List.of("config", "apply", file.toString(), "--no-backup"));
    args.addAll(List.of(options));
    return Ejup.runCaptured(Map.of(), args.toArray(String[]::new));
  }

  @Test
  void aHandlerWithoutTheLeadingSlashRoutesTheSamePathAndApplyWritesTheFile() throws IOException {
    for (String key : new String[] {"upload", "/upload/", "upload/", "//upload"}) {
      Path file = write(variant("      /upload: mod_http_upload", "      " + key + ": mod_http_upload"));
      assertEquals(List.of(), validate(file), key);
      Ejup.Result r = apply(file, "--max-size", "2048");
      assertEquals(0, r.exitCode(), key + ": " + r.err());
      assertEquals(Files.readString(GOOD).replace("      /upload: mod_http_upload", "      " + key + ": mod_http_upload")
          .replace("put_url: https://@HOST@:5443/upload\n", "put_url: https://@HOST@:5443/upload\n    max_size: 2048\n"), Files.readString(file));
    }
    Path other = write(variant("      /upload: mod_http_upload", "      uploads: mod_http_upload"));
    assertEquals(List.of(Rule.UPLOAD_PUT_URL_UNROUTED.id()), validate(other).stream().map(Diagnostic::rule).toList(), "a different path still is not routed");
  }

  @Test
  void aCertificateOnlyOnTheC2sListenerIsAWarningAtItsCertfileLine() throws IOException {
    Path file = write(variant("certfiles:\n  - \"/etc/ejabberd/ejabberd.pem\"\n\n", "")
        .replace("    starttls_required: true\n", "    starttls_required: true\n    certfile: /etc/ejabberd/ejabberd.pem\n"));
    List<Diagnostic> found = validate(file);
    assertEquals(List.of(Rule.UPLOAD_LISTENER_CERTFILE.id()), found.stream().map(Diagnostic::rule).toList(), found.toString());
    assertEquals(Severity.WARNING, found.get(0).severity());
    assertEquals(14, found.get(0).line(), "the certfile line");
    assertEquals(0, apply(file, "--max-size", "2048").exitCode(), "apply writes it");
    Path none = write(variant("certfiles:\n  - \"/etc/ejabberd/ejabberd.pem\"\n\n", ""));
    assertEquals(List.of(Rule.UPLOAD_TLS_NO_CERTIFICATE.id()), validate(none).stream().map(Diagnostic::rule).toList(), "no certificate anywhere stays an error");
  }

  @Test
  void aGetUrlServedByMod_http_fileserverOrAnotherWebServerIsValidAndApplied() throws IOException {
    Path fileserver = write(variant("      /upload: mod_http_upload\n", "      /upload: mod_http_upload\n      /files: mod_http_fileserver\n")
        .replace("    put_url: https://@HOST@:5443/upload\n", "    put_url: https://@HOST@:5443/upload\n    get_url: https://@HOST@:5443/files\n"));
    assertEquals(List.of(), validate(fileserver));
    assertEquals(0, apply(fileserver, "--max-size", "2048").exitCode());
    Path elsewhere = write(variant("    put_url: https://@HOST@:5443/upload\n",
        "    put_url: https://@HOST@:5443/upload\n    get_url: https://files.example.org/upload\n"));
    List<Diagnostic> found = validate(elsewhere);
    assertEquals(List.of(), worse(found, Severity.INFO), found.toString());
    Ejup.Result r = apply(elsewhere, "--max-size", "2048");
    assertEquals(0, r.exitCode(), r.err());
    Path unrouted = write(variant("    put_url: https://@HOST@:5443/upload\n", "    put_url: https://@HOST@:5443/upload\n    get_url: https://@HOST@:5443/files\n"));
    assertEquals(List.of(Rule.UPLOAD_GET_URL_UNROUTED.id()), validate(unrouted).stream().map(Diagnostic::rule).toList(),
        "a path the listener on that port answers 404 for stays an error");
  }

  @Test
  void anOptionTheListenerModuleDoesNotHaveIsAnErrorAtItsLineWithDidYouMean() throws IOException {
    Path file = write(variant("    module: ejabberd_http\n    tls: true\n", "    module: ejabberd_http\n    tls: true\n    access: all\n"));
    List<Diagnostic> found = validate(file);
    assertEquals(List.of(Rule.LISTEN_UNKNOWN_OPTION.id()), found.stream().map(Diagnostic::rule).toList());
    assertEquals("22:5", found.get(0).line() + ":" + found.get(0).column());
    assertTrue(found.get(0).message().contains("Unknown option: access"), found.get(0).message());
    Ejup.Result r = apply(file, "--max-size", "2048");
    assertEquals(2, r.exitCode(), "apply refuses what ejabberd refuses");
    Path typo = write(variant("    starttls_required: true\n", "    starttls_requried: true\n"));
    Diagnostic d = validate(typo).get(0);
    assertEquals(Rule.LISTEN_UNKNOWN_OPTION.id(), d.rule());
    assertTrue(d.hint().startsWith("did you mean 'starttls_required'?"), d.hint());
    for (String known : new String[] {"    backlog: 50\n", "    certfile: /etc/ejabberd/ejabberd.pem\n", "    custom_headers:\n      X-A: b\n",
        "    tag: upload\n", "    use_proxy_protocol: true\n"}) {
      Path ok = write(variant("    module: ejabberd_http\n    tls: true\n", "    module: ejabberd_http\n    tls: true\n" + known));
      assertEquals(List.of(), worse(validate(ok), Severity.WARNING), known);
    }
  }

  @Test
  void anEmptyRequestHandlersWithTheHandlerDedentedIsRefusedAtThatLineNotAtPutUrl() throws IOException {
    Path file = write(variant("    request_handlers:\n      /upload: mod_http_upload\n", "    request_handlers:\n    /upload: mod_http_upload\n"));
    List<Diagnostic> found = validate(file);
    assertEquals(List.of(Rule.LISTEN_TYPE.id()), found.stream().map(Diagnostic::rule).toList(), found.toString());
    assertEquals(22, found.get(0).line());
    assertTrue(found.get(0).message().contains("request_handlers: Expected map, got empty string instead"), found.get(0).message());
    assertTrue(found.get(0).hint().contains("line 23"), found.get(0).hint());
  }

  @Test
  void aReverseProxyOnTheUrlsPortIsANoteAndApplyWritesWithoutAddingAListener() throws IOException {
    String text = variant("put_url: https://@HOST@:5443/upload", "put_url: https://@HOST@/upload");
    Path file = write(text);
    List<Diagnostic> found = validate(file);
    assertEquals(List.of(Rule.UPLOAD_REVERSE_PROXY.id()), found.stream().map(Diagnostic::rule).toList(), found.toString());
    assertEquals(Severity.INFO, found.get(0).severity());
    assertTrue(found.get(0).hint().contains("Host header") && !found.get(0).hint().contains("--port 443"), found.get(0).hint());
    Ejup.Result validate = Ejup.runCaptured(Map.of(), "config", "validate", file.toString());
    assertEquals(0, validate.exitCode(), validate.out());
    Ejup.Result r = apply(file, "--max-size", "2048");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(text.replace("put_url: https://@HOST@/upload\n", "put_url: https://@HOST@/upload\n    max_size: 2048\n"), Files.readString(file));
    Ejup.Result put = apply(file, "--put-url", "https://@HOST@/upload/");
    assertEquals(0, put.exitCode(), put.err());
    assertFalse(Files.readString(file).contains("port: 443"), "an explicit put_url behind the proxy adds no listener on the proxy's port");
  }

  @Test
  void applyWithOneModuleOptionLeavesTheListenersOfAnUploadOnAnotherPortAlone() throws IOException {
    for (Path fixture : List.of(Path.of("src/test/resources/config/listen/upload-on-5280.yml"),
        Path.of("src/test/resources/config/rules/upload.reverse-proxy.bad.yml"))) {
      String text = Files.readString(fixture);
      Path file = write(text);
      for (String[] option : new String[][] {{"--max-size", "2048"}, {"--docroot", "/srv/upload"}, {"--file-mode", "0640"}, {"--access", "local"}}) {
        Ejup.Result r = apply(file, option);
        assertEquals(0, r.exitCode(), fixture + " " + option[0] + ": " + r.err());
        String after = Files.readString(file);
        assertFalse(after.contains("5443") && !text.contains("5443"), fixture + " " + option[0] + ": a listener on 5443 appeared:\n" + after);
        assertEquals(listenSection(text), listenSection(after), fixture + " " + option[0]);
      }
    }
  }

  private static String listenSection(String text) {
    int start = text.indexOf("\nlisten:");
    int end = text.indexOf("\n\n", start + 1);
    return text.substring(start, end);
  }

  @Test
  void yesNoOnOffYNAreBooleansAsInEjabberd() throws IOException {
    for (String value : new String[] {"yes", "no", "on", "off", "y", "n", "true", "false", "\"yes\""}) {
      Path file = write(variant("    put_url: https://@HOST@:5443/upload\n", "    put_url: https://@HOST@:5443/upload\n    rm_on_unregister: " + value + "\n"));
      assertEquals(List.of(), validate(file), value);
    }
    Path thumbnailOff = write(variant("    put_url: https://@HOST@:5443/upload\n", "    put_url: https://@HOST@:5443/upload\n    thumbnail: no\n"));
    assertEquals(List.of(), validate(thumbnailOff), "thumbnail: no is false, not an image-support warning");
    Path tlsYes = write(variant("    module: ejabberd_http\n    tls: true\n", "    module: ejabberd_http\n    tls: yes\n"));
    assertEquals(List.of(), validate(tlsYes), "tls: yes is TLS on the listener");
    Path maybe = write(variant("    put_url: https://@HOST@:5443/upload\n", "    put_url: https://@HOST@:5443/upload\n    rm_on_unregister: maybe\n"));
    assertEquals(List.of(Rule.UPLOAD_TYPE.id()), validate(maybe).stream().map(Diagnostic::rule).toList());
    Path tlsMaybe = write(variant("    module: ejabberd_http\n    tls: true\n", "    module: ejabberd_http\n    tls: sure\n"));
    assertTrue(validate(tlsMaybe).stream().anyMatch(d -> d.rule().equals(Rule.LISTEN_TYPE.id())), validate(tlsMaybe).toString());
  }

  @Test
  void aStringOptionWhoseValueYamlReadsAsANumberIsRefused() throws IOException {
    for (String header : new String[] {"5", "-5", "5.0"}) {
      Path file = write(variant("    put_url: https://@HOST@:5443/upload\n", "    put_url: https://@HOST@:5443/upload\n    custom_headers:\n      X-Num: " + header + "\n"));
      List<Diagnostic> found = validate(file);
      assertEquals(List.of(Rule.UPLOAD_TYPE.id()), found.stream().map(Diagnostic::rule).toList(), header);
      assertEquals(54, found.get(0).line());
    }
    for (String header : new String[] {"\"5\"", "'5'", "5a", "1.2.3", "\"@HOST@\""}) {
      Path file = write(variant("    put_url: https://@HOST@:5443/upload\n", "    put_url: https://@HOST@:5443/upload\n    custom_headers:\n      X-Num: " + header + "\n"));
      assertEquals(List.of(), validate(file), header);
    }
    Path listener = write(variant("    module: ejabberd_http\n    tls: true\n", "    module: ejabberd_http\n    tls: true\n    custom_headers:\n      X-Num: 5\n"));
    assertEquals(List.of(Rule.LISTEN_TYPE.id()), validate(listener).stream().map(Diagnostic::rule).toList(), "the listener's custom_headers too");
    Path secret = write(variant("    put_url: https://@HOST@:5443/upload\n", "    put_url: https://upload.example.org/put\n    external_secret: 12345678\n"));
    assertTrue(validate(secret).stream().anyMatch(d -> d.rule().equals(Rule.UPLOAD_TYPE.id()) && d.line() == 53), validate(secret).toString());
  }

  /** ejabberd_listener's port: an integer 0..65535 or "unix:PATH"; a quoted number is a string (23.01 refuses it). */
  @Test
  void aListenerPortIsANumberOrAUnixSocketAsEjabberdChecksIt() throws IOException {
    Map<String, String> refused = Map.of(
        "\"5443\"", "listen->2->port: String '5443' doesn't match regular expression: ^unix:.*",
        "'5443'", "listen->2->port: String '5443' doesn't match regular expression: ^unix:.*",
        "https", "listen->2->port: String 'https' doesn't match regular expression: ^unix:.*",
        "70000", "listen->2->port: Expected integer from 0 to 65535, got: 70000",
        "-1", "listen->2->port: Expected integer from 0 to 65535, got: -1",
        "5443.0", "listen->2->port: Expected integer, got float instead",
        "[5443]", "listen->2->port: Expected integer, got list instead");
    for (Map.Entry<String, String> c : refused.entrySet()) {
      Path file = write(variant("    port: 5443\n", "    port: " + c.getKey() + "\n"));
      List<Diagnostic> errors = validate(file).stream().filter(d -> d.rule().equals(Rule.LISTEN_TYPE.id())).toList();
      assertEquals(1, errors.size(), c.getKey() + ": " + validate(file));
      assertEquals(c.getValue(), errors.get(0).message(), c.getKey());
      assertEquals(Files.readString(file).lines().toList().indexOf("    port: " + c.getKey()) + 1, errors.get(0).line(), c.getKey());
    }
    Path quoted = write(variant("    port: 5443\n", "    port: \"5443\"\n"));
    assertTrue(validate(quoted).stream().anyMatch(d -> d.hint().equals("write the port without quotes: port: 5443")), validate(quoted).toString());
    for (String fine : List.of("5443", "\"unix:/run/ejabberd/http.sock\"")) {
      Path file = write(variant("    port: 5222\n", "    port: " + fine + "\n"));
      assertTrue(validate(file).stream().noneMatch(d -> d.rule().equals(Rule.LISTEN_TYPE.id())), fine + ": " + validate(file));
    }
  }
}
