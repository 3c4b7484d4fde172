package dev.ejup.config;

/**
 * Scalars as ejabberd reads them, and values rendered as YAML scalars that no YAML reader can take
 * for a number, boolean or null.
 */
final class Scalars {
  private static final java.util.regex.Pattern NUMBER =
      java.util.regex.Pattern.compile("[ \\t\\n]*([+-]?[0-9]+(\\.[0-9]*([eE][+-]?[0-9]+)?)?|\\.[0-9]+([eE][+-]?[0-9]+)?)");

  private Scalars() {}

  /**
   * A boolean as ejabberd's option checker reads one (yconf:bool/0: true/false, yes/no, on/off,
   * y/n, quoted or not), or empty for anything else.
   */
  static java.util.Optional<Boolean> bool(String value) {
    return switch (value) {
      case "true", "yes", "on", "y" -> java.util.Optional.of(true);
      case "false", "no", "off", "n" -> java.util.Optional.of(false);
      default -> java.util.Optional.empty();
    };
  }

  /**
   * Whether ejabberd's YAML reader makes a number of this scalar: fast_yaml turns a plain
   * (unquoted) scalar that strtol reads whole, or strtod after an integer part and a '.' (or a
   * leading '.' without a sign: ".5" is a float, "-.5" and "+.5" stay strings, as 23.01, 24.12 and
   * 26.07 answered), into an integer or a float; an option that wants a string (econf:binary/0) then refuses it ("Expected
   * string, got integer instead").
   */
  static boolean number(org.yaml.snakeyaml.nodes.Node node) {
    return node instanceof org.yaml.snakeyaml.nodes.ScalarNode s && !Nodes.quoted(s) && NUMBER.matcher(s.getValue()).matches();
  }

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
