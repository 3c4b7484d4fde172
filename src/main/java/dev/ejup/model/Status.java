package dev.ejup.model;

/**
 * Outcome of a step, ordered by how bad it is. The exit codes are the Monitoring Plugins ones,
 * so Nagios, Icinga and cron wrappers read ejup like any other plugin.
 */
public enum Status {
  OK(0, "OK"),
  WARN(1, "WARNING"),
  UNKNOWN(3, "UNKNOWN"),
  CRIT(2, "CRITICAL");

  private final int exitCode;
  private final String pluginLabel;

  Status(int exitCode, String pluginLabel) {
    this.exitCode = exitCode;
    this.pluginLabel = pluginLabel;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The word Monitoring Plugins print: OK, WARNING, CRITICAL, UNKNOWN. */
  public String pluginLabel() {
    return pluginLabel;
  }

  /** Declaration order is severity order: CRITICAL outranks UNKNOWN, which outranks WARNING. */
  public Status worse(Status other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
