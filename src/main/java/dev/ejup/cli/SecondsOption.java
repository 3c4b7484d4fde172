package dev.ejup.cli;

import com.beust.jcommander.IStringConverter;
import dev.ejup.model.UserError;

/**
 * A duration option in seconds, refused while the command line is parsed: before a password is
 * read or anything connects. Java's parser takes "NaN", "Infinity" and "-5" as doubles, which would
 * make a deadline that never fires (NaN compares false) or one already past.
 */
public final class SecondsOption {
  private SecondsOption() {}

  /** More than 0 and finite: a deadline or a timeout. */
  public static final class Positive implements IStringConverter<Double> {
    private final String option;

    public Positive(String option) {
      this.option = option;
    }

    @Override
    public Double convert(String value) {
      return parse(option, value, false);
    }
  }

  /** 0 or more and finite: an offset taken off another duration. */
  public static final class NotNegative implements IStringConverter<Double> {
    private final String option;

    public NotNegative(String option) {
      this.option = option;
    }

    @Override
    public Double convert(String value) {
      return parse(option, value, true);
    }
  }

  static double parse(String option, String value, boolean zeroAllowed) {
    return dev.ejup.model.Seconds.parse(option, value, zeroAllowed);
  }
}
