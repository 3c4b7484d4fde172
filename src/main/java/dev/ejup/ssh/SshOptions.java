package dev.ejup.ssh;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach a server over SSH.
 *
 * @param identity private key file, or null for ~/.ssh/config's IdentityFile and the usual ~/.ssh/id_*
 * @param knownHosts known_hosts file, or null for ~/.ssh/known_hosts
 * @param acceptNewHostKey trust and record a host key seen for the first time (never a changed one)
 * @param password from a file or $EJUP_SSH_PASSWORD, or null for keys only
 * @param home the user's home (for ~/.ssh), normally user.home
 */
public record SshOptions(
    SshTarget target, Path identity, Path knownHosts, boolean acceptNewHostKey, String password, Duration timeout, Path home) {}
