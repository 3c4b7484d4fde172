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
}
