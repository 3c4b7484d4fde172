package dev.ejup.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Proxy;
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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SSH session with JSch (mwiede's fork), with OpenSSH's rules: the route and login ssh would
 * use ({@link Hop}: ~/.ssh/config, ProxyJump, ProxyCommand), host keys checked against known_hosts
 * (unknown or changed keys refused, with the fingerprint), keys from --identity, ~/.ssh/config
 * and ~/.ssh/id_*, an ssh-agent when SSH_AUTH_SOCK is set. Build its {@link SshOptions} with
 * {@link SshOptions#of}, from flags and playbook variables alike. Commands run over one session:
 * through a persistent command channel where the server allows it (one round trip each), else one
 * exec channel per command; each is bounded by {@link SshOptions#timeout()}.
 */
public final class SshConnection implements Shell {
  private static final Pattern FINGERPRINT = Pattern.compile("(\\S+) key fingerprint is (\\S+ )?(SHA256:\\S+?|[0-9a-f:]+)\\.?$", Pattern.MULTILINE);
  private final Session session;
  /** What open connected, outermost hop first; the last entry is the server's own session. */
  private final List<Runnable> route;
  private final String where;
  private final boolean root;
  private final SshOptions options;
  private CommandChannel commands;
  private boolean commandsTried;
  private com.jcraft.jsch.ChannelSftp sftp;
  private boolean sftpTried;

  private SshConnection(Session session, String where, SshOptions options, List<Runnable> route) {
    this.route = route;
    this.session = session;
    this.where = where;
    this.root = "root".equals(session.getUserName());
    this.options = options;
  }

  /**
   * Connects where ssh would: the target and every ProxyJump hop or ProxyCommand from ~/.ssh/config,
   * /etc/ssh/ssh_config and the target's -o options; a directive that would make ssh connect
   * elsewhere or otherwise and that ejup does not follow is refused before anything connects.
   *
   * @param options where and how; its timeout bounds the connect of each hop (seconds, as ssh's ConnectTimeout)
   * @return a connection for {@link #run}; close it (it closes every hop it opened, also on failure here)
   * @throws UserError UNKNOWN (exit 3) for settings ejup cannot use (a missing known_hosts file, an
   *     unreadable key, a config directive ejup does not follow); CRITICAL (exit 2) when a hop cannot
   *     be reached (refused, timed out, no such host, a ProxyCommand that failed), its host key is
   *     unknown or changed, or the login fails; the message names the hop
   */
  public static SshConnection open(SshOptions options) {
    Hop hop = Hop.resolve(options.target(), options.home(), options.systemConfig());
    List<Runnable> route = new ArrayList<>();
    try {
      Session session = connect(hop, options, route);
      return new SshConnection(session, hop.address(), options, route);
    } catch (RuntimeException e) {
      closeAll(route);
      throw e;
    }
  }

  /** Connects hop after the hops before it; each opened session and proxy is added to route, outermost first. */
  private static Session connect(Hop hop, SshOptions options, List<Runnable> route) {
    Session via = hop.via() == null ? null : connect(hop.via(), options, route);
    JSch jsch = new JSch();
    Session session = null;
    Proxy proxy = null;
    try {
      identities(jsch, hop, options);
      Path knownHosts = knownHosts(hop, options);
      if (Files.exists(knownHosts)) {
        if (!Files.isRegularFile(knownHosts)) {
          // JSch reads it whole, line by line: a FIFO would block it for ever, /dev/zero fill the memory
          throw UserError.unusable("known_hosts file " + knownHosts + " is not a regular file", "give the known_hosts file itself");
        }
        jsch.setKnownHosts(knownHosts.toString());
      } else if (options.acceptNewHostKey()) {
        Files.createDirectories(knownHosts.toAbsolutePath().getParent());
        Files.createFile(knownHosts);
        jsch.setKnownHosts(knownHosts.toString());
      } else if (options.knownHosts() != null) {
        throw UserError.unusable("known_hosts file " + knownHosts + " does not exist", "give an existing file, or --accept-new-host-key");
      }
      proxy = proxy(hop, via);
      session = newSession(jsch, hop, options, proxy);
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
        close(proxy);
        proxy = proxy(hop, via);
        session = newSession(jsch, hop, options, proxy);
        session.connect((int) options.timeout().toMillis());
      }
      Session connected = session;
      Proxy opened = proxy;
      route.add(() -> {
        connected.disconnect();
        close(opened);
      });
      return session;
    } catch (JSchException e) {
      // said before the proxy is closed: a ProxyCommand still running is part of the answer
      UserError error = explain(e, hop, options, presented(session, jsch), proxy);
      close(proxy);
      throw error;
    } catch (IOException e) {
      throw UserError.unusable("cannot read SSH settings for " + hop.label() + ": " + dev.ejup.model.Cause.words(e),
          "check ~/.ssh/config and known_hosts");
    }
  }

  private static void close(Proxy proxy) {
    if (proxy != null) {
      proxy.close();
    }
  }

  /** Disconnects the sessions and proxies of a route, the server's first, then each hop back out. */
  private static void closeAll(List<Runnable> route) {
    for (int i = route.size() - 1; i >= 0; i--) {
      route.get(i).run();
    }
  }

  /** How the hop's stream travels: a socket of JSch's own (direct), a jump host's channel, or a command. */
  private static Proxy proxy(Hop hop, Session via) {
    if (via != null) {
      return new JumpProxy(via, hop.via().label());
    }
    return hop.proxyCommand() != null ? new CommandProxy(hop.proxyCommand()) : null;
  }

  /**
   * The keys to log in with: --identity (for the server, not the jump hosts, as ssh -i) and the
   * hop's IdentityFile lines; without either, an ssh-agent (unless IdentitiesOnly or IdentityAgent
   * none) and ~/.ssh/id_*.
   */
  private static void identities(JSch jsch, Hop hop, SshOptions options) throws JSchException {
    List<Path> files = new ArrayList<>();
    if (options.identity() != null && hop.role().isEmpty()) {
      if (!Files.isReadable(options.identity())) {
        throw UserError.unusable("cannot read the key " + options.identity(), "check --identity and the file's permissions");
      }
      if (!isKeyFile(options.identity())) {
        throw UserError.unusable("the key " + options.identity() + " is not a regular file of at most 1 MiB (a pipe or device?)",
            "give the private key file itself, e.g. --identity ~/.ssh/id_ed25519");
      }
      files.add(options.identity());
    }
    for (SshConfig.Setting s : hop.settings().identityFiles) {
      for (Path file : hop.files(s, options.home())) {
        // as ssh: a configured key file that is not there is skipped
        if (Files.isReadable(file) && isKeyFile(file) && !files.contains(file)) {
          files.add(file);
        }
      }
    }
    if (!files.isEmpty() || !hop.settings().identityFiles.isEmpty()) {
      for (Path file : files) {
        jsch.addIdentity(file.toString());
      }
      return;
    }
    String agent = agentSocket(hop, options);
    if (agent != null && !"yes".equalsIgnoreCase(hop.settings().value("identitiesonly"))) {
      try {
        jsch.setIdentityRepository(new AgentIdentityRepository(new SSHAgentConnector(Path.of(agent))));
      } catch (Exception | LinkageError e) {
        // no usable agent: fall back to key files
      }
    }
    Path ssh = options.home().resolve(".ssh");
    for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
      if (Files.isReadable(ssh.resolve(name)) && isKeyFile(ssh.resolve(name))) {
        jsch.addIdentity(ssh.resolve(name).toString());
      }
    }
  }

  /**
   * Whether JSch may read the file as a key: it reads a key whole, in one array of the file's
   * length, and opens it first, so a FIFO would block the run for ever and a huge file fill the
   * memory. A private key is a few KiB.
   */
  private static boolean isKeyFile(Path file) {
    try {
      return Files.isRegularFile(file) && Files.size(file) <= 1024 * 1024;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The agent's socket: IdentityAgent when set (SSH_AUTH_SOCK, none or a path), else $SSH_AUTH_SOCK. */
  private static String agentSocket(Hop hop, SshOptions options) {
    SshConfig.Setting s = hop.settings().get("identityagent");
    if (s == null || s.value().equals("SSH_AUTH_SOCK")) {
      return System.getenv("SSH_AUTH_SOCK");
    }
    if (s.value().equalsIgnoreCase("none")) {
      return null;
    }
    if (s.value().startsWith("$")) {
      return System.getenv(s.value().substring(1).replaceAll("^\\{(.*)}$", "$1"));
    }
    return hop.files(s, options.home()).get(0).toString();
  }

  /** --known-hosts for every hop, else the hop's UserKnownHostsFile (its first file), else ~/.ssh/known_hosts. */
  private static Path knownHosts(Hop hop, SshOptions options) {
    if (options.knownHosts() != null) {
      return options.knownHosts();
    }
    SshConfig.Setting s = hop.settings().get("userknownhostsfile");
    if (s != null && !s.value().equalsIgnoreCase("none")) {
      return hop.files(s, options.home()).get(0);
    }
    return options.home().resolve(".ssh").resolve("known_hosts");
  }

  /** Algorithm lists from the config, with ssh's +added, -removed and ^first forms over JSch's defaults. */
  private static final Map<String, List<String>> ALGORITHMS = Map.of("kexalgorithms", List.of("kex"),
      "hostkeyalgorithms", List.of("server_host_key"), "ciphers", List.of("cipher.c2s", "cipher.s2c"),
      "macs", List.of("mac.c2s", "mac.s2c"), "pubkeyacceptedalgorithms", List.of("PubkeyAcceptedAlgorithms"),
      "pubkeyacceptedkeytypes", List.of("PubkeyAcceptedAlgorithms"));

  private static Session newSession(JSch jsch, Hop hop, SshOptions options, Proxy proxy) throws JSchException {
    Session session = jsch.getSession(hop.user(), hop.host(), hop.port());
    session.setConfig("StrictHostKeyChecking", "yes");
    session.setConfig("PreferredAuthentications", options.password() != null && hop.role().isEmpty()
        ? "publickey,password,keyboard-interactive" : "publickey");
    if (options.password() != null && hop.role().isEmpty()) {
      session.setPassword(options.password());
    }
    ALGORITHMS.forEach((keyword, keys) -> {
      String value = hop.settings().value(keyword);
      if (value != null) {
        for (String key : keys) {
          session.setConfig(key, algorithms(value, JSch.getConfig(key)));
        }
      }
    });
    String alias = hop.settings().value("hostkeyalias");
    if (alias != null) {
      session.setHostKeyAlias(alias);
    }
    if (proxy != null) {
      session.setProxy(proxy);
    }
    session.setServerAliveInterval((int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()));
    return session;
  }

  static String algorithms(String value, String defaults) {
    List<String> list = new ArrayList<>(List.of(defaults.split(",")));
    List<String> given = List.of(value.substring(value.matches("^[+^-].*") ? 1 : 0).split(","));
    switch (value.charAt(0)) {
      case '+' -> list.addAll(given);
      case '-' -> list.removeAll(given);
      case '^' -> {
        list.removeAll(given);
        list.addAll(0, given);
      }
      default -> {
        return value;
      }
    }
    return String.join(",", list);
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

  private static UserError explain(JSchException e, Hop hop, SshOptions options, String presentedKey, Proxy proxy) {
    String failure = proxy instanceof JumpProxy j ? j.failure() : null;
    if (failure != null) {
      return UserError.critical(failure + " for " + hop.label(),
          "is " + hop.host() + ":" + hop.port() + " reachable from there, and does its sshd allow TCP forwarding?");
    }
    if (proxy instanceof CommandProxy c && !String.valueOf(e.getMessage()).matches("(?s).*(HostKey|Auth (fail|cancel)).*")) {
      return UserError.critical("the ProxyCommand for " + hop.label() + " failed: " + c.failure(),
          "run it by hand to see why: " + hop.proxyCommand());
    }
    UserError plain = explain(e, hop.label(), options, presentedKey);
    return hop.role().isEmpty() ? plain
        : new UserError(plain.exitCode(), plain.getMessage() + " (a ProxyJump hop: ejup never goes around it)", plain.hint());
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
    String hostPort = where.replaceAll("^.*@", "").replaceAll(" .*", "");
    java.util.regex.Matcher m = Pattern.compile("^(.*):(\\d+)$").matcher(hostPort);
    if (!m.matches()) {
      return hostPort;
    }
    String host = m.group(1).replaceAll("^\\[(.*)]$", "$1");
    return m.group(2).equals("22") ? host : "[" + host + "]:" + m.group(2);
  }

  private static String fingerprint(String message) {
    Matcher m = FINGERPRINT.matcher(message);
    if (!m.find()) {
      return message.replaceAll("\\s+", " ");
    }
    return (m.group(2) != null ? m.group(2) : m.group(1) + " ") + m.group(3);
  }

  /**
   * {@inheritDoc}
   *
   * @throws UserError CRITICAL (exit 2) when the command does not finish within the options' timeout,
   *     the connection drops or fails while it runs (what was reported done before was done), or sudo
   *     refuses it; the message names the command and the server
   */
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
    closeAll(route);
  }
}
