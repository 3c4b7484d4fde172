package dev.ejup.model;

import java.util.Objects;

/**
 * A finding about a file, printed like a compiler does: {@code file:line:col: severity: message [rule]}.
 *
 * @param file the file where the text really is (after following includes)
 * @param line 1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 * @param rule stable id such as {@code upload.put-url-unrouted}; how users silence and find it
 * @param hint what to write instead; empty when there is nothing to add
 */
public record Diagnostic(
    String file, int line, int column, Severity severity, String rule, String message, String hint) {
  public Diagnostic {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
    hint = hint == null ? "" : hint;
  }

  /** {@code file:line:col}, leaving out what is unknown. */
  public String location() {
    if (line <= 0) {
      return file;
    }
    return column <= 0 ? file + ":" + line : file + ":" + line + ":" + column;
  }

  public String format() {
    String text = location() + ": " + severity.label() + ": " + message + " [" + rule + "]";
    return hint.isEmpty() ? text : text + "\n    hint: " + hint;
  }
}
