package dev.ejup.config;

import java.util.Collection;
import java.util.Optional;

/** The closest known name to a misspelt one, when it is close enough to be a typo. */
public final class DidYouMean {
  private DidYouMean() {}

  /** The nearest name however far (ejabberd's enum errors always suggest one). */
  public static Optional<String> nearest(String word, Collection<String> known) {
    return pick(word, known, Integer.MAX_VALUE);
  }

  public static Optional<String> closest(String word, Collection<String> known) {
    return pick(word, known, Math.max(2, word.length() / 3));
  }

  private static Optional<String> pick(String word, Collection<String> known, int allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(word.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] swap = prev;
      prev = cur;
      cur = swap;
    }
    return prev[b.length()];
  }
}
