package dev.ejup.model;

import java.time.Duration;
import java.util.Objects;

/**
 * One thing ejup did or checked, as a value: renderers turn it into text, JSON, perfdata...
 *
 * @param name short stable identifier (used as a metric label: lower-case, no spaces)
 * @param status outcome
 * @param duration how long it took; {@link Duration#ZERO} for steps that were not timed
 * @param detail one line saying what was found
 * @param hint what to do about it, or empty when there is nothing to do
 */
public record Step(String name, Status status, Duration duration, String detail, String hint) {
  public Step {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    duration = duration == null ? Duration.ZERO : duration;
    detail = detail == null ? "" : detail;
    hint = hint == null ? "" : hint;
  }

  public static Step ok(String name, Duration duration, String detail) {
    return new Step(name, Status.OK, duration, detail, "");
  }

  public static Step of(String name, Status status, Duration duration, String detail, String hint) {
    return new Step(name, status, duration, detail, hint);
  }

  public Step withDuration(Duration taken) {
    return new Step(name, status, taken, detail, hint);
  }

  public boolean hasHint() {
    return !hint.isEmpty();
  }
}
