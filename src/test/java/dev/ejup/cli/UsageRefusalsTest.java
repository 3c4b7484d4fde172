package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a tester typed and ejup took, or answered in Java's words: each is exit 3 and one line in
 * ejup's words, before anything connects (a listening socket here proves nothing connected).
 */
class UsageRefusalsTest {
  private static final Map<String, String> ENV = Map.of("EJUP_PASSWORD", "x", "HOME", "/nonexistent");

  private static String refused(String... args) {
    Ejup.Result r = Ejup.runCaptured(ENV, args);
    assertEquals(3, r.exitCode(), String.join(" ", args) + ": " + r.err() + r.out());
    String err = r.err().strip();
    assertFalse(err.contains("\n"), "one line: " + err);
    assertTrue(err.startsWith("ejup: ") && err.contains("(hint: "), "what and the fix: " + err);
    for (String java : List.of("main parameter", "arg class", "couldn't convert", "a double", "Expected authority", "index", "Exception")) {
      assertFalse(err.contains(java), "Java's words leak: " + err);
    }
    return err;
  }

  /** check against a server that listens: a refusal must come before anything connects to it. */
  private static String checkRefused(String... more) throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(1);
      List<String> args = new ArrayList<>(List.of("check", "--jid", "u@localhost", "--server", "127.0.0.1:" + server.getLocalPort()));
      args.addAll(List.of(more));
      String err = refused(args.toArray(String[]::new));
      try {
        server.accept().close();
        throw new AssertionError("check connected before refusing " + more[more.length - 1]);
      } catch (java.net.SocketTimeoutException expected) {
        return err;
      }
    }
  }

  @Test
  void everyDurationOptionRefusesWhatIsNotAPositiveFiniteNumberOfSeconds() throws IOException {
    for (String option : List.of("--deadline", "--step-timeout")) {
      for (String value : List.of("NaN", "Infinity", "-Infinity", "-1", "0", "abc")) {
        assertTrue(checkRefused(option, value).contains(option + " '" + value + "' is not a positive number of seconds"), option + value);
      }
    }
    for (String value : List.of("NaN", "Infinity", "-2", "0")) {
      assertTrue(refused("play", "nothing.yml", "--deadline", value).contains("--deadline '" + value + "'"), value);
    }
    for (String value : List.of("NaN", "Infinity", "-0.5")) {
      assertTrue(refused("serve", "--config", "nothing.yml", "--timeout-offset", value).contains("--timeout-offset '" + value + "'"), value);
    }
  }

  /**
   * --ssh-timeout on every command that can reach a server over SSH: 0 was taken and meant "no
   * timeout" to JSch (a hung server hangs ejup for ever); negative ones failed deep inside. Refused
   * before anything connects to the --ssh target (a listening socket here).
   */
  @Test
  void everySshCommandRefusesAnSshTimeoutThatIsNotAPositiveNumberOfSeconds() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(1);
      String ssh = "root@127.0.0.1:" + server.getLocalPort();
      List<List<String>> commands = List.of(
          List.of("config", "validate", "/etc/ejabberd/ejabberd.yml"),
          List.of("config", "apply", "/etc/ejabberd/ejabberd.yml", "--host", "example.org", "--dry-run"),
          List.of("config", "generate", "--host", "example.org", "--into", "/etc/ejabberd/ejabberd.yml"),
          List.of("docroot", "check"), List.of("docroot", "fix", "--dry-run"), List.of("docroot", "prune", "--dry-run"));
      for (List<String> command : commands) {
        for (String value : List.of("0", "-1", "-0.5", "0.0001", "NaN", "Infinity", "abc")) {
          List<String> args = new ArrayList<>(command);
          args.addAll(List.of("--ssh", ssh, "--ssh-timeout", value));
          String err = refused(args.toArray(String[]::new));
          assertTrue(err.contains("--ssh-timeout '" + value + "' is not a positive number of seconds"), args + ": " + err);
        }
        // past 24.8 days JSch's int milliseconds wrapped: 4294967.296 s became 0, "no timeout"
        for (String value : List.of("86400.001", "2147484", "4294967.296", "1e300")) {
          List<String> args = new ArrayList<>(command);
          args.addAll(List.of("--ssh", ssh, "--ssh-timeout", value));
          String err = refused(args.toArray(String[]::new));
          assertTrue(err.contains("--ssh-timeout '" + value + "' is more than a day"), args + ": " + err);
        }
      }
      try {
        server.accept().close();
        throw new AssertionError("a command connected before refusing --ssh-timeout");
      } catch (java.net.SocketTimeoutException expected) {
        // nothing connected
      }
    }
  }

  @Test
  void playRefusesParallelThatRunsNoTarget() {
    for (String value : List.of("0", "-3")) {
      assertTrue(refused("play", "playbooks/healthcheck.yml", "-f", value).contains("--parallel " + value + " would run no target"), value);
    }
  }

  @Test
  void aNodeUrlWithoutHostOrWithAPortOutOfRangeIsRefusedInEjupsWords() throws IOException {
    assertTrue(checkRefused("--node-url", "http://").contains("--node-url 'http://' is not a URL with a host"));
    assertTrue(checkRefused("--node-url", "http://a:99999").contains("port 99999 is outside 1-65535"));
    assertTrue(checkRefused("--node-url", "https://a:0").contains("port 0 is outside 1-65535"));
  }

  @Test
  void jcommandersOwnWordsBecomeEjups() throws IOException {
    assertTrue(checkRefused("stray").contains("unexpected argument 'stray': 'ejup check' takes no file or word here"));
    assertTrue(refused("play", "x.yml", "-f", "abc").contains("-f 'abc' of 'ejup play' is not a whole number"));
    assertTrue(refused("serve", "--config", "x.yml", "--max-concurrent", "many").contains("--max-concurrent 'many' of 'ejup serve' is not a whole number"));
  }

  @Test
  void validateRefusesAnUnknownRuleIdInIgnoreAsRulesDoes() {
    String rules = refused("config", "rules", "bogus.rule");
    assertEquals(rules, refused("config", "validate", "--ignore", "bogus.rule", "/nonexistent/ejabberd.yml"));
    assertTrue(refused("config", "validate", "--ignore", "upload.plain-http,bogus.rule", "/nonexistent/ejabberd.yml").contains("no rule 'bogus.rule'"));
  }

  /**
   * An option left without its value took the next option for it: 'check --jid --password-file F'
   * said the JID '--password-file' has no user part. Every command now says the value is missing.
   */
  @Test
  void anOptionWhoseValueIsAnotherOptionIsMissingItsValue() throws IOException {
    assertEquals("ejup: --jid of 'ejup check' needs a value, got the option --password-file (hint: write the value after --jid"
        + " (a file whose name starts with -- as ./--password-file))",
        refused("check", "--server", "127.0.0.1:1", "--jid", "--password-file", "/etc/ejup/x.pw"));
    assertTrue(checkRefused("--password-file", "--format=nagios").contains("--password-file of 'ejup check' needs a value, got the option --format=nagios"));
    assertTrue(refused("config", "validate", "--ssh", "--known-hosts", "k", "ejabberd.yml").contains("--ssh of 'ejup config validate' needs a value"));
    assertTrue(refused("play", "x.yml", "--format", "--output", "o").contains("--format of 'ejup play' needs a value, got the option --output"));
    // a value that only looks like an option of another command, or like none, is still a value
    Ejup.Result r = Ejup.runCaptured(ENV, "check", "--jid", "u@localhost", "--server", "127.0.0.1:1", "--content-type", "--x", "--deadline", "1");
    assertFalse(r.err().contains("needs a value"), r.err());
  }
}
