package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * upload.loopback-listener: a URL other machines are meant to use, served on its own port by a
 * listener that binds loopback only. Each case is base.yml (a loopback 5443 listener routing
 * /upload, put_url on @HOST@ = localhost) with one or two lines changed.
 */
class LoopbackListenerTest {
  private static final Path BASE = Path.of("src/test/resources/config/base.yml");
  private static final String LISTENER_IP = "    port: 5443\n    ip: \"127.0.0.1\"\n";
  private static final String PUT = "    put_url: https://@HOST@:5443/upload\n";

  @TempDir
  Path dir;

  private List<Diagnostic> loopback(String listenerIp, String urls, String hosts) throws IOException {
    String text = Files.readString(BASE);
    assertTrue(text.contains(LISTENER_IP) && text.contains(PUT), "base.yml changed: update this test");
    text = text.replace(LISTENER_IP, "    port: 5443\n" + (listenerIp.isEmpty() ? "" : "    ip: \"" + listenerIp + "\"\n"))
        .replace(PUT, String.join("\n", urls.split("\\|")).indent(4)).replace("hosts:\n  - localhost\n", "hosts:\n  - " + hosts + "\n");
    Path file = dir.resolve("ejabberd.yml");
    Files.writeString(file, text);
    return ConfigService.validate(new LocalStore(), file, EjabberdVersion.NEWEST).stream()
        .filter(d -> d.rule().equals(Rule.UPLOAD_LOOPBACK_LISTENER.id())).toList();
  }

  @ParameterizedTest(name = "ip {0}, {1}, hosts {2}")
  @CsvSource(delimiter = ';', value = {
      "127.0.0.1; put_url: https://xmpp.example.org:5443/upload; localhost",
      "::1; put_url: https://xmpp.example.org:5443/upload; localhost",
      "127.0.0.2; put_url: https://xmpp.example.org:5443/upload; localhost",
      "::ffff:127.0.0.1; put_url: https://xmpp.example.org:5443/upload; localhost",
      "127.0.0.1; put_url: https://192.0.2.10:5443/upload; localhost",
      "127.0.0.1; put_url: https://@HOST@:5443/upload; example.org",
      "127.0.0.1; put_url: https://localhost:5443/upload|get_url: https://files.example.org:5443/upload; localhost"})
  void aUrlForOtherMachinesOnALoopbackListenerIsAWarning(String ip, String urls, String hosts) throws IOException {
    List<Diagnostic> found = loopback(ip, urls, hosts);
    assertEquals(1, found.size(), found.toString());
    Diagnostic d = found.get(0);
    assertEquals(Severity.WARNING, d.severity());
    assertTrue(d.message().contains("listens on " + ip + " only"), d.message());
    assertTrue(d.hint().contains("ip: \"::\"") && d.hint().contains("reverse proxy"), d.hint());
    assertEquals(urls.contains("get_url") ? 53 : 52, d.line(), d.format());
  }

  @ParameterizedTest(name = "ip {0}, {1}, hosts {2}")
  @CsvSource(delimiter = ';', value = {
      // reachable from elsewhere: every address, or no ip (ejabberd's default is every address)
      "::; put_url: https://xmpp.example.org:5443/upload; localhost",
      "0.0.0.0; put_url: https://xmpp.example.org:5443/upload; localhost",
      "; put_url: https://xmpp.example.org:5443/upload; localhost",
      "192.0.2.10; put_url: https://xmpp.example.org:5443/upload; localhost",
      // meant for this machine only
      "127.0.0.1; put_url: https://localhost:5443/upload; localhost",
      "127.0.0.1; put_url: https://upload.localhost:5443/upload; localhost",
      "127.0.0.1; put_url: https://127.0.0.1:5443/upload; localhost",
      "::1; put_url: https://[::1]:5443/upload; localhost",
      "127.0.0.1; put_url: https://localhost.localdomain:5443/upload; localhost",
      "::1; put_url: https://ip6-localhost:5443/upload; localhost",
      // a reverse proxy on 443 forwards to the loopback listener: binding loopback is right
      "127.0.0.1; put_url: https://xmpp.example.org/upload; localhost",
      "127.0.0.1; put_url: https://@HOST@/upload; example.org"})
  void aListenerOthersReachOrAUrlForThisMachineIsNot(String ip, String urls, String hosts) throws IOException {
    assertEquals(List.of(), loopback(ip == null ? "" : ip, urls, hosts));
  }

  @Test
  void aSecondListenerOnAnotherAddressServesOthers() throws IOException {
    String text = Files.readString(BASE).replace(PUT, "    put_url: https://xmpp.example.org:5443/upload\n")
        .replace("listen:\n", "listen:\n  -\n    port: 5443\n    ip: \"192.0.2.10\"\n    module: ejabberd_http\n    tls: true\n"
            + "    request_handlers:\n      /upload: mod_http_upload\n");
    Path file = dir.resolve("two.yml");
    Files.writeString(file, text);
    assertTrue(ConfigService.validate(new LocalStore(), file, EjabberdVersion.NEWEST).stream()
        .noneMatch(d -> d.rule().equals(Rule.UPLOAD_LOOPBACK_LISTENER.id())));
  }

  @Test
  void theCliExitsWarningAndTheRuleCanBeSilenced() {
    String bad = "src/test/resources/config/rules/upload.loopback-listener.bad.yml";
    Ejup.Result r = Ejup.runCaptured(Map.of(), "config", "validate", bad, "--ejabberd-version", "26.07");
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.out().contains(":52:14: warning:") && r.out().contains("[upload.loopback-listener]"), r.out());
    Ejup.Result silenced = Ejup.runCaptured(Map.of(), "config", "validate", bad, "--ejabberd-version", "26.07", "--ignore",
        "upload.loopback-listener");
    assertEquals(0, silenced.exitCode(), silenced.out());
  }
}
