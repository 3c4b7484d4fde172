package dev.ejup.ssh;

import dev.ejup.model.HostPort;
import dev.ejup.model.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code [ssh options] [user@]host[:port]} as given with --ssh or built from an Ansible inventory
 * ({@code ansible_ssh_common_args='-o ProxyJump=bastion'}); a missing part comes from ~/.ssh/config.
 *
 * @param options ssh's -o lines ("Keyword value"), ahead of every config file as on ssh's command line
 */
public record SshTarget(String user, String host, Integer port, List<String> options) {
  /** ssh's short options and the directive each stands for; those with no value are harmless to ejup. */
  private static final Map<String, String> WITH_VALUE = Map.of("-o", "", "-J", "ProxyJump ", "-p", "Port ", "-l", "User ",
      "-i", "IdentityFile ", "-b", "BindAddress ", "-B", "BindInterface ", "-c", "Ciphers ", "-m", "MACs ");
  private static final Map<String, String> FLAGS = Map.ofEntries(Map.entry("-4", "AddressFamily inet"),
      Map.entry("-6", "AddressFamily inet6"), Map.entry("-A", ""), Map.entry("-a", ""), Map.entry("-C", ""), Map.entry("-q", ""),
      Map.entry("-v", ""), Map.entry("-vv", ""), Map.entry("-vvv", ""), Map.entry("-T", ""), Map.entry("-t", ""),
      Map.entry("-x", ""), Map.entry("-X", ""), Map.entry("-Y", ""), Map.entry("-k", ""), Map.entry("-n", ""));

  public SshTarget {
    options = List.copyOf(options);
  }

  public SshTarget(String user, String host, Integer port) {
    this(user, host, port, List.of());
  }

  /**
   * Reads {@code [ssh options] [user@]host[:port]}: host[:port] by {@link dev.ejup.model.HostPort}'s
   * rules (IPv6 in brackets when a port follows), the options ssh's own -o, -J, -p, -l, -i and the
   * flags that change nothing for ejup.
   *
   * @param text as given with --ssh or a playbook's ssh variable
   * @return user and port null where the text gave none (~/.ssh/config or ssh's defaults apply)
   * @throws UserError UNKNOWN (exit 3) for no host, an empty user, a bad host or port, an ssh option
   *     ejup does not follow, or a command after the host; one line naming the text
   */
  public static SshTarget parse(String text) {
    List<String> words = Quote.split(text.trim(), "--ssh " + text);
    List<String> options = new ArrayList<>();
    String destination = null;
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (destination != null) {
        throw UserError.unusable("ssh " + text + ": '" + word + "' after the host; ejup runs its own commands",
            "give ssh options before [user@]host[:port], and no command");
      }
      if (!word.startsWith("-") || word.length() < 2) {
        destination = word;
        continue;
      }
      String flag = word.substring(0, 2);
      if (FLAGS.containsKey(word)) {
        if (!FLAGS.get(word).isEmpty()) {
          options.add(FLAGS.get(word));
        }
      } else if (WITH_VALUE.containsKey(flag)) {
        if (word.length() == 2 && i + 1 >= words.size()) {
          throw UserError.unusable("ssh " + text + ": " + flag + " without a value", "e.g. -o ProxyJump=bastion");
        }
        options.add(WITH_VALUE.get(flag) + (word.length() > 2 ? word.substring(2) : words.get(++i)));
      } else {
        throw UserError.unusable("ssh " + text + ": ejup does not follow the ssh option " + word,
            "use -o Keyword=value, -J, -p, -l or -i, or set it for the host in ~/.ssh/config");
      }
    }
    if (destination == null) {
      throw UserError.unusable("ssh " + text + " names no host", "e.g. root@xmpp.example.org:22");
    }
    SshTarget plain = destination(destination, text);
    return new SshTarget(plain.user(), plain.host(), plain.port(), options);
  }

  private static SshTarget destination(String rest, String text) {
    String user = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.substring(0, at);
      rest = rest.substring(at + 1);
    }
    if (user != null && user.isEmpty()) {
      throw UserError.unusable("--ssh " + text + " is not user@host[:port]", "e.g. --ssh root@xmpp.example.org:22");
    }
    HostPort hostPort;
    try {
      hostPort = HostPort.parse(rest);
    } catch (IllegalArgumentException e) {
      throw UserError.unusable("--ssh " + text + " is not user@host[:port]: " + e.getMessage(),
          "e.g. --ssh root@xmpp.example.org:22, IPv6 as root@[::1]:22");
    }
    return new SshTarget(user, hostPort.host(), hostPort.port());
  }

  /** A ProxyJump hop: [user@]host[:port] or ssh://[user@]host[:port]. */
  static SshTarget jump(String spec, String origin) {
    String text = spec.startsWith("ssh://") ? spec.substring(6) : spec;
    try {
      return destination(text, text);
    } catch (UserError e) {
      throw UserError.unusable(origin + ": ProxyJump hop '" + spec + "' is not [user@]host[:port]", "e.g. ProxyJump admin@bastion:22");
    }
  }

  @Override
  public String toString() {
    return (user == null ? "" : user + "@") + new HostPort(host, port);
  }
}
