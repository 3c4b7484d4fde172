package dev.ejup.playbook;

import dev.ejup.model.Report;
import dev.ejup.model.Step;
import java.util.Map;

/**
 * What the playbook engine needs from the other capabilities; the cli binds it to config, docroot,
 * ssh and check. Options are the step's keys after {@code ${var}} substitution; the target's
 * variables are in {@link Target#vars()}. With {@code dryRun} an action changes nothing and says
 * what it would do (the diff, the commands).
 */
interface Capabilities {
  Step validateConfig(Target target, Map<String, String> options);

  /**
   * @return the step, whether the file changed, the backup path to restore (empty when unchanged),
   *     and in a dry run the path and text the file would have (empty when nothing would change)
   */
  Applied applyConfig(Target target, Map<String, String> options, boolean dryRun);

  /** Puts the backup written by {@link #applyConfig} back in place, byte for byte. */
  Step restoreConfig(Target target, String backup);

  Step reload(Target target, Map<String, String> options, boolean dryRun);

  Step docrootCheck(Target target, Map<String, String> options);

  Step docrootFix(Target target, Map<String, String> options, boolean dryRun);

  Step docrootPrune(Target target, Map<String, String> options, boolean dryRun);

  Report check(Target target, Map<String, String> options);

  record Applied(Step step, boolean changed, String backup, String plannedPath, String plannedText) {
    public Applied(Step step, boolean changed, String backup) {
      this(step, changed, backup, "", "");
    }
  }
}
