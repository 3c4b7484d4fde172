package dev.ejup.playbook;

import java.util.Map;

/**
 * One step as written in the playbook: options still hold {@code ${var}} references, resolved per target.
 *
 * @param when condition text, empty for always (see {@link Condition})
 * @param continueOnFailure {@code on_failure: continue}
 */
record PlayStep(String action, Map<String, String> options, String when, boolean continueOnFailure,
    int line, int column) {
  public PlayStep {
    options = Map.copyOf(options);
  }
}
