package dev.ejup.model;

import java.time.Duration;
import java.util.Locale;

/**
 * What nobody planned for (a bug, a library's surprise, an interrupt), as a step that cannot pass:
 * UNKNOWN, naming where it happened, saying what happened in words. A worker boundary (a thread,
 * a playbook action) catches everything and records it with {@link #step}, so a verdict is never
 * OK because a failure went unseen.
 */
public final class Unexpected {
  private static final String HINT = "a bug in ejup or a library it uses: run again with --debug and report what it prints";

  private Unexpected() {}

  /**
   * The UNKNOWN step for a failure in the step called name.
   *
   * @param name the step that was running (a metric label: lower-case, no spaces)
   * @param failure what was thrown; its class name never reaches the report
   * @param taken how long the step ran before it failed
   */
  public static Step step(String name, Throwable failure, Duration taken) {
    if (isInterrupt(failure)) {
      return Step.of(name, Status.UNKNOWN, taken, "interrupted before it finished", "");
    }
    return Step.of(name, Status.UNKNOWN, taken, name + " failed unexpectedly: " + words(failure), HINT);
  }

  /** One line, in words, without Java class names or stack frames. */
  public static String words(Throwable failure) {
    if (failure instanceof OutOfMemoryError) {
      return "ran out of memory";
    }
    if (failure instanceof StackOverflowError) {
      return "ran out of stack (input nested too deeply?)";
    }
    if (failure instanceof NullPointerException) {
      return "a value it needed was missing";
    }
    if (isInterrupt(failure)) {
      return "interrupted";
    }
    String message = failure.getMessage() == null ? "" : failure.getMessage()
        // java.lang.IllegalStateException: ..., org.example.Foo$Bar.method(...): names mean nothing to a sysadmin
        .replaceAll("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:\\.[A-Za-z0-9_$]+)*(?:\\(\\))?:?", "")
        .replaceAll("\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b:?", "")
        .replaceAll("\\s+", " ").strip();
    if (message.isEmpty() || message.equals("null")) {
      String kind = failure.getClass().getSimpleName().replaceAll("(Exception|Error)$", "")
          .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT).strip();
      return kind.isEmpty() ? "no reason given" : kind + " (no reason given)";
    }
    return message.length() > 200 ? message.substring(0, 200) + "…" : message;
  }

  private static boolean isInterrupt(Throwable failure) {
    return failure instanceof InterruptedException || failure instanceof java.io.InterruptedIOException
        && !(failure instanceof java.net.SocketTimeoutException)
        || failure instanceof java.nio.channels.ClosedByInterruptException;
  }
}
