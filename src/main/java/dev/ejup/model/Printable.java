package dev.ejup.model;

/**
 * Text from outside (a query parameter, a command-line word) made safe to echo in one line: a CR or
 * LF in it would start a line the reader takes for ejup's own (a forged log line, a split answer).
 */
public final class Printable {
  private Printable() {}

  /** The text without control characters (C0, DEL, C1) and Unicode line or paragraph separators. */
  public static String of(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .filter(c -> !Character.isISOControl(c) && c != '\u2028' && c != '\u2029')
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  /**
   * The text with what {@link #of} drops, and the characters that print as nothing (zero-width
   * spaces, joiners, direction marks: Unicode's format characters), written out as escapes
   * ({@code \n}, {@code \r}, {@code \t}, else {@code \}{@code uXXXX}): for echoing what was refused, so that
   * a refused "example.org\n" does not read as the example.org that is allowed.
   */
  public static String shown(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
