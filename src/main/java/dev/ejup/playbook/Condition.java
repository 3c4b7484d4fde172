package dev.ejup.playbook;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code when:} expressions, deliberately tiny: {@code A == B}, {@code A != B}, or a single value
 * whose truthiness decides. Sides are substituted first, then one pair of quotes is stripped.
 * A value is false when empty or one of false/no/0/off (any case), true otherwise.
 */
final class Condition {
  private Condition() {}

  private static final Set<String> FALSE = Set.of("", "false", "no", "0", "off");

  public static boolean holds(String expression, Map<String, String> vars) {
    if (expression == null || expression.isBlank()) {
      return true;
    }
    String text = Vars.substitute(expression, vars);
    int ne = text.indexOf("!=");
    if (ne >= 0) {
      return !unquote(text.substring(0, ne)).equals(unquote(text.substring(ne + 2)));
    }
    int eq = text.indexOf("==");
    if (eq >= 0) {
      return unquote(text.substring(0, eq)).equals(unquote(text.substring(eq + 2)));
    }
    return truthy(unquote(text));
  }

  public static boolean truthy(String value) {
    return value != null && !FALSE.contains(value.trim().toLowerCase(Locale.ROOT));
  }

  private static String unquote(String side) {
    String s = side.trim();
    if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') && s.charAt(s.length() - 1) == s.charAt(0)) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }
}
