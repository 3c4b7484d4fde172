package dev.ejup.config;

import dev.ejup.model.Step;
import java.nio.file.Path;

/**
 * Where an ejabberd.yml lives: on this machine or on a server over SSH. Validation and edits are
 * the same either way; only reading, locking, replacing and reloading differ.
 */
public interface ConfigStore extends ConfigTree.Source {
  /** The file as people should read it in messages, e.g. root@xmpp:22:/etc/ejabberd/ejabberd.yml. */
  String describe(Path path);

  /** Held while one ejup run changes a file; closing never throws. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Excludes other ejup runs that change the same file (after symlinks) until closed: take it
   * before {@link #readForEdit} and keep it until the last write (a restore included).
   *
   * @throws dev.ejup.model.UserError when another run holds it for too long
   */
  Held lock(Path path);

  /** The file's text as {@link #read} gives it, with its BOM and a digest of its bytes. */
  ConfigFile.Contents readForEdit(Path path);

  /**
   * Replaces the file atomically (temp file beside the real file after symlinks, then rename),
   * keeping owner, group, mode and BOM, but only if it still holds the bytes expected was read
   * from; with backup, a timestamped copy of those bytes stays beside path.
   *
   * @throws dev.ejup.model.UserError CRITICAL when the file changed since (nothing is written) or
   *     cannot be written
   */
  AtomicFile.Written replace(Path path, ConfigFile.Contents expected, String text, boolean backup);

  /** Runs `ejabberdctl reload_config` where the file lives. */
  Step reload(String ejabberdctl);
}
