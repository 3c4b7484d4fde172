package dev.ejup.docroot;

import dev.ejup.model.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The docroot's steps, each stamped with the time since the one before: the remote commands that
 * found what a step reports ran in between, so a slow server shows up where it is slow.
 */
final class TimedSteps {
  private final List<Step> steps = new ArrayList<>();
  private long mark;

  TimedSteps(long startNanos) {
    this.mark = startNanos;
  }

  void add(Step step) {
    long now = System.nanoTime();
    steps.add(step.duration().isZero() ? step.withDuration(Duration.ofNanos(now - mark)) : step);
    mark = now;
  }

  List<Step> all() {
    return List.copyOf(steps);
  }
}
