package dev.ejup.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;

/**
 * Replacements at positions of the original text, applied together: every byte outside them is
 * kept as it was. Positions come from SnakeYAML marks (line and code-point column), so lines end
 * where SnakeYAML ends them ({@code \r\n}, {@code \n}, a lone {@code \r}, NEL, LS, PS). Text
 * spliced in is written with {@code \n} and stored with the file's own line ending: a CRLF file
 * stays CRLF on every inserted line.
 */
final class TextEdits {
  /** @param last a new top-level section: after every other edit at the same place (the end of the text) */
  private record Edit(int start, int end, String text, boolean last) {}

  private final String text;
  private final String newline;
  private final List<Integer> lineStarts = new ArrayList<>();
  private final List<Edit> edits = new ArrayList<>();

  TextEdits(String text) {
    this.text = text;
    lineStarts.add(0);
    int crlf = 0;
    int lf = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        crlf++;
        i++;
        lineStarts.add(i + 1);
      } else if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        lf += c == '\n' ? 1 : 0;
        lineStarts.add(i + 1);
      }
    }
    this.newline = crlf > lf ? "\r\n" : "\n";
  }

  /** The line ending the file mostly uses: what inserted lines get. */
  String newline() {
    return newline;
  }

  String text() {
    return text;
  }

  int lineCount() {
    return lineStarts.size();
  }

  int offset(Mark mark) {
    int start = lineStart(mark.getLine());
    return Math.min(text.offsetByCodePoints(start, Math.min(mark.getColumn(), text.codePointCount(start, lineEnd(mark.getLine())))), text.length());
  }

  /** Offset of the first character of a 0-based line. */
  int lineStart(int line) {
    return line < lineStarts.size() ? lineStarts.get(line) : text.length();
  }

  /** Offset just past the line's newline (or the end of the text). */
  int lineEnd(int line) {
    return line + 1 < lineStarts.size() ? lineStarts.get(line + 1) : text.length();
  }

  /** A line's text without its line break. */
  String line(int line) {
    int end = lineEnd(line);
    int start = lineStart(line);
    if (end > start && line + 1 < lineStarts.size()) {
      end--;
      if (text.charAt(end) == '\n' && end > start && text.charAt(end - 1) == '\r') {
        end--;
      }
    }
    return text.substring(start, end);
  }

  int lineOf(int offset) {
    int lo = 0;
    int hi = lineStarts.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (lineStarts.get(mid) <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  void replace(int start, int end, String with) {
    String stored = inFileForm(with);
    if (!text.substring(start, end).equals(stored)) {
      edits.add(new Edit(start, end, stored, false));
    }
  }

  void insert(int at, String with) {
    edits.add(new Edit(at, at, inFileForm(with), false));
  }

  /**
   * Adds text at the very end, after whatever else is inserted there: a line added to the last
   * section of the file (modules: is often last) must stay in that section, not land under a new
   * top-level section appended in the same run.
   */
  void append(String with) {
    edits.add(new Edit(text.length(), text.length(), inFileForm(with), true));
  }

  private String inFileForm(String with) {
    return newline.equals("\n") ? with : with.replace("\r\n", "\n").replace("\n", newline);
  }

  boolean isEmpty() {
    return edits.isEmpty();
  }

  String apply() {
    List<Edit> sorted = new ArrayList<>(edits);
    sorted.sort(Comparator.comparingInt(Edit::start).thenComparing(Edit::last).thenComparingInt(Edit::end));
    StringBuilder out = new StringBuilder(text.length() + 256);
    int at = 0;
    for (Edit edit : sorted) {
      if (edit.start() < at) {
        throw new IllegalStateException("overlapping edits at offset " + edit.start());
      }
      out.append(text, at, edit.start()).append(edit.text());
      at = edit.end();
    }
    return out.append(text, at, text.length()).toString();
  }

  /** Where the text of a node really ends: the end of its last scalar, not the next token. */
  static Mark lastMark(org.yaml.snakeyaml.nodes.Node node) {
    if (node instanceof org.yaml.snakeyaml.nodes.MappingNode m && !m.getValue().isEmpty()
        && m.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK) {
      var last = m.getValue().get(m.getValue().size() - 1);
      Mark value = lastMark(last.getValueNode());
      Mark key = last.getKeyNode().getEndMark();
      return value.getIndex() >= key.getIndex() ? value : key;
    }
    if (node instanceof org.yaml.snakeyaml.nodes.SequenceNode s && !s.getValue().isEmpty()
        && s.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK) {
      return lastMark(s.getValue().get(s.getValue().size() - 1));
    }
    return node.getEndMark();
  }
}
