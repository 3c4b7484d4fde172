package dev.ejup.check;

import dev.ejup.model.Status;

/** Thrown inside the flow when a step fails: its status, one-line detail and the fix. */
final class StepFailure extends Exception {
  final Status status;
  final String hint;

  StepFailure(Status status, String detail, String hint) {
    super(detail, null, false, false);
    this.status = status;
    this.hint = hint;
  }

  static StepFailure crit(String detail, String hint) {
    return new StepFailure(Status.CRIT, detail, hint);
  }
}
