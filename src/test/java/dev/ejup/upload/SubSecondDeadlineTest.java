package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.SilentServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A deadline under a second (serve gives one for a short scrape timeout) is named as it is, not rounded to "0s". */
class SubSecondDeadlineTest {
  @Test
  void aHalfSecondDeadlineIsReportedAsHalfASecond() throws Exception {
    try (SilentServer hung = new SilentServer()) {
      Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", "x", "HOME", "/nonexistent"),
          "check", "--jid", "u@localhost", "--server", "127.0.0.1:" + hung.port(), "--deadline", "0.5", "--step-timeout", "5");
      assertEquals(2, r.exitCode(), r.out() + r.err());
      assertTrue(r.out().contains("did not finish within the deadline of 0.5s"), r.out());
    }
  }
}
