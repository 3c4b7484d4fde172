package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

class EntryPointTest {
  private static Ejup.Result run(String... args) {
    return Ejup.runCaptured(Map.of(), args);
  }

  @Test
  void helpListsCommandsAndExitCodes() {
    Ejup.Result result = run("--help");
    assertEquals(0, result.exitCode());
    assertTrue(result.out().contains("Usage: ejup"), result.out());
    assertTrue(result.out().contains("3 UNKNOWN"), result.out());
  }

  @Test
  void noArgumentsIsAUsageError() {
    assertEquals(3, run().exitCode());
  }

  @Test
  void versionWorksAsFlagAndCommand() {
    assertTrue(run("--version").out().startsWith("ejup "));
    assertEquals(run("--version").out(), run("version").out());
  }

  @Test
  void unknownCommandIsOneLineWithAHint() {
    Ejup.Result result = run("frobnicate");
    assertEquals(3, result.exitCode());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(result.err().startsWith("ejup: "), result.err());
    assertTrue(result.err().contains("hint: see 'ejup --help'"), result.err());
  }

  @Test
  void unknownOptionNamesTheCommandsHelp() {
    Ejup.Result result = run("version", "--bogus");
    assertEquals(3, result.exitCode());
    assertTrue(result.err().contains("'ejup version --help'"), result.err());
    assertFalse(result.err().contains("at dev.ejup"), "no stack trace: " + result.err());
  }

  /** Nagios shows "(No output)" and a JSON reader fails on an empty stdout: a run that never ran still says UNKNOWN there. */
  @Test
  void aCheckThatCannotStartSaysUnknownOnStdoutForNagiosAndJson() {
    Ejup.Result nagios = run("check", "--jid", "a@localhost", "--password-file", "/nonexistent/pw", "--format", "nagios");
    assertEquals(3, nagios.exitCode());
    assertEquals(1, nagios.out().lines().count(), nagios.out());
    assertTrue(nagios.out().startsWith("EJUP UNKNOWN - "), nagios.out());
    assertTrue(nagios.out().contains("/nonexistent/pw"), nagios.out());
    assertTrue(nagios.err().startsWith("ejup: "), nagios.err());

    Ejup.Result json = run("check", "--jid", "a@localhost", "--format=json");
    assertEquals(3, json.exitCode());
    assertTrue(json.out().startsWith("{\"status\": \"UNKNOWN\", \"exit_code\": 3, \"message\": \"no password"), json.out());
    assertTrue(json.out().strip().endsWith("\"reports\": []}"), json.out());

    Ejup.Result text = run("check", "--jid", "a@localhost");
    assertEquals("", text.out());
    assertEquals(3, text.exitCode());
  }

