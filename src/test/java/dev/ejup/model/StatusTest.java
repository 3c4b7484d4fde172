package dev.ejup.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusTest {
  @Test
  void exitCodesAreTheMonitoringPluginsOnes() {
    assertEquals(0, Status.OK.exitCode());
    assertEquals(1, Status.WARN.exitCode());
    assertEquals(2, Status.CRIT.exitCode());
    assertEquals(3, Status.UNKNOWN.exitCode());
  }

  @Test
  void criticalOutranksUnknownWhichOutranksWarning() {
    assertEquals(Status.CRIT, Status.UNKNOWN.worse(Status.CRIT));
    assertEquals(Status.CRIT, Status.CRIT.worse(Status.UNKNOWN));
    assertEquals(Status.UNKNOWN, Status.WARN.worse(Status.UNKNOWN));
    assertEquals(Status.WARN, Status.OK.worse(Status.WARN));
  }

  @Test
  void reportNamesItsFirstWorstStepAndSumsDurations() {
    Report report = new Report("check", "x", List.of(
        Step.of("a", Status.WARN, Duration.ofMillis(5), "w", ""),
        Step.of("b", Status.CRIT, Duration.ofMillis(7), "c1", ""),
        Step.of("c", Status.CRIT, Duration.ofMillis(1), "c2", "")));
    assertEquals("b", report.firstWorst().name());
    assertEquals(Duration.ofMillis(13), report.total());
    assertEquals(Status.CRIT, Report.worst(List.of(new Report("k", "", List.of()), report)));
  }

  @Test
  void okHasToBeEarnedNothingRunIsUnknown() {
    assertEquals(Status.UNKNOWN, new Report("k", "", List.of()).worst());
    assertEquals(Status.UNKNOWN, Report.worst(List.of()));
    assertEquals(Status.UNKNOWN, Report.worst(List.of(new Report("k", "", List.of()),
        new Report("k", "", List.of(Step.ok("a", Duration.ZERO, ""))))));
    assertEquals(Status.OK, new Report("k", "", List.of(Step.ok("a", Duration.ZERO, ""))).worst());
    assertEquals("no step ran", new Report("k", "", List.of()).firstWorst().detail(), "callers always have a step to name");
  }
}
