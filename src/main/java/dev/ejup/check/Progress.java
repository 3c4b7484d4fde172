package dev.ejup.check;

/** Told how far a transfer is; the cli draws a bar on a terminal, scripts get nothing. */
public interface Progress {
  Progress NONE = (step, done, total) -> { };

  void update(String step, long done, long total);
}