  /** promtool's verdict on a Prometheus text, as node_exporter's textfile collector would read it. */
  private static void promtoolAccepts(String text) throws Exception {
    Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), said + "\n" + text);
  }

  /**
   * The breaker's case: a cron job writes a check's report with --output for node_exporter. A run
   * that ended before any report (the password file gone, a usage error, a playbook missing a
   * variable) wrote nothing, so the file went on saying ejup_check_success 1 from the last run;
   * on stdout, prometheus and junit readers got nothing, nor did json and nagios readers of play's
   * problems. Now each gets the run's UNKNOWN, in the series a run writes.
   */
  @Test
  void aRunThatCannotStartReplacesTheLastReportInOutputAndSaysSoInEveryFormat(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path prom = dir.resolve("ejup.prom");
    String stale = "ejup_check_success{target=\"example.org\"} 1\n";
    java.nio.file.Files.writeString(prom, stale);
    Ejup.Result gone = run("check", "--jid", "hc@Example.org/probe", "--password-file", "/nonexistent/pw", "--format", "prometheus",
        "--output", prom.toString());
    assertEquals(3, gone.exitCode());
    assertEquals("", gone.out());
    assertTrue(gone.err().startsWith("ejup: password file /nonexistent/pw"), gone.err());
    String written = java.nio.file.Files.readString(prom);
    // the target as a run of that --jid names it in its series: the domain as written
    assertTrue(written.contains("ejup_check_success{target=\"Example.org\"} 0\n"), written);
    assertTrue(written.contains("ejup_check_status{target=\"Example.org\"} 3\n"), written);
    assertFalse(written.contains("} 1\n"), "the last run's report is gone: " + written);
    promtoolAccepts(written);

    Ejup.Result usage = run("check", "--jid", "hc@example.org", "--size", "12Q", "--format", "prometheus");
    assertEquals(3, usage.exitCode());
    assertTrue(usage.out().contains("ejup_check_success{target=\"example.org\"} 0\n"), usage.out());
    promtoolAccepts(usage.out());

    java.nio.file.Path json = dir.resolve("ejup.json");
    java.nio.file.Files.writeString(json, "{\"status\": \"OK\", \"exit_code\": 0, \"reports\": []}\n");
    Ejup.Result jsonGone = run("check", "--jid", "hc@example.org", "--format", "json", "--output", json.toString());
    assertEquals("", jsonGone.out());
    com.fasterxml.jackson.databind.JsonNode read = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Files.readString(json));
    assertEquals("UNKNOWN", read.path("status").asText());
    assertEquals(3, read.path("exit_code").asInt());

    java.nio.file.Path junit = dir.resolve("ejup.xml");
    Ejup.Result junitGone = run("check", "--jid", "hc@example.org", "--format", "junit", "--output", junit.toString());
    assertEquals(3, junitGone.exitCode());
    assertTrue(java.nio.file.Files.readString(junit).contains("<error message=\"no password"), java.nio.file.Files.readString(junit));

    java.nio.file.Path text = dir.resolve("ejup.txt");
    java.nio.file.Files.writeString(text, "check example.org: OK in 0.3s\n");
    run("check", "--jid", "hc@example.org", "--output", text.toString());
    assertTrue(java.nio.file.Files.readString(text).startsWith("check example.org: UNKNOWN"), java.nio.file.Files.readString(text));

    // play: a playbook that misses variables, and one that is no playbook at all
    java.nio.file.Files.writeString(prom, stale);
    Ejup.Result missing = run("play", "-f", "2", "playbooks/healthcheck.yml", "-e", "domain=example.org",
        "--format", "prometheus", "--output", prom.toString());
    assertEquals(3, missing.exitCode());
    assertTrue(missing.err().contains("variable 'jid' has no default"), missing.err());
    written = java.nio.file.Files.readString(prom);
    assertTrue(written.contains("ejup_playbook_healthcheck_success{target=\"example.org\"} 0\n"), written);
    assertFalse(written.contains("ejup_check_success"), written);
    promtoolAccepts(written);
    Ejup.Result missingJson = run("play", "playbooks/healthcheck.yml", "-e", "domain=example.org", "--format", "json");
    read = new com.fasterxml.jackson.databind.ObjectMapper().readTree(missingJson.out());
    assertEquals("UNKNOWN", read.path("status").asText());
    assertTrue(read.path("message").asText().startsWith("nothing ran: playbooks/healthcheck.yml:"), missingJson.out());
    // a copy under another file name keeps the name it says, and so the series a run of it writes (the second breaker's)
    java.nio.file.Path renamed = java.nio.file.Files.copy(java.nio.file.Path.of("playbooks/healthcheck.yml"), dir.resolve("Health-Check.v2.yml"));
    Ejup.Result copied = run("play", renamed.toString(), "--format", "prometheus");
    assertTrue(copied.out().contains("ejup_playbook_healthcheck_success{target=\"localhost\"} 0\n"), copied.out());
    Ejup.Result copiedNoInventory = run("play", renamed.toString(), "-i", dir.resolve("nowhere.yml").toString(), "--format", "prometheus");
    assertTrue(copiedNoInventory.out().contains("ejup_playbook_healthcheck_success{target=\"\"} 0\n"), copiedNoInventory.out());
    java.nio.file.Path notAPlaybook = java.nio.file.Files.writeString(dir.resolve("hosts.yml"), "just text\n");
    Ejup.Result nagios = run("play", notAPlaybook.toString(), "--format", "nagios");
    assertEquals(3, nagios.exitCode());
    assertEquals(1, nagios.out().lines().count(), nagios.out());
    assertTrue(nagios.out().startsWith("EJUP UNKNOWN - nothing ran: " + notAPlaybook + ":1:1: "), nagios.out());

    // an --output that cannot be written: the one line on stderr, nothing else, no stack trace
    Ejup.Result dirOut = run("check", "--jid", "hc@example.org", "--format", "prometheus", "--output", dir.toString());
    assertEquals(3, dirOut.exitCode());
    assertEquals(1, dirOut.err().lines().count(), dirOut.err());
    assertEquals("", dirOut.out());
  }

  @Test
  void debugIsAcceptedAnywhere() {
    assertEquals(0, run("version", "--debug").exitCode());
  }

  /** jlink, jshell and other JDK tools find ejup by name through META-INF/services, as they find javac. */
  @Test
  void foundAsAToolProviderByName() {
    ToolProvider tool = ToolProvider.findFirst("ejup").orElseThrow(() -> new AssertionError("ToolProvider 'ejup' not registered"));
    StringWriter out = new StringWriter();
    int code = tool.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "--version");
    assertEquals(0, code);
    assertTrue(out.toString().startsWith("ejup "), out.toString());
  }
}
