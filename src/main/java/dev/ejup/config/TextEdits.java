package dev.ejup.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;

/**
 * Replacements at positions of the original text, applied together: every byte outside them is
 * kept as it was. Positions come from SnakeYAML marks (line and code-point column).
 */
final class TextEdits {
  private record Edit(int start, int end, String text) {}

  private final String text;
  private final List<Integer> lineStarts = new ArrayList<>();
  private final List<Edit> edits = new ArrayList<>();

  TextEdits(String text) {
    this.text = text;
    lineStarts.add(0);
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        lineStarts.add(i + 1);
      }
    }
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

  String line(int line) {
    String raw = text.substring(lineStart(line), lineEnd(line));
    return raw.endsWith("\n") ? raw.substring(0, raw.length() - 1) : raw;
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
    if (!text.substring(start, end).equals(with)) {
      edits.add(new Edit(start, end, with));
    }
  }

  void insert(int at, String with) {
    edits.add(new Edit(at, at, with));
  }

  boolean isEmpty() {
    return edits.isEmpty();
  }

  String apply() {
    List<Edit> sorted = new ArrayList<>(edits);
    sorted.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end));
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
