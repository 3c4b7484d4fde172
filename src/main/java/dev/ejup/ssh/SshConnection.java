package dev.ejup.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.OpenSSHConfig;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.Session;
import dev.ejup.model.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SSH session with JSch (mwiede's fork), with OpenSSH's rules: host keys checked against
 * known_hosts (unknown or changed keys refused, with the fingerprint), keys from --identity,
 * ~/.ssh/config and ~/.ssh/id_*, an ssh-agent when SSH_AUTH_SOCK is set.
 */
public final class SshConnection implements RemoteShell {
  private static final Pattern FINGERPRINT = Pattern.compile("(\\S+) key fingerprint is (\\S+ )?(SHA256:\\S+?|[0-9a-f:]+)\\.?$", Pattern.MULTILINE);
  private final Session session;
  private final String where;
  private final boolean root;
  private final SshOptions options;
  private CommandChannel commands;
  private boolean commandsTried;
  private com.jcraft.jsch.ChannelSftp sftp;
  private boolean sftpTried;

  private SshConnection(Session session, String where, SshOptions options) {
    this.session = session;
    this.where = where;
    this.root = "root".equals(session.getUserName());
    this.options = options;
  }

  public static SshConnection open(SshOptions options) {
    SshTarget target = options.target();
    Path ssh = options.home().resolve(".ssh");
    JSch jsch = new JSch();
    Session session = null;
    String where = target.toString();
    try {
      Path config = ssh.resolve("config");
      if (Files.isReadable(config)) {
        jsch.setConfigRepository(OpenSSHConfig.parseFile(config.toString()));
      }
      Path knownHosts = options.knownHosts() != null ? options.knownHosts() : ssh.resolve("known_hosts");
      if (Files.exists(knownHosts)) {
        jsch.setKnownHosts(knownHosts.toString());
      } else if (options.acceptNewHostKey()) {
        Files.createDirectories(knownHosts.toAbsolutePath().getParent());
        Files.createFile(knownHosts);
        jsch.setKnownHosts(knownHosts.toString());
      } else if (options.knownHosts() != null) {
        throw UserError.unusable("known_hosts file " + knownHosts + " does not exist", "give an existing file, or --accept-new-host-key");
      }
      if (options.identity() != null) {
        if (!Files.isReadable(options.identity())) {
          throw UserError.unusable("cannot read the key " + options.identity(), "check --identity and the file's permissions");
        }
        jsch.addIdentity(options.identity().toString());
      } else {
        if (System.getenv("SSH_AUTH_SOCK") != null) {
          try {
            jsch.setIdentityRepository(new AgentIdentityRepository(new SSHAgentConnector()));
          } catch (Exception | LinkageError e) {
            // no usable agent: fall back to key files
          }
        }
        for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
          if (Files.isReadable(ssh.resolve(name))) {
            jsch.addIdentity(ssh.resolve(name).toString());
          }
        }
      }
      String user = target.user();
      if (user == null) {
        String configured = jsch.getConfigRepository().getConfig(target.host()).getUser();
        user = configured != null ? configured : System.getProperty("user.name");
      }
      session = newSession(jsch, user, target, options);
      where = session.getUserName() + "@" + session.getHost() + ":" + session.getPort();
      try {
        session.connect((int) options.timeout().toMillis());
      } catch (JSchException e) {
        // JSch has no "accept-new": record a first-seen key ourselves, then connect again. A
        // changed key fails with another message and is never recorded.
        boolean firstSeen = String.valueOf(e.getMessage()).startsWith("reject HostKey")
            || String.valueOf(e.getMessage()).startsWith("UnknownHostKey");
        if (!options.acceptNewHostKey() || !firstSeen || session.getHostKey() == null) {
          throw e;
        }
        jsch.getHostKeyRepository().add(session.getHostKey(), null);
        session = newSession(jsch, user, target, options);
        session.connect((int) options.timeout().toMillis());
      }
      return new SshConnection(session, where, options);
    } catch (JSchException e) {
      throw explain(e, where, options, presented(session, jsch));
    } catch (IOException e) {
      throw UserError.unusable("cannot read SSH settings: " + dev.ejup.model.Cause.words(e), "check ~/.ssh/config and known_hosts");
    }
  }

  private static Session newSession(JSch jsch, String user, SshTarget target, SshOptions options) throws JSchException {
    Session session = target.port() == null ? jsch.getSession(user, target.host()) : jsch.getSession(user, target.host(), target.port());
    session.setConfig("StrictHostKeyChecking", "yes");
    session.setConfig("PreferredAuthentications", options.password() != null ? "publickey,password,keyboard-interactive" : "publickey");
    if (options.password() != null) {
      session.setPassword(options.password());
    }
    session.setServerAliveInterval((int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()));
    return session;
  }

  /** The key the server presented, as "TYPE SHA256:...", or null before the key exchange. */
  private static String presented(Session session, JSch jsch) {
    try {
      return session == null || session.getHostKey() == null ? null
          : session.getHostKey().getType() + " " + session.getHostKey().getFingerPrint(jsch);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static UserError explain(JSchException e, String where, SshOptions options, String presentedKey) {
    String message = String.valueOf(e.getMessage());
    String key = presentedKey != null ? presentedKey : fingerprint(message);
    Throwable cause = e.getCause();
    if (message.startsWith("UnknownHostKey") || message.startsWith("reject")) {
      return UserError.critical("host key of " + where + " is not known: " + key,
          "check the fingerprint with the server's admin (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub there), "
              + "then add it to known_hosts, or pass --accept-new-host-key");
    }
    if (message.startsWith("HostKey has been changed")) {
      return UserError.critical("host key of " + where + " has CHANGED since it was recorded in known_hosts: it is now " + key
          + "; someone may be intercepting the connection",
          "if the server was reinstalled, verify the new key, then: ssh-keygen -R '" + knownHostsName(where) + "'");
    }
    if (message.contains("Auth fail") || message.contains("Auth cancel")) {
      return UserError.critical("authentication as " + where + " failed",
          options.identity() != null ? "the server does not accept the key " + options.identity() + " for this user (authorized_keys?)"
              : "give the key with --identity, or a password with --password-file");
    }
    if (cause instanceof ConnectException || message.contains("Connection refused")) {
      return UserError.critical("SSH connection to " + where + " refused", "is sshd running there, and is the port right?");
    }
    if (message.contains("timeout") || message.contains("timed out")) {
      return UserError.critical("SSH connection to " + where + " timed out", "check the address, the port and any firewall");
    }
    if (cause instanceof java.net.UnknownHostException) {
      return UserError.critical("cannot resolve " + where, "check the host name, or use an address");
    }
    return UserError.critical("SSH to " + where + " failed: " + dev.ejup.model.Cause.words(e), "run again with --debug for details");
  }

  /** How known_hosts names host:port: the bare host for port 22, else [host]:port. */
  static String knownHostsName(String where) {
    String hostPort = where.replaceAll("^.*@", "");
    java.util.regex.Matcher m = Pattern.compile("^(.*):(\\d+)$").matcher(hostPort);
    if (!m.matches()) {
      return hostPort;
    }
    return m.group(2).equals("22") ? m.group(1) : "[" + m.group(1) + "]:" + m.group(2);
  }

  private static String fingerprint(String message) {
    Matcher m = FINGERPRINT.matcher(message);
    if (!m.find()) {
      return message.replaceAll("\\s+", " ");
    }
    return (m.group(2) != null ? m.group(2) : m.group(1) + " ") + m.group(3);
  }

  @Override
  public synchronized Result run(List<String> argv, boolean asRoot, byte[] stdin) {
    boolean sudo = asRoot && !root;
    String command = Quote.command(Sudo.wrap(argv, sudo));
    Result result = stdin == null && commands() != null ? overCommandChannel(command) : exec(command, stdin);
    Sudo.requireAllowed(result, argv, sudo, where, session.getUserName());
    return result;
  }

  /**
   * Over SFTP: the bytes exactly as stored (cat's output would pass through a text decoding).
   * Null when SFTP is not offered, the login may not read the file (sudo cat then does), or it
   * is not a regular file of a sane size (cat then says what it is).
   */
  @Override
  public synchronized byte[] readDirectly(String path, long maxBytes) {
    if (!sftpTried) {
      sftpTried = true;
      try {
        com.jcraft.jsch.ChannelSftp channel = (com.jcraft.jsch.ChannelSftp) session.openChannel("sftp");
        channel.connect((int) options.timeout().toMillis());
        sftp = channel;
      } catch (JSchException e) {
        sftp = null;
      }
    }
    if (sftp == null) {
      return null;
    }
    try {
      com.jcraft.jsch.SftpATTRS attrs = sftp.stat(path);
      if (!attrs.isReg() || attrs.getSize() > maxBytes) {
        return null;
      }
      try (InputStream in = sftp.get(path)) {
        return in.readNBytes((int) maxBytes + 1);
      }
    } catch (com.jcraft.jsch.SftpException | IOException e) {
      return null;
    }
  }

  private CommandChannel commands() {
    if (!commandsTried) {
      commandsTried = true;
      commands = CommandChannel.open(session, (int) options.timeout().toMillis());
    }
    return commands;
  }

  private Result overCommandChannel(String command) {
    try {
      return commands.run(command, options.timeout().toMillis());
    } catch (CommandChannel.Timeout e) {
      commands.close();
      commands = null;
      throw UserError.critical("`" + command + "` did not finish in " + options.timeout().toSeconds() + " s on " + where,
          "check the server (a hung mount, a huge docroot?), or give it longer with --ssh-timeout");
    } catch (java.io.EOFException e) {
      throw dropped(command);
    } catch (IOException | RuntimeException e) {
      throw failed(command, e);
    }
  }

  private UserError dropped(String command) {
    return UserError.critical("the connection to " + where + " dropped while running `" + command + "`",
        "check the server; whatever ejup reported as done before this was done");
  }

  private UserError failed(String command, Exception e) {
    return UserError.critical("the connection to " + where + " failed while running `" + command + "`: " + dev.ejup.model.Cause.words(e),
        "check the server; whatever ejup reported as done before this was done");
  }

  private Result exec(String command, byte[] stdin) {
    ChannelExec channel = null;
    try {
      channel = (ChannelExec) session.openChannel("exec");
      channel.setCommand(command);
      channel.setInputStream(stdin == null ? null : new java.io.ByteArrayInputStream(stdin));
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      channel.setErrStream(err);
      InputStream in = channel.getInputStream();
      channel.connect((int) options.timeout().toMillis());
      byte[] out = in.readAllBytes();
      long waitUntil = System.nanoTime() + options.timeout().toNanos();
      while (!channel.isClosed() && System.nanoTime() < waitUntil) {
        Thread.sleep(5);
      }
      int exit = channel.getExitStatus();
      if (exit < 0) {
        throw dropped(command);
      }
      return new Result(exit, new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (JSchException | IOException e) {
      throw failed(command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw UserError.critical("interrupted while running `" + command + "` on " + where, "");
    } finally {
      if (channel != null) {
        channel.disconnect();
      }
    }
  }

  @Override
  public String where() {
    return where;
  }

  @Override
  public void close() {
    if (commands != null) {
      commands.close();
    }
    if (sftp != null) {
      sftp.disconnect();
    }
    session.disconnect();
  }
}
