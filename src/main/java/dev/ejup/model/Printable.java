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
}
