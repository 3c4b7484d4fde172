package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code domain} on {@code check} was accepted and ignored: {@code -e domain=a -e jid=hc@b}
 * checked b and said so under a's name. Decision: the domain checked is the JID's, so a domain
 * that differs is refused (UNKNOWN, one line) before anything connects.
 */
class CheckDomainTest {
  @Test
  void aDomainThatIsNotTheJidsIsRefusedBeforeConnecting(@TempDir Path dir) throws Exception {
    Path pass = Files.writeString(dir.resolve("hc.pass"), "secret\n");
    Map<String, String> o = Map.of("domain", "example.org", "jid", "hc@localhost", "password_file", pass.toString(),
        "server", "127.0.0.1:1", "timeout", "5");
    Report r = new LiveCapabilities(Map.of()).check(new Target("example.org", o), o);
    assertEquals(1, r.steps().size(), r.steps().toString());
    Step only = r.steps().get(0);
    assertEquals("domain", only.name());
    assertEquals(Status.UNKNOWN, only.status());
    assertEquals("domain example.org is not the domain of jid hc@localhost, so it would not be checked", only.detail());
    assertTrue(only.hint().contains("-e jid=USER@example.org"), only.hint());
  }

  @Test
  void theJidsOwnDomainInAnyCaseGoesOnToConnect(@TempDir Path dir) throws Exception {
    Path pass = Files.writeString(dir.resolve("hc.pass"), "secret\n");
    Map<String, String> o = Map.of("domain", "LocalHost", "jid", "hc@localhost/res", "password_file", pass.toString(),
        "server", "127.0.0.1:1", "timeout", "5");
    Report r = new LiveCapabilities(Map.of()).check(new Target("localhost", o), o);
    assertTrue(r.steps().stream().noneMatch(s -> s.name().equals("domain")), r.steps().toString());
    assertTrue(r.worst() == Status.CRIT || r.worst() == Status.UNKNOWN, r.steps().toString());
  }
}
