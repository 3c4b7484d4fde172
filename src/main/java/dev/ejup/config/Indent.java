package dev.ejup.config;

/** Re-indents a block of YAML lines so it can be spliced in at another depth. */
final class Indent {
  private Indent() {}

  static String by(String block, int spaces) {
    String pad = " ".repeat(spaces);
    StringBuilder out = new StringBuilder();
    for (String line : block.split("\n")) {
      out.append(line.isEmpty() ? "" : pad + line).append('\n');
    }
    return out.toString();
  }
}
