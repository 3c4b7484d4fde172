package dev.ejup.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The total-time step shows --warning and --critical as they were given: "1.0E-4s" and "30.0s" were Double's own words. */
class ReportThresholdsTest {
  private static String totalTime(Double warning, Double critical) {
    Report report = new Report("check", "localhost", List.of(Step.ok("connect", Duration.ofMillis(20), "fine")))
        .withTimeThresholds(warning, critical);
    return report.steps().get(report.steps().size() - 1).detail();
  }

  @Test
  void thresholdsAreNeverInScientificNotation() {
    String said = totalTime(0.0001, 30.0);
    assertTrue(said.endsWith("(warning above 0.0001s, critical above 30s)"), said);
    String tiny = totalTime(null, 0.00000025);
    assertTrue(tiny.endsWith("(critical above 0.00000025s)"), tiny);
    String big = totalTime(12345678.5, null);
    assertTrue(big.endsWith("(warning above 12345678.5s)"), big);
  }
}
