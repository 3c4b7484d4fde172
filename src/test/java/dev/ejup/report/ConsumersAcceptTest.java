package dev.ejup.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

/**
 * Every renderer's output, for every sample shape (the golden ones and the awkward ones real runs
 * produce), accepted by the program that reads that format in production.
 */
class ConsumersAcceptTest {
  static Stream<Arguments> cases() {
    Map<String, List<Report>> samples = SampleReports.all();
    Stream.Builder<Arguments> cases = Stream.builder();
    for (Map.Entry<String, List<Report>> sample : samples.entrySet()) {
      for (Format format : Format.values()) {
        cases.add(Arguments.of(sample.getKey(), format, sample.getValue()));
      }
    }
    return cases.build();
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("cases")
  void theConsumerAcceptsIt(String name, Format format, List<Report> reports) {
    for (RenderOptions options : List.of(RenderOptions.DEFAULT, new RenderOptions(1.0, 5.5, false))) {
      String text = Renderers.of(format, options).render(reports);
      Consumers.accept(format, text, Report.worst(reports).exitCode());
    }
  }

  @Test
  void aDocrootFixIsOneSeriesPerStepWithTheWorstStatusAndTheSummedTime() {
    String out = Renderers.of(Format.PROMETHEUS, RenderOptions.DEFAULT).render(SampleReports.docrootFix());
    assertTrue(out.contains("ejup_docroot_step_status{target=\"root@127.0.0.1:2222\",step=\"fix\"} 2\n"), out);
    assertTrue(out.contains("ejup_docroot_step_seconds{target=\"root@127.0.0.1:2222\",step=\"fix\"} 0.006\n"), out);
    Consumers.Nagios.Output nagios = Consumers.Nagios.parse(
        Renderers.of(Format.NAGIOS, RenderOptions.DEFAULT).render(SampleReports.docrootFix()), 2);
    assertEquals("'fix'=0.006s;;;0", nagios.perfdata().get("'fix'"));
    assertEquals(5, nagios.longOutput().stream().filter(l -> l.matches("[A-Z]+: fix .*")).count(), "the long output keeps every step");
  }

  @Test
  void theCheckersRejectWhatTheConsumersReject() {
    assertThrows(AssertionFailedError.class, () -> Consumers.prometheus(
        "# HELP ejup_x_status s\n# TYPE ejup_x_status gauge\nejup_x_status{step=\"fix\"} 1\nejup_x_status{step=\"fix\"} 2\n"));
    assertThrows(AssertionFailedError.class, () -> Consumers.prometheus("ejup x 1\n"));
    assertThrows(AssertionFailedError.class, () -> Consumers.Nagios.parse("EJUP OK - a | b\n", 0));
    assertThrows(AssertionFailedError.class, () -> Consumers.Nagios.parse("EJUP OK - a | 'x'=1s;;;0 'x'=2s;;;0\n", 0));
    assertThrows(AssertionFailedError.class, () -> Consumers.Nagios.parse("EJUP OK - a\nOK: b | c\n", 0));
    assertThrows(AssertionFailedError.class, () -> Consumers.Nagios.parse("EJUP OK - a |\n", 0));
    assertThrows(AssertionFailedError.class, () -> Consumers.Nagios.parse("EJUP WARNING - a\n", 0));
    assertThrows(AssertionFailedError.class, () -> Consumers.junit("<testsuites tests=\"x\" failures=\"0\" errors=\"0\"/>"));
    assertThrows(AssertionFailedError.class, () -> Consumers.junit("<testsuites tests=\"1\" failures=\"0\" errors=\"0\">"
        + "<testsuite name=\"a\" tests=\"1\" failures=\"0\" errors=\"0\" time=\"0\"><testcase name=\"b\"/></testsuite></testsuites>"));
    assertThrows(AssertionFailedError.class, () -> Consumers.json("{\"status\": \"OK\", \"exit_code\": 0, \"reports\": [}", 0));
  }
}
