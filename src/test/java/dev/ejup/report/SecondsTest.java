package dev.ejup.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Seconds prints what BigDecimal's half-up rounding to milliseconds prints, without BigDecimal. */
class SecondsTest {
  private static String reference(Duration d) {
    return BigDecimal.valueOf(d.toNanos(), 9).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  private static String reference(double seconds) {
    return BigDecimal.valueOf(seconds).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  @Test
  void durationsAsBigDecimalRoundsThem() {
    long[] nanos = {0, 1, 499_999, 500_000, 999_999, 1_000_000, 1_500_000, 12_000_000, 100_000_000, 120_000_000,
        123_456_789, 999_500_000, 1_000_000_000, 1_500_000_000, 59_999_499_999L, 3_600_000_000_000L,
        -1, -500_000, -499_999, -1_500_000, -2_345_678_901L, Long.MAX_VALUE, Long.MIN_VALUE + 1};
    for (long n : nanos) {
      assertEquals(reference(Duration.ofNanos(n)), Seconds.of(Duration.ofNanos(n)), n + " ns");
    }
    SplittableRandom random = new SplittableRandom(14);
    for (int i = 0; i < 100_000; i++) {
      long n = random.nextLong(-100_000_000_000L, 100_000_000_000L) / (i % 3 == 0 ? 1 : i % 3 == 1 ? 1_000 : 1_000_000) * (i % 3 == 0 ? 1 : i % 3 == 1 ? 1_000 : 1_000_000);
      assertEquals(reference(Duration.ofNanos(n)), Seconds.of(Duration.ofNanos(n)), n + " ns");
    }
  }

  @Test
  void secondsGivenAsNumbersAsBigDecimalRoundsThem() {
    double[] values = {0, 0.5, 1, 30, 0.1, 0.25, 2.125, 0.0005, 1.0005, 0.1234, 1e-9, 123456.789, 1e15, 3e20, -0.5, -2.0015,
        0.30000000000000004, 10.0 / 3, Double.MIN_VALUE};
    for (double v : values) {
      assertEquals(reference(v), Seconds.of(v), v + " s");
    }
    SplittableRandom random = new SplittableRandom(15);
    for (int i = 0; i < 100_000; i++) {
      double v = i % 2 == 0 ? random.nextDouble(0, 1000) : random.nextInt(0, 10_000_000) / 1000.0;
      assertEquals(reference(v), Seconds.of(v), v + " s");
    }
  }
}
