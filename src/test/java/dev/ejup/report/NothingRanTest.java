package dev.ejup.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A report in which no step ran is UNKNOWN in every format, and says why: never "0 steps OK". */
class NothingRanTest {
  private static String render(Format format) {
    return Renderers.of(format, RenderOptions.DEFAULT).render(List.of(new Report("check", "localhost", List.of())));
  }

  @Test
  void everyFormatSaysUnknown() {
    assertTrue(render(Format.NAGIOS).startsWith("EJUP CHECK UNKNOWN - localhost: report: no step ran |"), render(Format.NAGIOS));
    assertTrue(render(Format.TEXT).startsWith("check localhost: UNKNOWN in 0s (report: no step ran)"), render(Format.TEXT));
    assertTrue(render(Format.JSON).contains("\"status\": \"UNKNOWN\""), render(Format.JSON));
    assertTrue(render(Format.PROMETHEUS).contains("ejup_check_success{target=\"localhost\"} 0\n"), render(Format.PROMETHEUS));
    assertTrue(render(Format.PROMETHEUS).contains("ejup_check_status{target=\"localhost\"} 3\n"), render(Format.PROMETHEUS));
  }
}
