package dev.ejup.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** contrib/prometheus read by promtool itself: the rules load, and their unit tests pass. */
class AlertRulesTest {
  private static String promtool(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(Path.of("contrib/prometheus").toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "promtool ended");
    assertEquals(0, p.exitValue(), "promtool " + String.join(" ", args) + ":\n" + out);
    return out;
  }

  @Test
  void theRulesLoadAndTheirUnitTestsPass() throws Exception {
    assertTrue(promtool("check", "rules", "ejup-alerts.yml").contains("SUCCESS: 5 rules found"));
    assertTrue(promtool("test", "rules", "ejup-alerts.test.yml").contains("SUCCESS"));
    assertTrue(promtool("check", "config", "prometheus.yml").contains("is valid prometheus config file syntax"));
  }
}
