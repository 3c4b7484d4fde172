package dev.ejup.ssh;

import java.util.List;

/**
 * Runs commands where ejabberd runs: over SSH ({@link SshConnection}) or on this machine
 * ({@link LocalShell}), hence not "RemoteShell". The docroot rules talk to this, so they can be
 * tested on plain values.
 * Every failure is a {@link dev.ejup.model.UserError}: CRITICAL (exit 2) when the command could
 * not run or did not finish in time, or when sudo refused; a command that ran and failed is a
 * {@link Result} with its exit status, for the caller to judge.
 */
public interface Shell extends AutoCloseable {
  /**
   * @param exit the command's exit status (0 ok)
   * @param out its standard output, decoded as UTF-8
   * @param err its standard error, decoded as UTF-8
   */
  record Result(int exit, String out, String err) {
    public boolean ok() {
      return exit == 0;
    }
  }

  /**
   * Runs argv (each element quoted, never through a shell's word splitting); as root through
   * {@code sudo -n} when the login is not root.
   *
   * @param argv the program and its arguments
   * @param asRoot whether the command needs root
   * @return the exit status and output, whatever the status
   * @throws dev.ejup.model.UserError CRITICAL (exit 2) when it cannot run, does not finish within the
   *     shell's timeout, the connection drops, or sudo refuses (no rule for it, or a password asked)
   */
  default Result run(List<String> argv, boolean asRoot) {
    return run(argv, asRoot, null);
  }

  /**
   * Likewise, with bytes on the command's standard input (null for none).
   *
   * @throws dev.ejup.model.UserError as {@link #run(List, boolean)}
   */
  Result run(List<String> argv, boolean asRoot, byte[] stdin);

  /**
   * A file's bytes as they are, when this shell can read it without a command (SFTP), or null:
   * then the caller runs cat, as root where needed. Never throws for an unreadable file (LocalShell's
   * throws for a pipe that gives no end in time, or a file over maxBytes: see there).
   *
   * @param path absolute path on the server
   * @param maxBytes the largest file read (bytes); a larger one gives null, as cat then says what it is
   * @return at most maxBytes + 1 bytes, or null
   */
  default byte[] readDirectly(String path, long maxBytes) {
    return null;
  }

  /** Where the commands run, for messages: user@host:port, or localhost. */
  String where();

  @Override
  void close();
}
