package dev.ejup.upload.tuning;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import okhttp3.Dns;

/**
 * RFC 6761 section 6.3: "localhost" and every name under ".localhost" is the loopback, without
 * asking a resolver (as curl and browsers do). Test and staging setups name virtual hosts like
 * a.localhost; glibc would send those to DNS, and the slot URLs carry them.
 */
public final class LocalhostDns implements Dns {
  public static final LocalhostDns INSTANCE = new LocalhostDns();

  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    if (isLocalhost(hostname)) {
      return List.of(InetAddress.getByAddress(hostname, new byte[] {127, 0, 0, 1}),
          InetAddress.getByAddress(hostname, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    }
    return Dns.SYSTEM.lookup(hostname);
  }

  public static boolean isLocalhost(String hostname) {
    String h = hostname.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.equals("localhost") || h.endsWith(".localhost");
  }
}
