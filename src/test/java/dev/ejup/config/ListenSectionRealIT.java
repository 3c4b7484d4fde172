package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listen-section and value facts of issue 11, asked of a real ejabberd 23.01: each variant of
 * the node's own config is loaded with reload_config; what ejabberd refuses, ejup refuses (exit 2)
 * with its rule at the line ejabberd names; what it loads, ejup passes (exit 0 or 1) and an upload
 * through it works. Own instance name and a port base free at run time: runs without the lock.
 */
class ListenSectionRealIT {
  private static LocalEjabberd server;
  private static String base;

  @BeforeAll
  static void start() throws IOException {
    server = LocalEjabberd.up("i11listen");
    base = Files.readString(server.config());
  }

  @AfterAll
  static void stop() {
    server.down();
  }

  @AfterEach
  void reset() {
    server.reset();
  }

  private static String variant(String text, String from, String to) {
    assertTrue(text.contains(from), "the node's config has no '" + from + "':\n" + text);
    return text.replace(from, to);
  }

  private static final String HTTPS_LISTENER = "    module: ejabberd_http\n    tls: true\n";
  private static final String MODULE_END = "    max_size: ";

  /** ejabberd refuses it with this text; ejup says exit 2, the rule at the line. */
  private static void refusedByBoth(String config, String ejabberdSays, String rule, int line) {
    LocalEjabberd.Shell.Result reload = server.load(config);
    assertNotEquals(0, reload.exit(), "ejabberd accepted it:\n" + config);
    assertTrue(reload.out().contains(ejabberdSays), reload.out());
    Ejup.Result ours = Ejup.runCaptured(Map.of(), "config", "validate", server.config().toString());
    assertEquals(2, ours.exitCode(), ours.out());
    assertTrue(ours.out().contains(server.config() + ":" + line + ":"), "at line " + line + ":\n" + ours.out());
    assertTrue(ours.out().contains("[" + rule + "]"), ours.out());
  }

  /** ejabberd loads it and an upload through it works; ejup passes it (exit 0 or 1). */
  private static Ejup.Result acceptedByBoth(String config) {
    LocalEjabberd.Shell.Result reload = server.load(config);
    assertEquals(0, reload.exit(), reload.out());
    Ejup.Result ours = Ejup.runCaptured(Map.of(), "config", "validate", server.config().toString());
    assertTrue(ours.exitCode() <= 1, ours.out());
    Ejup.Result check = Ejup.runCaptured(Map.of("EJUP_PASSWORD", server.password()), "check", "--jid", server.get("JID"),
        "--server", "localhost:" + server.get("XMPP_PORT"), "--no-probes");
    assertEquals(0, check.exitCode(), "the upload works on ejabberd:\n" + check.out() + check.err());
    return ours;
  }

  private static int lineOf(String text, String needle) {
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].equals(needle)) {
        return i + 1;
      }
    }
    throw new AssertionError("no line '" + needle + "'");
  }

  @Test
  void anUnknownListenerOptionIsRefusedByBothAtItsLine() {
    String config = variant(base, HTTPS_LISTENER, HTTPS_LISTENER + "    access: all\n");
    refusedByBoth(config, "Unknown option: access", Rule.LISTEN_UNKNOWN_OPTION.id(), lineOf(config, "    access: all"));
  }

  @Test
  void anEmptyRequestHandlersWithTheHandlerDedentedIsRefusedByBothAtThatLine() {
    String config = variant(base, HTTPS_LISTENER + "    request_handlers:\n      /upload: mod_http_upload\n",
        HTTPS_LISTENER + "    request_handlers:\n    /upload: mod_http_upload\n");
    // the https listener is the first with request_handlers in the node's config
    refusedByBoth(config, "request_handlers: Expected map, got empty string instead", Rule.LISTEN_TYPE.id(),
        lineOf(config, "    request_handlers:"));
  }

  @Test
  void aCustomHeaderYamlReadsAsANumberIsRefusedByBoth() {
    String config = variant(base, MODULE_END, "    custom_headers:\n      X-Num: 5\n" + MODULE_END);
    refusedByBoth(config, "custom_headers->X-Num: Expected string, got integer instead", Rule.UPLOAD_TYPE.id(), lineOf(config, "      X-Num: 5"));
  }

  @Test
  void aHandlerWithoutSlashYesBooleansAndAQuotedNumberHeaderAreLoadedAndUploadsWork() {
    String config = variant(base, HTTPS_LISTENER + "    request_handlers:\n      /upload: mod_http_upload\n",
        "    module: ejabberd_http\n    tls: yes\n    request_handlers:\n      upload: mod_http_upload\n");
    config = variant(config, MODULE_END, "    rm_on_unregister: yes\n    custom_headers:\n      X-Num: \"5\"\n" + MODULE_END);
    Ejup.Result ours = acceptedByBoth(config);
    assertEquals(0, ours.exitCode(), ours.out());
  }

  @Test
  void aCertificateOnlyOnTheC2sListenerIsLoadedUploadsWorkAndEjupWarns() {
    String certfiles = base.substring(base.indexOf("certfiles:\n"), base.indexOf("\n\n", base.indexOf("certfiles:\n")) + 2);
    String pem = certfiles.lines().filter(l -> l.startsWith("  - ")).findFirst().orElseThrow().substring(4);
    String config = variant(base, certfiles, "");
    config = variant(config, "    starttls_required: true\n", "    starttls_required: true\n    certfile: " + pem + "\n");
    Ejup.Result ours = acceptedByBoth(config);
    assertEquals(1, ours.exitCode(), ours.out());
    assertTrue(ours.out().contains("[" + Rule.UPLOAD_LISTENER_CERTFILE.id() + "]"), ours.out());
  }
}
