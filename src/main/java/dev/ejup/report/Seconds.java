package dev.ejup.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Durations as seconds with millisecond precision (half up) and no trailing zeros: "0.012", "1.5",
 * "0". In whole milliseconds with long arithmetic: every report prints a dozen of these at the end
 * of a cold run, and BigDecimal's first use there (its class set-up, interpreted) cost more than
 * the rest of the rendering.
 */
public final class Seconds {
  private Seconds() {}

  public static String of(Duration duration) {
    long nanos = duration.toNanos();
    long millis = nanos / 1_000_000;
    long rest = nanos % 1_000_000;
    if (Math.abs(rest) >= 500_000) {
      millis += Long.signum(rest); // half up, away from zero
    }
    return ofMillis(millis);
  }

  static String of(double seconds) {
    double millis = seconds * 1000;
    // a value given in whole milliseconds (30, 0.5, 2.25) needs no decimal arithmetic
    if (millis == Math.rint(millis) && Math.abs(millis) < 1e15) {
      return ofMillis((long) millis);
    }
    return BigDecimal.valueOf(seconds).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  private static String ofMillis(long millis) {
    long whole = Math.abs(millis / 1000);
    int fraction = (int) Math.abs(millis % 1000);
    StringBuilder text = new StringBuilder(millis < 0 ? "-" : "").append(whole);
    if (fraction != 0) {
      text.append('.').append((char) ('0' + fraction / 100));
      if (fraction % 100 != 0) {
        text.append((char) ('0' + fraction / 10 % 10));
        if (fraction % 10 != 0) {
          text.append((char) ('0' + fraction % 10));
        }
      }
    }
    return text.toString();
  }

  /** A metric value as Prometheus wants it: integers without ".0"; NaN and +Inf/-Inf as Prometheus spells them. */
  static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
