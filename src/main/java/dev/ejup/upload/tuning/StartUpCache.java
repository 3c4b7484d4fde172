package dev.ejup.upload.tuning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launcher's side of learning a start-up cache. bin/ejup exec's java, so it cannot see the
 * exit code of the run that dumps a CDS archive or AOT cache as the JVM exits; this leaves the
 * mark the launcher keeps such a cache by. Only a run that got through the whole flow (exit 0 or
 * 1) has loaded every class worth keeping; a failing run's cache is thrown away.
 */
public final class StartUpCache {
  /** Set by bin/ejup on a learning run: the file to create when the run is worth learning from. */
  static final String PROPERTY = "ejup.learning.ok";
  /** Set by scripts/start-up-cache on the training run that makes the base cache. */
  static final String TRAINING = "ejup.training";

  private StartUpCache() {}

  /**
   * Whether this run's classes and profiles become a start-up cache (a learning or training run):
   * then it is worth loading what later runs may need beyond what this one did.
   */
  public static boolean learning() {
    return System.getProperty(PROPERTY) != null || System.getProperty(TRAINING) != null;
  }

  /** Marks this run's cache worth keeping when the exit code is 0 (OK) or 1 (WARNING); else nothing. */
  public static void ranThrough(int exitCode) {
    String mark = System.getProperty(PROPERTY);
    if (mark == null || exitCode > 1) {
      return;
    }
    try {
      Files.createFile(Path.of(mark));
    } catch (IOException | RuntimeException e) {
      // no mark: the launcher throws the cache away and the next checks start as before
    }
  }
}
