package dev.ejup.model;

/**
 * A problem the user can fix (bad input, wrong password, unreachable host, denied sudo). Thrown
 * where the problem is known; {@code Ejup} renders it as one line and returns its exit code.
 */
public final class UserError extends RuntimeException {
  private final int exitCode;
  private final String hint;

  public UserError(int exitCode, String message, String hint) {
    this(exitCode, message, hint, null);
  }

  public UserError(int exitCode, String message, String hint, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.hint = hint == null ? "" : hint;
  }

  /** Input ejup cannot use (a missing file, a usage error): UNKNOWN, exit 3. */
  public static UserError unusable(String message, String hint) {
    return new UserError(Status.UNKNOWN.exitCode(), message, hint);
  }

  /** Something is wrong with what ejup was asked to look at: CRITICAL, exit 2. */
  public static UserError critical(String message, String hint) {
    return new UserError(Status.CRIT.exitCode(), message, hint);
  }

  public int exitCode() {
    return exitCode;
  }

  public String hint() {
    return hint;
  }

  /** The single line printed on stderr. */
  public String oneLine() {
    return hint.isEmpty() ? getMessage() : getMessage() + " (hint: " + hint + ")";
  }
}
