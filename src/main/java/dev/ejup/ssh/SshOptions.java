package dev.ejup.ssh;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach a server over SSH.
 *
 * @param identity private key file, or null for ~/.ssh/config's IdentityFile and the usual ~/.ssh/id_*
 * @param knownHosts known_hosts file, or null for ~/.ssh/config's UserKnownHostsFile or ~/.ssh/known_hosts
 * @param acceptNewHostKey trust and record a host key seen for the first time (never a changed one)
 * @param password from a file or $EJUP_SSH_PASSWORD, or null for keys only
 * @param home the user's home (for ~/.ssh), normally user.home
 * @param systemConfig the system-wide client config read after ~/.ssh/config, or null for none
 */
public record SshOptions(SshTarget target, Path identity, Path knownHosts, boolean acceptNewHostKey, String password,
    Duration timeout, Path home, Path systemConfig) {
  public static final Path SYSTEM_CONFIG = Path.of("/etc/ssh/ssh_config");

  /** With the system-wide config where OpenSSH keeps it. */
  public SshOptions(SshTarget target, Path identity, Path knownHosts, boolean acceptNewHostKey, String password,
      Duration timeout, Path home) {
    this(target, identity, knownHosts, acceptNewHostKey, password, timeout, home, SYSTEM_CONFIG);
  }

  /**
   * The options as users give them, from command-line flags or playbook variables alike, so both
   * read them by the same rules: a blank file name is none, ~/.ssh is under $HOME.
   *
   * @param ssh {@code [ssh options] [user@]host[:port]}, as {@link SshTarget#parse} reads it
   * @param identity private key file, or null/blank for ssh's defaults
   * @param knownHosts known_hosts file, or null/blank for ssh's defaults
   * @param password the SSH password already read, or null for keys only
   * @param timeout for connecting and for each remote command
   * @param env the environment; HOME (else the JVM's user.home) holds ~/.ssh
   * @throws dev.ejup.model.UserError exit 3 (UNKNOWN) when ssh is not {@code [user@]host[:port]}
   */
  public static SshOptions of(String ssh, String identity, String knownHosts, boolean acceptNewHostKey, String password,
      Duration timeout, java.util.Map<String, String> env) {
    String home = env.get("HOME") != null ? env.get("HOME") : System.getProperty("user.home");
    return new SshOptions(SshTarget.parse(ssh), file(identity), file(knownHosts), acceptNewHostKey, password, timeout, Path.of(home));
  }

  private static Path file(String name) {
    return name == null || name.isBlank() ? null : Path.of(name);
  }
}
