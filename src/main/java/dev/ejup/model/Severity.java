package dev.ejup.model;

/** How bad a configuration finding is; maps onto a {@link Status} for exit codes. */
public enum Severity {
  INFO(Status.OK),
  WARNING(Status.WARN),
  ERROR(Status.CRIT);

  private final Status status;

  Severity(Status status) {
    this.status = status;
  }

  public Status status() {
    return status;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
