package dev.ejup.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/** Durations as seconds with millisecond precision and no trailing zeros: "0.012", "1.5", "0". */
public final class Seconds {
  private Seconds() {}

  public static String of(Duration duration) {
    BigDecimal seconds = BigDecimal.valueOf(duration.toNanos(), 9).setScale(3, RoundingMode.HALF_UP);
    return seconds.stripTrailingZeros().toPlainString();
  }

  static String of(double seconds) {
    return BigDecimal.valueOf(seconds).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
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
