package dev.ejup.report;

import dev.ejup.model.UserError;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The output formats every reporting command accepts with {@code --format}. */
public enum Format {
  TEXT,
  JSON,
  NAGIOS,
  PROMETHEUS,
  JUNIT;

  public static Format parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw UserError.unusable("unknown format '" + name + "'", "use one of " + names());
    }
  }

  public static String names() {
    return Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
