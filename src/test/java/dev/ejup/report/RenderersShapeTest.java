package dev.ejup.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** Properties consumers rely on, beyond the exact bytes the golden files pin down. */
class RenderersShapeTest {
  private static String render(Format format, List<Report> reports) {
    return Renderers.of(format, RenderOptions.DEFAULT).render(reports);
  }

  @Test
  void junitXmlParsesAndCountsFailuresAndErrors() throws Exception {
    List<Report> reports = List.of(SampleReports.failing(), SampleReports.fleet().get(1));
    byte[] xml = render(Format.JUNIT, reports).getBytes(StandardCharsets.UTF_8);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    assertEquals("1", doc.getDocumentElement().getAttribute("failures"));
    assertEquals("1", doc.getDocumentElement().getAttribute("errors"));
    assertEquals(2, doc.getElementsByTagName("testsuite").getLength());
    assertEquals("down.example \"b\"".length() + "check ".length(),
        ((org.w3c.dom.Element) doc.getElementsByTagName("testsuite").item(1)).getAttribute("name").length());
  }

  @Test
  void nagiosFirstLineCarriesStatusAndAllPerfdata() {
    String out = render(Format.NAGIOS, List.of(SampleReports.failing()));
    String first = out.lines().findFirst().orElseThrow();
    assertTrue(first.startsWith("EJUP CHECK CRITICAL - "), first);
    String perf = first.substring(first.indexOf('|') + 1).trim();
    Pattern item = Pattern.compile("'[^=]+'=[0-9.]+(s|B)?;[0-9.]*;[0-9.]*;[0-9.]*");
    for (String part : perf.split(" (?=')")) {
      assertTrue(item.matcher(part).matches(), part);
    }
    assertEquals(1, first.chars().filter(c -> c == '|').count());
  }

  @Test
  void prometheusSamplesAllFollowTheirHelpAndType() {
    String out = render(Format.PROMETHEUS, SampleReports.fleet());
    String family = null;
    for (String line : out.split("\n")) {
      if (line.startsWith("# HELP ")) {
        family = line.split(" ")[2];
      } else if (line.startsWith("# TYPE ")) {
        assertEquals(family + " gauge", line.substring(7));
      } else {
        assertTrue(line.startsWith(family + "{"), line);
        assertTrue(line.matches("[a-z_]+\\{target=\"(?:[^\"\\\\]|\\\\.)*\"(,step=\"[a-z_]+\")?} [0-9.]+"), line);
      }
    }
  }

  @Test
  void textNamesTheCulpritInTheHeadlineAndLeavesHintsOffOkSteps() {
    String out = render(Format.TEXT, List.of(SampleReports.failing()));
    assertTrue(out.startsWith("check localhost: CRITICAL in 0.056s (put: HTTP 500 Internal Server Error)\n"), out);
    assertFalse(render(Format.TEXT, List.of(SampleReports.passing())).contains("hint:"));
    assertTrue(render(Format.TEXT, SampleReports.fleet()).lines().noneMatch(l -> l.endsWith(" ")));
  }

  @Test
  void colourOnlyWhenAsked() {
    String plain = render(Format.TEXT, List.of(SampleReports.failing()));
    String coloured = Renderers.of(Format.TEXT, new RenderOptions(null, null, true)).render(SampleReports.failing());
    assertFalse(plain.contains("\u001b["));
    assertTrue(coloured.contains("\u001b[31mCRITICAL"));
  }
}
