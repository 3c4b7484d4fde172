package dev.ejup.ssh;

import dev.ejup.model.UserError;

/** {@code [user@]host[:port]} as given with --ssh; a missing part comes from ~/.ssh/config. */
public record SshTarget(String user, String host, Integer port) {
  public static SshTarget parse(String text) {
    String rest = text.trim();
    String user = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.substring(0, at);
      rest = rest.substring(at + 1);
    }
    Integer port = null;
    String host = rest;
    if (rest.startsWith("[")) {
      int end = rest.indexOf(']');
      if (end < 0) {
        throw UserError.unusable("--ssh " + text + ": unclosed '['", "write IPv6 addresses as user@[::1]:22");
      }
      host = rest.substring(1, end);
      if (rest.length() > end + 1 && rest.charAt(end + 1) == ':') {
        port = port(rest.substring(end + 2), text);
      }
    } else if (rest.indexOf(':') > 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
      host = rest.substring(0, rest.indexOf(':'));
      port = port(rest.substring(rest.indexOf(':') + 1), text);
    }
    if (host.isEmpty() || (user != null && user.isEmpty())) {
      throw UserError.unusable("--ssh " + text + " is not user@host[:port]", "e.g. --ssh root@xmpp.example.org:22");
    }
    return new SshTarget(user, host, port);
  }

  private static int port(String text, String whole) {
    try {
      int p = Integer.parseInt(text);
      if (p > 0 && p < 65536) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw UserError.unusable("--ssh " + whole + ": bad port '" + text + "'", "e.g. --ssh root@host:2222");
  }

  @Override
  public String toString() {
    return (user == null ? "" : user + "@") + (host.contains(":") ? "[" + host + "]" : host) + (port == null ? "" : ":" + port);
  }
}
