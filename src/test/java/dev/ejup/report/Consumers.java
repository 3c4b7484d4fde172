package dev.ejup.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

/**
 * Each output format read by what reads it in production, so a test proves a monitoring system
 * accepts it, not that it looks right: promtool for Prometheus (plus the uniqueness of series,
 * which node_exporter's textfile collector enforces and promtool 2.42 does not check), an XML
 * schema for JUnit, the Monitoring Plugins grammar for Nagios, Jackson for JSON.
 */
public final class Consumers {
  private Consumers() {}

  /** Asserts that the consumer of format accepts text; exitCode is what the run returned, or -1. */
  public static void accept(Format format, String text, int exitCode) {
    switch (format) {
      case PROMETHEUS -> prometheus(text);
      case JUNIT -> junit(text);
      case NAGIOS -> Nagios.parse(text, exitCode);
      case JSON -> json(text, exitCode);
      case TEXT -> assertTrue(text.endsWith("\n") && !text.isBlank(), "text output ends with a line: " + text);
    }
  }

  /** `promtool check metrics` (Debian's prometheus package), then no series twice. */
  public static void prometheus(String text) {
    String promtool = promtool();
    try {
      Path file = Files.createTempFile("ejup-metrics", ".prom");
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Process p = new ProcessBuilder(promtool, "check", "metrics").redirectInput(file.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
      Files.delete(file);
      assertEquals(0, p.exitValue(), "promtool check metrics rejected:\n" + out + "\n--- input:\n" + text);
    } catch (IOException e) {
      fail("cannot run promtool: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
    uniqueSeries(text);
  }

  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\",?");

  /** Every sample's name and label set (in any order) at most once in the file. */
  static void uniqueSeries(String text) {
    Set<String> seen = new HashSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isEmpty()) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a sample line: " + line);
      Map<String, String> labels = new java.util.TreeMap<>();
      String body = m.group(3) == null ? "" : m.group(3);
      Matcher l = LABEL.matcher(body);
      int at = 0;
      while (at < body.length()) {
        assertTrue(l.find(at) && l.start() == at, "bad labels in " + line);
        assertTrue(labels.put(l.group(1), l.group(2)) == null, "label twice in " + line);
        at = l.end();
      }
      assertTrue(seen.add(m.group(1) + labels), "series twice (Prometheus rejects the whole file): " + line);
    }
  }

