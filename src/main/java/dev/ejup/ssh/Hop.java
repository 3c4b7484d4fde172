package dev.ejup.ssh;

import dev.ejup.model.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One SSH connection on the way to a server, as ssh would make it: the address and login after
 * ~/.ssh/config, and how it is reached: directly, through the hop before it (ProxyJump), or through
 * a command (ProxyCommand). A chain {@code ProxyJump a,b} is a, then b through a, then the server
 * through b; a's own ProxyJump is followed, b's is replaced by a, as with {@code ssh -J a,b}.
 *
 * @param alias the name as given (--ssh, a ProxyJump hop), which Host blocks match
 * @param role "" for the server, "jump host " for a hop, for messages
 */
record Hop(String alias, String user, String host, int port, SshConfig.Resolved settings, Hop via, String proxyCommand,
    String role) {
  private static final int MAX_HOPS = 8;

  /** user@host:port, as messages and known_hosts show it. */
  String address() {
    return user + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** For messages: "jump host admin@bastion:22" or the server's address. */
  String label() {
    return role + address();
  }

  /** The server and the hops before it, for target given with --ssh (its -o options first of all). */
  static Hop resolve(SshTarget target, Path home, Path systemConfig) {
    return resolve(new SshConfig(target.options(), home.resolve(".ssh").resolve("config"), systemConfig, home),
        target, "", null, 0, home);
  }

  private static Hop resolve(SshConfig config, SshTarget target, String role, Hop forcedVia, int depth, Path home) {
    if (depth > MAX_HOPS) {
      throw UserError.unusable("the ProxyJump chain to " + target + " is longer than " + MAX_HOPS + " hops; is there a loop?",
          "check ProxyJump in ~/.ssh/config");
    }
    SshConfig.Resolved r = config.resolve(target.host(), target.user(), role.isEmpty());
    SshConfig.refuseUnfollowed(r, target.host());
    String localUser = System.getProperty("user.name");
    String hostName = r.get("hostname") == null ? target.host()
        : expand(r.get("hostname"), Map.of('h', target.host()));
    int port = target.port() != null ? target.port() : port(r);
    String user = target.user() != null ? target.user()
        : r.get("user") == null ? localUser : expand(r.get("user"), Map.of('u', localUser));
    Hop via = forcedVia;
    String command = null;
    if (forcedVia == null) {
      SshConfig.Setting jump = r.get("proxyjump");
      SshConfig.Setting proxy = r.get("proxycommand");
      boolean jumpFirst = jump != null && r.before("proxyjump", "proxycommand");
      if (jumpFirst && !jump.value().equalsIgnoreCase("none")) {
        for (String spec : jump.value().split(",")) {
          via = resolve(config, SshTarget.jump(spec.trim(), jump.origin()), "jump host ", via, depth + 1, home);
        }
      } else if (!jumpFirst && proxy != null && !proxy.value().equalsIgnoreCase("none")) {
        command = expand(proxy, Map.of('h', hostName, 'p', String.valueOf(port), 'r', user, 'n', target.host()));
      }
    }
    return new Hop(target.host(), user, hostName, port, r, via, command, role);
  }

  private static int port(SshConfig.Resolved r) {
    SshConfig.Setting s = r.get("port");
    if (s == null) {
      return 22;
    }
    try {
      int p = Integer.parseInt(s.value());
      if (p > 0 && p < 65536) {
        return p;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw UserError.unusable(s.origin() + ": Port " + s.value() + " is not a port", "write a number from 1 to 65535");
  }

  /** The files a directive names, ~ and %-tokens expanded (IdentityFile, UserKnownHostsFile, IdentityAgent). */
  List<Path> files(SshConfig.Setting s, Path home) {
    List<Path> out = new ArrayList<>();
    for (String word : s.args()) {
      String path = expand(new SshConfig.Setting(s.keyword(), s.name(), List.of(word), word, s.origin()),
          Map.of('d', home.toString(), 'u', System.getProperty("user.name"), 'h', host, 'r', user,
              'p', String.valueOf(port), 'n', alias));
      out.add(Path.of(path.startsWith("~/") ? home + path.substring(1) : path));
    }
    return out;
  }

  /** %-tokens as ssh expands them; one ejup does not know is refused rather than passed on literally. */
  static String expand(SshConfig.Setting s, Map<Character, String> tokens) {
    String text = s.value();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      char t = i + 1 < text.length() ? text.charAt(++i) : ' ';
      if (t == '%') {
        out.append('%');
      } else if (tokens.containsKey(t)) {
        out.append(tokens.get(t));
      } else {
        throw SshConfig.refusal(s, "uses %" + t + ", which ejup does not expand here");
      }
    }
    if (!s.keyword().endsWith("command") && out.indexOf("${") >= 0) {
      throw SshConfig.refusal(s, "names an environment variable, which ejup does not expand");
    }
    return out.toString();
  }
}
