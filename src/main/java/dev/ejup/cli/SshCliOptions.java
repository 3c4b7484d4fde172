package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import dev.ejup.ssh.LocalShell;
import dev.ejup.ssh.Shell;
import dev.ejup.ssh.SshConnection;
import dev.ejup.ssh.SshOptions;

/** How a command reaches the ejabberd server: --ssh and friends, or this machine without --ssh. */
final class SshCliOptions {
  @Parameter(names = "--ssh", description = "[user@]host[:port] of the ejabberd server, reached as ssh would (~/.ssh/config, ProxyJump...);"
      + " ssh's -J, -o, -p, -l, -i may come first (default: this machine, no SSH)")
  String ssh;

  @Parameter(names = "--identity", description = "private key file (default: ~/.ssh/config's IdentityFile, an ssh-agent, ~/.ssh/id_*)")
  String identity;

  @Parameter(names = "--known-hosts", description = "known_hosts file (default ~/.ssh/known_hosts)")
  String knownHosts;

  @Parameter(names = "--accept-new-host-key", description = "trust and record a host key seen for the first time (a changed key is still refused)")
  boolean acceptNewHostKey;

  @Parameter(names = "--ssh-password-file", description = "file with the SSH password (else $EJUP_SSH_PASSWORD; keys are preferred)")
  String passwordFile;

  @Parameter(names = "--ssh-timeout", converter = SecondsOption.Positive.class, description = "seconds for connecting and for each remote command (more than 0)")
  double timeout = 30;

  /** The store for ejabberd.yml and the connection it holds, closed together. */
  record Store(dev.ejup.config.ConfigStore store, Shell shell) implements AutoCloseable {
    /** Where commands about the file run: the SSH connection, or this machine. */
    Shell commands() {
      return shell != null ? shell : new LocalShell();
    }

    @Override
    public void close() {
      if (shell != null) {
        shell.close();
      }
    }
  }

  /** Where ejabberd's listeners are reached from here: the SSH target's host, or this machine. */
  String probeHost() {
    return ssh == null ? "127.0.0.1" : dev.ejup.ssh.SshTarget.parse(ssh).host();
  }

  Store store(Io io) {
    if (ssh == null) {
      return new Store(new dev.ejup.config.LocalStore(), null);
    }
    Shell shell = open(io);
    return new Store(new dev.ejup.config.RemoteStore(shell), shell);
  }

  Shell open(Io io) {
    if (ssh == null) {
      return new LocalShell();
    }
    String password = passwordFile != null || io.env("EJUP_SSH_PASSWORD") != null
        ? PasswordSource.read(io, passwordFile, "EJUP_SSH_PASSWORD", dev.ejup.model.Seconds.duration(timeout)) : null;
    return SshConnection.open(SshOptions.of(ssh, identity, knownHosts, acceptNewHostKey, password, dev.ejup.model.Seconds.duration(timeout),
        io.env()));
  }
}
