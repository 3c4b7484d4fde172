package dev.ejup.config;

/** Renders values as YAML scalars that no YAML reader can take for a number, boolean or null. */
final class Scalars {
  private Scalars() {}

  static String string(String value) {
    if (value.matches("[A-Za-z_@/][A-Za-z0-9_@/.:+-]*") && !value.contains(": ") && !isSpecial(value)) {
      return value.startsWith("@") ? quote(value) : value;
    }
    return quote(value);
  }

  static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static boolean isSpecial(String value) {
    return value.matches("(?i)true|false|yes|no|on|off|null|~|y|n") || value.matches("[0-9].*");
  }
}
