package dev.ejup.ssh;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting: every argument that reaches a remote shell goes through here. */
public final class Quote {
  private Quote() {}

  /**
   * One argument, single-quoted unless it is plainly safe; a single quote inside becomes '\''.
   * Safe for $(...), `...`, spaces, newlines. A leading '-' is not the shell's business: every
   * command ejup runs ends its options with "--" before a path.
   */
  public static String arg(String text) {
    if (!text.isEmpty() && text.matches("[A-Za-z0-9_./:=@%+,-]+")) {
      return text;
    }
    return "'" + text.replace("'", "'\\''") + "'";
  }

  public static String command(List<String> argv) {
    return argv.stream().map(Quote::arg).collect(Collectors.joining(" "));
  }
}
