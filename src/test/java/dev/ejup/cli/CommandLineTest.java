package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterDescription;
import com.beust.jcommander.Parameters;
import dev.ejup.Ejup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every command in {@link CommandTable}, as a new user meets it: its --help works, and whatever
 * malformed value it is given ends in exit 3 and one line that says what is wrong in words, before
 * anything connects (nothing here has a server to connect to).
 */
class CommandLineTest {
  private static final Map<String, String> ENV = Map.of("EJUP_PASSWORD", "x", "HOME", "/nonexistent");

  /** Each command as its words on the command line ("check", "config apply"...) with a fresh object. */
  private record Named(List<String> path, Supplier<Command> command) {}

  private static List<Named> commands() {
    List<Named> all = new ArrayList<>();
    for (CommandTable.Entry entry : CommandTable.entries()) {
      if (!entry.isGroup()) {
        all.add(new Named(List.of(entry.name()), entry.command()));
      }
      for (Supplier<Command> sub : entry.subcommands()) {
        String name = sub.get().getClass().getAnnotation(Parameters.class).commandNames()[0];
        all.add(new Named(List.of(entry.name(), name), sub));
      }
    }
    return all;
  }

  private static Ejup.Result run(List<String> path, String... more) {
    List<String> args = new ArrayList<>(path);
    args.addAll(List.of(more));
    return Ejup.runCaptured(ENV, args.toArray(String[]::new));
  }

  private static void assertUsageError(Ejup.Result r, String what) {
    assertEquals(3, r.exitCode(), what + ": " + r.out() + r.err());
    assertEquals(1, r.err().lines().count(), what + ": one line: " + r.err());
    assertTrue(r.err().startsWith("ejup: "), what + ": " + r.err());
    assertTrue(!r.err().matches("(?s).*(\\b[a-z]+(\\.[a-z0-9]+)+\\.[A-Z][A-Za-z]+|Exception|Error:|\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\().*"),
        what + ": no class names or traces: " + r.err());
  }

  @Test
  void everyCommandsHelpPrintsItsUsageAndExitsZero() {
    for (Named command : commands()) {
      for (String flag : List.of("--help", "-h")) {
        Ejup.Result r = run(command.path(), flag);
        assertEquals(0, r.exitCode(), command.path() + " " + flag + ": " + r.err());
        assertTrue(r.out().startsWith("Usage: ejup " + String.join(" ", command.path())), r.out());
        assertEquals("", r.err());
      }
    }
    for (CommandTable.Entry group : CommandTable.entries()) {
      assertEquals(0, run(List.of(group.name()), "--help").exitCode(), group.name());
    }
    assertTrue(commands().size() >= 8, "the table was read: " + commands());
  }

  @Test
  void anUnknownOptionIsNamedAsUnknownInEveryCommand() {
    for (Named command : commands()) {
      Ejup.Result r = run(command.path(), "--frmat=json", "file.yml");
      assertUsageError(r, command.path() + " --frmat=json");
      assertTrue(r.err().startsWith("ejup: unknown option --frmat for 'ejup " + String.join(" ", command.path()) + "'"), r.err());
    }
    assertTrue(run(List.of("play"), "--frmat=json", "x.yml").err().contains("did you mean --format?"));
  }

  @Test
  void anOptionFromCurlOrTheMonitoringPluginsIsAnsweredWithEjupsWay() {
    // what check_http and curl users type first; a far edit-distance guess (--ca-file: "--deadline") misleads
    Ejup.Result ca = run(List.of("check"), "--ca-file", "/etc/ssl/my-ca.pem", "--jid", "a@b");
    assertUsageError(ca, "check --ca-file");
    assertTrue(ca.err().contains("ejup trusts the JDK's trust store") && ca.err().contains("update-ca-certificates")
        && ca.err().contains("-Djavax.net.ssl.trustStore=FILE"), ca.err());
    assertFalse(ca.err().contains("did you mean"), ca.err());
    for (String[] pair : new String[][] {{"-w", "--warning"}, {"-c", "--critical"}, {"-t", "--deadline"},
        {"-k", "--insecure"}, {"-H", "--server"}, {"--timeout", "--deadline"}, {"-p", "--password-file"}}) {
      Ejup.Result r = run(List.of("check"), pair[0], "1", "--jid", "a@b");
      assertUsageError(r, "check " + pair[0]);
      assertTrue(r.err().contains("unknown option " + pair[0] + " for 'ejup check' (hint: did you mean " + pair[1] + "? "), r.err());
    }
    // only an option the command has is offered: config validate has no --warning
    assertFalse(run(List.of("config", "validate"), "-w", "1", "x.yml").err().contains("did you mean"));
    // nothing near: no guess at all
    Ejup.Result far = run(List.of("check"), "--zebra-stripes", "--jid", "a@b");
    assertUsageError(far, "check --zebra-stripes");
    assertFalse(far.err().contains("did you mean"), far.err());
  }