  /** promtool on PATH, installed through scripts/lib/prerequisites.sh when missing. */
  static synchronized String promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "promtool"))) {
        return Path.of(dir, "promtool").toString();
      }
    }
    try {
      Process p = new ProcessBuilder("bash", "-c", ". scripts/lib/prerequisites.sh && ensure_test_tools").inheritIO().start();
      assertTrue(p.waitFor(600, TimeUnit.SECONDS) && p.exitValue() == 0, "installing promtool failed");
    } catch (IOException e) {
      fail("cannot install promtool: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "promtool";
  }

  /** Against src/test/resources/report/junit.xsd (where it comes from is written in it). */
  public static void junit(String xml) {
    try {
      SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      Validator validator = factory.newSchema(Path.of("src/test/resources/report/junit.xsd").toFile()).newValidator();
      validator.validate(new StreamSource(new StringReader(xml)));
    } catch (Exception e) {
      fail("JUnit XML does not validate: " + e.getMessage() + "\n--- input:\n" + xml);
    }
    // what a schema cannot say: the counts CI servers show are the elements that are there
    try {
      org.w3c.dom.Element root = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(new org.xml.sax.InputSource(new StringReader(xml))).getDocumentElement();
      for (org.w3c.dom.Element e : elements(root, "testsuites", "testsuite")) {
        assertEquals(e.getElementsByTagName("testcase").getLength(), Integer.parseInt(e.getAttribute("tests")), "tests= of " + e.getAttribute("name"));
        assertEquals(e.getElementsByTagName("failure").getLength(), Integer.parseInt(e.getAttribute("failures")), "failures=");
        assertEquals(e.getElementsByTagName("error").getLength(), Integer.parseInt(e.getAttribute("errors")), "errors=");
      }
    } catch (Exception e) {
      fail("cannot read JUnit XML: " + e.getMessage());
    }
  }

  private static List<org.w3c.dom.Element> elements(org.w3c.dom.Element root, String... names) {
    List<org.w3c.dom.Element> found = new ArrayList<>();
    for (String name : names) {
      if (root.getTagName().equals(name)) {
        found.add(root);
      }
      org.w3c.dom.NodeList list = root.getElementsByTagName(name);
      for (int i = 0; i < list.getLength(); i++) {
        found.add((org.w3c.dom.Element) list.item(i));
      }
    }
    return found;
  }

  /** Parsed by Jackson: one object whose status and exit_code agree with the run and its reports. */
  public static JsonNode json(String text, int exitCode) {
    try {
      JsonNode root = new ObjectMapper().readTree(text);
      assertTrue(root.isObject() && root.get("reports").isArray(), text);
      int code = root.get("exit_code").asInt();
      if (exitCode >= 0) {
        assertEquals(exitCode, code, text);
      }
      assertEquals(List.of("OK", "WARNING", "CRITICAL", "UNKNOWN").get(code), root.get("status").asText());
      for (JsonNode report : root.get("reports")) {
        assertTrue(report.get("steps").isArray() && report.get("metrics").isObject(), text);
        assertTrue(report.get("exit_code").asInt() <= 3 && report.get("duration_seconds").isNumber(), text);
      }
      return root;
    } catch (IOException e) {
      fail("not JSON: " + e.getMessage() + "\n--- input:\n" + text);
      return null;
    }
  }

  /**
   * The Monitoring Plugins output, read strictly (development guidelines, "Plugin Output" and
   * "Performance data"): a status line `SERVICE STATUS - text | perfdata`, then long output, no
   * '|' anywhere but the one that starts the perfdata.
   */
  public static final class Nagios {
    private static final Pattern STATUS_LINE = Pattern.compile("(?<service>[A-Z][A-Z0-9_:.-]*(?: [A-Z][A-Z0-9_:.-]*)*) "
        + "(?<status>OK|WARNING|CRITICAL|UNKNOWN) - (?<text>[^|\\n]+?)(?: \\|(?<perf> [^ ].*))?");
    private static final String NUMBER = "-?(?:[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)";
    private static final String RANGE = "@?(?:" + NUMBER + "|~)?(?::(?:" + NUMBER + ")?)?";
    private static final Pattern PERF = Pattern.compile("(?<label>'(?:[^'=]|'')+'|[^'= ]+)=(?<value>" + NUMBER + "|U)"
        + "(?<uom>s|ms|us|%|B|KB|MB|GB|TB|c)?(?:;(?<warn>" + RANGE + ")?(?:;(?<crit>" + RANGE + ")?(?:;(?<min>" + NUMBER
        + ")?(?:;(?<max>" + NUMBER + ")?)?)?)?)?");

    /** What a status line says. */
    public record Output(String service, String status, String text, Map<String, String> perfdata, List<String> longOutput) {}

    /** Parses text or fails the test; exitCode (or -1) must match the status word. */
    public static Output parse(String text, int exitCode) {
      assertTrue(text.endsWith("\n"), "output ends with a newline: " + text);
      String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
      Matcher m = STATUS_LINE.matcher(lines[0]);
      assertTrue(m.matches(), "not a Monitoring Plugins status line: " + lines[0]);
      String status = m.group("status");
      if (exitCode >= 0) {
        assertEquals(List.of("OK", "WARNING", "CRITICAL", "UNKNOWN").get(exitCode), status, lines[0]);
      }
      Map<String, String> perfdata = new LinkedHashMap<>();
      String perf = m.group("perf") == null ? "" : m.group("perf");
      int at = 0;
      Matcher p = PERF.matcher(perf);
      while (at < perf.length()) {
        assertTrue(perf.charAt(at) == ' ', "perfdata items are separated by one space: " + perf.substring(at));
        assertTrue(p.region(at + 1, perf.length()).lookingAt(), "not perfdata: " + perf.substring(at + 1));
        String label = p.group("label");
        assertTrue(perfdata.put(label, p.group()) == null, "perfdata label twice: " + label);
        at = p.end();
      }
      List<String> longOutput = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        assertTrue(!lines[i].contains("|"), "a '|' in long output starts more perfdata: " + lines[i]);
        longOutput.add(lines[i]);
      }
      return new Output(m.group("service"), status, m.group("text"), perfdata, longOutput);
    }
  }
}
