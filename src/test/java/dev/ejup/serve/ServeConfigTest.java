package dev.ejup.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config's refusals (one line, file:line, a fix), target patterns and blackbox's deadline rule. */
class ServeConfigTest {
  @TempDir
  Path dir;

  private Path write(String yaml) throws IOException {
    Files.writeString(dir.resolve("pw"), "secret\n");
    Path file = dir.resolve("serve.yml");
    Files.writeString(file, yaml.replace("PW", dir.resolve("pw").toString()));
    return file;
  }

  private ServeConfig load(String yaml) throws IOException {
    return ServeConfig.load(write(yaml));
  }

  private String refusal(String yaml) throws IOException {
    UserError e = assertThrows(UserError.class, () -> load(yaml));
    assertFalse(e.oneLine().contains("\n"), e.oneLine());
    assertFalse(e.oneLine().matches(".*\\b(java|org)\\.[a-z]+\\..*"), "no class names: " + e.oneLine());
    return e.oneLine();
  }

  @Test
  void aModuleReadsItsPasswordFromItsFileAndAllowsOnlyItsTargets() throws IOException {
    ServeConfig config = load("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n"
        + "    targets: [example.org, '*.example.net']\n    timeout: 12\n");
    ServeConfig.Module m = config.modules().get("upload");
    assertEquals("secret", m.password());
    assertTrue(m.allows("example.org") && m.allows("EXAMPLE.org") && m.allows("a.example.net") && m.allows("a.b.example.net"));
    for (String other : new String[] {"example.net", "xexample.org", "example.org.evil", "a.example.net.evil", "evil/.example.net", "sub.example.org"}) {
      assertFalse(m.allows(other), other);
    }
    assertTrue(load("modules:\n  u:\n    jid: m@{target}\n    password_file: PW\n    targets: ['*.localhost']\n").modules().get("u").allows("vh1.localhost"));
    assertEquals("monitor@a.example.net", ServeConfig.Module.fill(m.jid(), "a.example.net"));
    assertEquals(12_000, m.timeout().toMillis());
  }

  @Test
  void everyMistakeIsOneLineWithItsPlaceAndAFix() throws IOException {
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password: secret\n    targets: [a.org]\n")
        .matches(".*serve.yml:4:5: unknown key modules->upload->password \\(hint: did you mean password_file\\?\\)"), "passwords only from files");
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    targets: [a.org]\n").contains("has no password_file"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n").contains("has no targets"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@example.org\n    password_file: PW\n    targets: [a.org]\n")
        .contains("neither jid nor server of module upload holds {target}"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: " + dir.resolve("none") + "\n    targets: [a.org]\n")
        .contains("does not exist"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n    targets: ['*']\n").contains("not a domain name"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n    targets: ['*.org']\n").contains("would allow every domain under .org"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n    targets: ['a.*.org']\n").contains("not a domain name"));
    assertTrue(refusal("modules:\n  upload:\n    jid: monitor@{target}\n    password_file: PW\n    targets: [a.org]\n    timeout: -1\n")
        .contains("not a number of seconds"));
    assertTrue(refusal("modules: [\n").contains("not valid YAML"));
    assertTrue(refusal("modules: {}\n").contains("must name at least one module"));
    assertTrue(refusal("").contains("expected a mapping"));
  }

  @Test
  void theDeadlineIsTheScrapeTimeoutLessTheOffsetOrTheModulesTimeoutWhenShorter() throws IOException {
    ServeConfig.Module m = load("modules:\n  u:\n    jid: m@{target}\n    password_file: PW\n    targets: [a.org]\n    timeout: 20\n")
        .modules().get("u");
    assertEquals(9.5, Exporter.deadline("10", m, 0.5));
    assertEquals(20.0, Exporter.deadline("60", m, 0.5));
    assertEquals(20.0, Exporter.deadline(null, m, 0.5), "no header: blackbox's 120 s, so the module's own");
    assertEquals(20.0, Exporter.deadline("0.3", m, 0.5), "an offset that leaves nothing falls back to the module's");
    assertThrows(NumberFormatException.class, () -> Exporter.deadline("soon", m, 0.5));
  }
}
