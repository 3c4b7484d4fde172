package dev.ejup.config;

import java.util.ArrayList;
import java.util.List;

/** A unified diff of two texts (Myers' algorithm, 3 lines of context), as `diff -u` prints it. */
public final class UnifiedDiff {
  private static final int CONTEXT = 3;

  private UnifiedDiff() {}

  private record Op(char kind, String line) {}

  public static String of(String oldName, String newName, String a, String b) {
    List<Op> ops = diff(lines(a), lines(b));
    if (ops.stream().allMatch(op -> op.kind() == ' ')) {
      return "";
    }
    StringBuilder out = new StringBuilder("--- ").append(oldName).append('\n')
        .append("+++ ").append(newName).append('\n');
    int i = 0;
    while (i < ops.size()) {
      if (ops.get(i).kind() == ' ') {
        i++;
        continue;
      }
      int start = Math.max(0, i - CONTEXT);
      int end = i;
      int lastChange = i;
      while (end < ops.size() && (ops.get(end).kind() != ' ' || end - lastChange <= 2 * CONTEXT)) {
        if (ops.get(end).kind() != ' ') {
          lastChange = end;
        }
        end++;
      }
      end = Math.min(ops.size(), lastChange + CONTEXT + 1);
      hunk(out, ops, start, end);
      i = end;
    }
    return out.toString();
  }

  private static void hunk(StringBuilder out, List<Op> ops, int start, int end) {
    int oldLine = 1;
    int newLine = 1;
    for (int k = 0; k < start; k++) {
      oldLine += ops.get(k).kind() != '+' ? 1 : 0;
      newLine += ops.get(k).kind() != '-' ? 1 : 0;
    }
    int oldCount = 0;
    int newCount = 0;
    for (int k = start; k < end; k++) {
      oldCount += ops.get(k).kind() != '+' ? 1 : 0;
      newCount += ops.get(k).kind() != '-' ? 1 : 0;
    }
    out.append("@@ -").append(oldCount == 0 ? oldLine - 1 : oldLine).append(',').append(oldCount)
        .append(" +").append(newCount == 0 ? newLine - 1 : newLine).append(',').append(newCount).append(" @@\n");
    for (int k = start; k < end; k++) {
      out.append(ops.get(k).kind()).append(ops.get(k).line()).append('\n');
    }
  }

  private static List<String> lines(String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  /** Myers' O(ND) shortest edit script; fast because ejup's edits are small. */
  private static List<Op> diff(List<String> a, List<String> b) {
    int n = a.size();
    int m = b.size();
    int max = n + m;
    int[] v = new int[2 * max + 2];
    List<int[]> trace = new ArrayList<>();
    outer:
    for (int d = 0; d <= max; d++) {
      trace.add(v.clone());
      for (int k = -d; k <= d; k += 2) {
        int x = (k == -d || (k != d && v[max + k - 1] < v[max + k + 1])) ? v[max + k + 1] : v[max + k - 1] + 1;
        int y = x - k;
        while (x < n && y < m && a.get(x).equals(b.get(y))) {
          x++;
          y++;
        }
        v[max + k] = x;
        if (x >= n && y >= m) {
          break outer;
        }
      }
    }
    List<Op> ops = new ArrayList<>();
    int x = n;
    int y = m;
    for (int d = trace.size() - 1; d > 0; d--) {
      int[] vd = trace.get(d);
      int k = x - y;
      int prevK = (k == -d || (k != d && vd[max + k - 1] < vd[max + k + 1])) ? k + 1 : k - 1;
      int prevX = vd[max + prevK];
      int prevY = prevX - prevK;
      while (x > prevX && y > prevY) {
        ops.add(new Op(' ', a.get(--x)));
        y--;
      }
      if (x == prevX) {
        ops.add(new Op('+', b.get(--y)));
      } else {
        ops.add(new Op('-', a.get(--x)));
      }
    }
    while (x > 0 && y > 0) {
      ops.add(new Op(' ', a.get(--x)));
      y--;
    }
    java.util.Collections.reverse(ops);
    return ops;
  }
}
