package dev.ejup.model;

import java.time.Duration;

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

  /** One line, in words, without Java class names or stack frames ({@link Cause#words}, which says it for every caller). */
  public static String words(Throwable failure) {
    return isInterrupt(failure) ? "interrupted" : Cause.words(failure);
  }

  private static boolean isInterrupt(Throwable failure) {
    return failure instanceof InterruptedException || failure instanceof java.io.InterruptedIOException
        && !(failure instanceof java.net.SocketTimeoutException)
        || failure instanceof java.nio.channels.ClosedByInterruptException;
  }
}
