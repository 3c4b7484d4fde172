package dev.ejup.ssh;

import java.util.List;

/**
 * Runs commands on a server. The docroot rules talk to this, so they can be tested on plain
 * values; {@link SshConnection} is the real one.
 */
public interface RemoteShell extends AutoCloseable {
  /** @param exit the command's exit status */
  record Result(int exit, String out, String err) {
    public boolean ok() {
      return exit == 0;
    }
  }

  /** Runs argv (each element quoted); as root through {@code sudo -n} when the login is not root. */
  default Result run(List<String> argv, boolean asRoot) {
    return run(argv, asRoot, null);
  }

  /** Likewise, with bytes on the command's standard input (null for none). */
  Result run(List<String> argv, boolean asRoot, byte[] stdin);

  /**
   * A file's bytes as they are, when this shell can read it without a command (SFTP), or null:
   * then the caller runs cat, as root where needed. Never throws for an unreadable file.
   */
  default byte[] readDirectly(String path, long maxBytes) {
    return null;
  }

  /** Where the commands run, for messages: user@host:port. */
  String where();

  @Override
  void close();
}
