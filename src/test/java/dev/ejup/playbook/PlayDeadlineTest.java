package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.SilentServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The breaker's case: a server that accepts the connection and never answers is CRITICAL from
 * `ejup check --deadline 5` ("connect did not finish within the deadline"), but a healthcheck play
 * with --deadline 5 cut the target off as UNKNOWN "in 0s" (Nagios' UNKNOWN often pages no one),
 * the step that hung lost. The check inside the play now ends within the target's deadline with
 * its own verdict.
 */
class PlayDeadlineTest {
  @Test
  void aHangingServerIsTheChecksCriticalWithinThePlaysDeadline(@TempDir Path dir) throws Exception {
    Path password = Files.writeString(dir.resolve("pw"), "x\n");
    try (SilentServer hung = new SilentServer()) {
      long start = System.nanoTime();
      Ejup.Result r = Ejup.runCaptured(Map.of("HOME", dir.toString(), "XDG_RUNTIME_DIR", dir.toString()),
          "play", "playbooks/healthcheck.yml", "-e", "domain=localhost", "-e", "jid=hc@localhost", "-e", "password_file=" + password,
          "-e", "server=127.0.0.1:" + hung.port(), "-e", "prune=false", "--deadline", "3");
      double took = (System.nanoTime() - start) / 1e9;
      assertEquals(2, r.exitCode(), r.out() + r.err());
      assertTrue(r.out().matches("(?s).*CRITICAL\\s+\\S+s\\s+check-connect\\s+.*did not finish within the deadline of 2\\.\\d+s.*"), r.out());
      assertTrue(r.out().contains("skipped: ${prune} is false"), r.out());
      assertTrue(took < 20, "took " + took + " s");
      // the second breaker's: a deadline under the half second the report needs left the check 1 ms
      Ejup.Result tight = Ejup.runCaptured(Map.of("HOME", dir.toString(), "XDG_RUNTIME_DIR", dir.toString()),
          "play", "playbooks/healthcheck.yml", "-e", "domain=localhost", "-e", "jid=hc@localhost", "-e", "password_file=" + password,
          "-e", "server=127.0.0.1:" + hung.port(), "-e", "prune=false", "--deadline", "0.5");
      assertTrue(tight.out().matches("(?s).*did not finish within the deadline of 0\\.4[0-5]\\d*s.*"), tight.out());
    }
  }
}
