package dev.ejup.upload;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The failures a test injects into the flow: what bugs, libraries and the JVM throw. */
final class Faults {
  private Faults() {}

  /** Every step of a full run with probes, and the HTTP client's set-up on its own thread. */
  static final List<String> STEPS = List.of("connect", "login", "disco-items", "disco-info", "slot", "http-setup", "put", "get",
      "probe-too-large", "probe-overwrite", "probe-missing");

  static final List<Supplier<Throwable>> KINDS = List.of(
      () -> new IllegalStateException("java.lang.IllegalStateException: boom in org.example.Parser$Inner"),
      NullPointerException::new,
      () -> new OutOfMemoryError("Java heap space"),
      StackOverflowError::new,
      InterruptedException::new,
      () -> new Exception("a checked exception nobody declared"),
      () -> new IOException("a network failure"),
      () -> new NoClassDefFoundError("org/jivesoftware/smack/Missing"));

  static Stream<Arguments> everyStepAndKind() {
    return STEPS.stream().flatMap(step -> KINDS.stream().map(kind -> Arguments.of(step, kind.get())));
  }

  /** Throws failure at the named step, nothing elsewhere. */
  static StepRunner.Fault at(String step, Throwable failure) {
    return name -> {
      if (!name.equals(step)) {
        return;
      }
      if (failure instanceof Exception e) {
        throw e;
      }
      throw (Error) failure;
    };
  }

  static CheckOptions options(String jid, String password, String server) {
    return new CheckOptions(jid, password, server, null, 1024, "application/octet-stream", false, false, false, true,
        Duration.ofSeconds(30), Duration.ofSeconds(10), null);
  }

  /** What every injected failure must give: a verdict that is not OK or WARNING, at the step it hit, in words. */
  static void assertFailClosed(Report report, String step, Throwable failure) {
    String where = step.equals("http-setup") ? "put" : step;
    String text = report.steps().toString();
    if (report.worst() == Status.OK || report.worst() == Status.WARN) {
      throw new AssertionError(failure + " at " + step + " gave " + report.worst() + ": " + text);
    }
    Step failed = report.steps().stream().filter(s -> s.name().equals(where) && s.status() != Status.OK).findFirst()
        .orElseThrow(() -> new AssertionError("no failed step " + where + " for " + failure + ": " + text));
    Status expected = failure instanceof IOException ? Status.CRIT : Status.UNKNOWN;
    if (failed.status() != expected) {
      throw new AssertionError(failure + " at " + step + ": " + failed.status() + " instead of " + expected + ": " + text);
    }
    if (failed.detail().matches("(?s).*(Exception|Error\\b|java\\.|org\\.|\\$|\\tat ).*") || failed.detail().contains("\n")) {
      throw new AssertionError("not one line in words: " + failed.detail());
    }
  }
}