  @Test
  void everyNumericOptionRefusesWords() {
    int seen = 0;
    for (Named command : commands()) {
      JCommander parser = JCommander.newBuilder().build();
      parser.addCommand(command.command().get());
      for (ParameterDescription option : parser.getCommands().values().iterator().next().getParameters()) {
        Class<?> type = option.getParameterized().getType();
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class || type == double.class) {
          assertUsageError(run(command.path(), option.getLongestName(), "many"), command.path() + " " + option.getLongestName());
          seen++;
        }
      }
    }
    assertTrue(seen >= 6, "numeric options found: " + seen);
  }

  @Test
  void malformedValuesAreUsageErrorsBeforeAnythingConnects() {
    List<List<String>> cases = List.of(
        List.of("check", "--jid", "localhost"),
        List.of("check", "--jid", "@localhost"),
        List.of("check", "--jid", "hc@"),
        List.of("check", "--jid", "hc@local host"),
        List.of("check", "--jid", "hc@localhost", "--server", "localhost:abc"),
        List.of("check", "--jid", "hc@localhost", "--server", "localhost:99999"),
        List.of("check", "--jid", "hc@localhost", "--server", "localhost:0"),
        List.of("check", "--jid", "hc@localhost", "--server", ":5222"),
        List.of("check", "--jid", "hc@localhost", "--server", ""),
        List.of("check", "--jid", "hc@localhost", "--server", "localhost:"),
        List.of("check", "--jid", "hc@localhost", "--server", "[::1"),
        List.of("check", "--jid", "hc@localhost", "--server", "[::1]5222"),
        List.of("check", "--jid", "hc@localhost", "--server", "local host"),
        List.of("check", "--jid", "hc@localhost", "--server", "https://localhost/"),
        List.of("check", "--jid", "hc@localhost", "--service", "hc@localhost"),
        List.of("check", "--jid", "hc@localhost", "--service", "upload.localhost/res"),
        List.of("check", "--jid", "hc@localhost", "--service", ""),
        List.of("check", "--jid", "hc@localhost", "--size", "0"),
        List.of("check", "--jid", "hc@localhost", "--size", "10X"),
        List.of("check", "--jid", "hc@localhost", "--deadline", "0"),
        List.of("check", "--jid", "hc@localhost", "--stop-after", "nothing"),
        List.of("check", "--jid", "hc@localhost", "--format", "xml"),
        List.of("check", "--jid", "hc@localhost", "--warning", "10", "--critical", "5"),
        List.of("check", "--jid", "hc@localhost", "--warning", "-1"),
        List.of("check", "--jid", "hc@localhost", "--critical", "NaN"),
        List.of("check", "--jid", "hc@localhost", "--insecure=yes"),
        List.of("play"),
        List.of("play", "a.yml", "b.yml"),
        List.of("play", "no-such-playbook.yml"),
        List.of("play", "x.yml", "--warning", "3", "--critical", "1"),
        List.of("play", "x.yml", "--format", "xml"),
        List.of("docroot", "check", "--format", "xml"),
        List.of("docroot", "fix", "--warning", "3", "--critical", "1"),
        List.of("docroot", "prune", "--older-than", "5x"),
        List.of("config", "validate", "/nonexistent/ejabberd.yml"),
        List.of("config"),
        List.of("version", "extra"));
    for (List<String> args : cases) {
      assertUsageError(Ejup.runCaptured(ENV, args.toArray(String[]::new)), String.join(" ", args));
    }
  }

  @Test
  void theMessagesSayWhatIsWrong() {
    assertEquals("ejup: --jid localhost has no user part (hint: give the account ejup logs in with as user@domain, e.g. monitor@localhost)\n",
        Ejup.runCaptured(ENV, "check", "--jid", "localhost").err());
    assertTrue(Ejup.runCaptured(ENV, "check", "--jid", "hc@localhost", "--server", "localhost:abc").err()
        .startsWith("ejup: --server 'localhost:abc': 'abc' is not a port number"));
    assertTrue(Ejup.runCaptured(ENV, "check", "--jid", "hc@localhost", "--server", "localhost:99999").err()
        .startsWith("ejup: --server 'localhost:99999': port 99999 is outside 1-65535"));
    assertTrue(Ejup.runCaptured(ENV, "check", "--jid", "hc@localhost", "--server", ":5222").err()
        .startsWith("ejup: --server ':5222': there is no host before ':'"));
    assertTrue(Ejup.runCaptured(ENV, "check", "--jid", "hc@localhost", "--warning", "10", "--critical", "5").err()
        .startsWith("ejup: --warning 10 is above --critical 5"));
  }
}
