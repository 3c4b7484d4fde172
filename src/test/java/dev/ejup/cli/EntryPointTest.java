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
