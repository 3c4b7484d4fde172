package dev.ejup.serve;

import dev.ejup.model.Report;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last probes, newest first, for the page at / (blackbox keeps the same, --history.limit). */
final class History {
  record Entry(Instant at, String module, String target, boolean success, double seconds, Report report) {}

  private final int limit;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();

  History(int limit) {
    this.limit = limit;
  }

  synchronized void add(Entry entry) {
    if (limit == 0) {
      return;
    }
    entries.addFirst(entry);
    while (entries.size() > limit) {
      entries.removeLast();
    }
  }

  synchronized List<Entry> entries() {
    return new ArrayList<>(entries);
  }
}
