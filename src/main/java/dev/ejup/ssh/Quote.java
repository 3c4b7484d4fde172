package dev.ejup.ssh;

import dev.ejup.model.UserError;
import java.util.ArrayList;
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

  /** argv as one POSIX shell command line, each word through {@link #arg}; for ssh's exec and for messages. */
  public static String command(List<String> argv) {
    return argv.stream().map(Quote::arg).collect(Collectors.joining(" "));
  }

  /**
   * Words as ssh's config reader and Ansible's shlex split them: whitespace between, double and
   * single quotes, backslash; a word starting with '#' starts a comment.
   *
   * @param origin where the text is from, for the one-line error on an unclosed quote
   * @return the words, quotes removed
   * @throws UserError UNKNOWN (exit 3) for an unclosed quote, naming origin
   */
  public static List<String> split(String text, String origin) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      if (Character.isWhitespace(text.charAt(i))) {
        i++;
        continue;
      }
      if (text.charAt(i) == '#') {
        break;
      }
      StringBuilder word = new StringBuilder();
      while (i < n && !Character.isWhitespace(text.charAt(i))) {
        char d = text.charAt(i);
        if (d == '"' || d == '\'') {
          int end = text.indexOf(d, i + 1);
          if (end < 0) {
            throw UserError.unusable(origin + ": unclosed " + d, "close the quote");
          }
          word.append(text, i + 1, end);
          i = end + 1;
        } else if (d == '\\' && i + 1 < n) {
          word.append(text.charAt(i + 1));
          i += 2;
        } else {
          word.append(d);
          i++;
        }
      }
      out.add(word.toString());
    }
    return out;
  }

}
