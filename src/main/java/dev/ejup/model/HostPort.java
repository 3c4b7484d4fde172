package dev.ejup.model;

import java.util.regex.Pattern;

/**
 * {@code host[:port]} as users write it everywhere in ejup (--server, --ssh, a playbook's server,
 * a ProxyJump hop, an inventory's ansible_host): one reader, so an address means the same in each.
 * IPv6 goes in brackets when a port follows ({@code [::1]:5222}); a bare IPv6 address
 * ({@code ::1}, {@code fe80::1%eth0}) has no port, as its colons are not one.
 *
 * @param host a DNS name, IPv4 or IPv6 address (without brackets), never empty
 * @param port 1-65535, or null when the text gave none (the caller's default applies)
 */
public record HostPort(String host, Integer port) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");

  /**
   * Reads host, host:port, [ipv6]:port, [ipv6] or a bare ipv6 address.
   *
   * @param text what the user wrote; surrounding blanks are ignored
   * @return the host and the port, null when none was written
   * @throws IllegalArgumentException saying in words what is wrong (for the caller's one-line UserError,
   *     which adds where the text came from): empty, no host before ':', no port after ':', a port that
   *     is not a number in 1-65535, an unclosed '[', something other than an IPv6 address in brackets
   */
  public static HostPort parse(String text) {
    String t = text == null ? "" : text.trim();
    String host;
    String port = null;
    if (t.startsWith("[")) {
      int end = t.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("the IPv6 address has no closing ']'");
      }
      host = t.substring(1, end);
      String rest = t.substring(end + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        throw new IllegalArgumentException("'" + rest + "' after the address is not :PORT");
      }
      port = rest.isEmpty() ? null : rest.substring(1);
      if (!IPV6.matcher(host).matches()) {
        throw new IllegalArgumentException("'" + host + "' in brackets is not an IPv6 address");
      }
    } else if (t.indexOf(':') != t.lastIndexOf(':')) {
      host = t;
      if (!IPV6.matcher(host).matches()) {
        throw new IllegalArgumentException("'" + t + "' is neither host:port nor an IPv6 address");
      }
    } else {
      int colon = t.indexOf(':');
      host = colon < 0 ? t : t.substring(0, colon);
      port = colon < 0 ? null : t.substring(colon + 1);
      if (host.isEmpty()) {
        throw new IllegalArgumentException(t.isEmpty() ? "it is empty" : "there is no host before ':'");
      }
      if (!NAME.matcher(host).matches()) {
        throw new IllegalArgumentException("'" + host + "' is not a host name or address");
      }
    }
    return new HostPort(host, port == null ? null : port(port));
  }

  /** As {@link #parse(String)}, with defaultPort where the text gave none. */
  public static HostPort parse(String text, int defaultPort) {
    return parse(text).orPort(defaultPort);
  }

  /** A host name or IPv4 address as DNS and the JDK take it (an XMPP domain is one too). */
  public static boolean isName(String text) {
    return text != null && NAME.matcher(text).matches();
  }

  /** This, with port where none was given. */
  public HostPort orPort(int defaultPort) {
    return port != null ? this : new HostPort(host, defaultPort);
  }

  /** The host as it goes before ":port": an IPv6 address in brackets. */
  public static String bracketed(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** Loopback names distributions write into /etc/hosts. */
  private static final java.util.Set<String> LOOPBACK_NAMES =
      java.util.Set.of("localhost.localdomain", "localhost4", "localhost4.localdomain4", "localhost6", "localhost6.localdomain6",
          "ip6-localhost", "ip6-loopback");

  /**
   * Whether host names this machine only: localhost and every name under .localhost (RFC 6761
   * section 6.3), 127.0.0.0/8, ::1 and IPv4-mapped 127.x. Literals only: never asks a resolver,
   * so any other name (example.org) is not loopback.
   *
   * @param host a name or address, IPv6 with or without brackets
   */
  public static boolean isLoopback(String host) {
    String h = host == null ? "" : host.strip().toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    // a URL naming RHEL's localhost.localdomain or Debian's ip6-localhost was written for this machine
    if (h.equals("localhost") || h.endsWith(".localhost") || LOOPBACK_NAMES.contains(h)) {
      return true;
    }
    if (h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
      return h.startsWith("127.");
    }
    if (IPV6.matcher(h).matches()) {
      try {
        // in brackets the JDK parses a literal and never falls back to DNS
        return java.net.InetAddress.getByName("[" + h + "]").isLoopbackAddress();
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  private static int port(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("there is no port after ':'");
    }
    if (!text.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("'" + text + "' is not a port number");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1-65535");
    }
    return port;
  }

  /** host:port with IPv6 in brackets, or the host alone when no port was given; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return bracketed(host) + (port == null ? "" : ":" + port);
  }
}
