package dev.ejup.config;

import dev.ejup.model.Step;
import java.nio.file.Path;

/**
 * Where an ejabberd.yml lives: on this machine or on a server over SSH. Validation and edits are
 * the same either way; only reading, replacing and reloading differ.
 */
public interface ConfigStore extends ConfigTree.Source {
  /** The file as people should read it in messages, e.g. root@xmpp:22:/etc/ejabberd/ejabberd.yml. */
  String describe(Path path);

  /**
   * Replaces the file atomically (temp file in the same folder, then rename), keeping owner,
   * group and mode; with backup, a timestamped copy of the original stays beside it.
   *
   * @return the backup's path, or null
   */
  Path replace(Path path, String text, boolean backup);

  /** Runs `ejabberdctl reload_config` where the file lives. */
  Step reload(String ejabberdctl);
}
