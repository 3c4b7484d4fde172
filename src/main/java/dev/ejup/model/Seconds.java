package dev.ejup.model;

import java.time.Duration;

/**
 * A number of seconds a user wrote (a command-line option, a playbook's {@code timeout:}): one
 * reader, so every duration refuses the same things. Java's parser takes "NaN", "Infinity" and
 * "-5"; a timeout of 0 is "no timeout" to JSch and sockets, or "already past" to a deadline, and
 * neither is what someone who typed 0 can have meant.
 */
public final class Seconds {
  /**
   * The longest duration ejup takes: a day. Sockets and JSch count timeouts in int milliseconds, so
   * values past 24.8 days wrapped around to an instant timeout or to 0, JSch's "no timeout".
   */
  public static final double MAX = 86_400;

  private Seconds() {}

  /**
   * @param what how the user named it, e.g. "--ssh-timeout" or "timeout (playbook.yml:7)"
   * @param text what the user wrote
   * @param zeroAllowed true for an offset taken off another duration, where 0 means "none"
   * @return the seconds, finite, above 0 (or 0 when allowed), at most {@link #MAX}
   * @throws UserError UNKNOWN (3): not a number, not finite, negative, 0 where it is not allowed, or above a day
   */
  public static double parse(String what, String text, boolean zeroAllowed) {
    double seconds;
    try {
      seconds = Double.parseDouble(text == null ? "" : text.strip());
    } catch (NumberFormatException e) {
      seconds = Double.NaN;
    }
    // below a millisecond rounds to 0 ms: "no timeout" again
    if (!Double.isFinite(seconds) || seconds < 0 || !zeroAllowed && seconds < 0.001) {
      throw UserError.unusable(what + " '" + Printable.of(text == null ? "" : text) + "' is not a " + (zeroAllowed ? "" : "positive ")
          + "number of seconds", "e.g. " + what.split(" ")[0] + " " + (zeroAllowed ? "0.5" : "30"));
    }
    if (seconds > MAX) {
      throw UserError.unusable(what + " '" + Printable.of(text.strip()) + "' is more than a day",
          "give at most " + (long) MAX + " seconds");
    }
    return seconds;
  }

  /** The seconds as a Duration, to the millisecond. */
  public static Duration duration(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }
}
