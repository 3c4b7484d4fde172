package dev.ejup.upload;

/** Told how far a transfer is; the cli draws a bar on a terminal, scripts get nothing. */
public interface Progress {
  /** Tells nothing. */
  Progress NONE = (step, done, total) -> { };

  /**
   * Called on the check's worker as bytes go over the wire; must return at once.
   *
   * @param step "put" or "get" (probes report nothing)
   * @param done bytes sent or received so far
   * @param total bytes the transfer has in all
   */
  void update(String step, long done, long total);
}
