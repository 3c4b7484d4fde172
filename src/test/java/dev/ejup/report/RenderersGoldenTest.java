package dev.ejup.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ejup.model.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every renderer against expected files under src/test/resources/report/NAME.FORMAT. Run with
 * -Dejup.golden.update=true to rewrite them after a deliberate change, then read the diff.
 */
class RenderersGoldenTest {
  private static final Path DIR = Path.of("src/test/resources/report");
  private static final RenderOptions THRESHOLDS = new RenderOptions(1.0, 5.0, false);

  static Stream<Arguments> cases() {
    List<Supplier<List<Report>>> samples = List.of(
        () -> List.of(SampleReports.passing()), () -> List.of(SampleReports.failing()), SampleReports::fleet,
        SampleReports::docrootFix);
    List<String> names = List.of("passing", "failing", "fleet", "docroot-fix");
    Stream.Builder<Arguments> cases = Stream.builder();
    for (Format format : Format.values()) {
      for (int i = 0; i < names.size(); i++) {
        cases.add(Arguments.of(names.get(i), format, samples.get(i).get()));
      }
    }
    return cases.build();
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("cases")
  void matchesGoldenFile(String name, Format format, List<Report> reports) throws IOException {
    String actual = Renderers.of(format, THRESHOLDS).render(reports);
    Path golden = DIR.resolve(name + "." + format.label());
    if (Boolean.getBoolean("ejup.golden.update")) {
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual);
  }
}
