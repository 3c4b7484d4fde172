package dev.ejup.playbook;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ${name}} substitution. A reference to an unknown variable is a load-time error, never an empty string. */
final class Vars {
  private Vars() {}

  static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  public static Set<String> references(String text) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = REF.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  public static String substitute(String text, Map<String, String> vars) {
    Matcher m = REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = vars.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("variable " + m.group(1) + " is not set");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
