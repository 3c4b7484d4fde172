package dev.ejup.check;

import java.time.Duration;

/**
 * What one upload check is asked to do.
 *
 * @param jid the account to log in with, e.g. hc@example.org (its domain is the server checked)
 * @param server host[:port] to connect to instead of resolving the domain (SRV, then A/AAAA)
 * @param service the upload service's JID instead of finding it with disco#items
 * @param size bytes of the generated test file
 * @param insecure accept a certificate that does not verify (reported as WARNING, never silently)
 * @param allowHttp accept plain http slot URLs
 * @param directTls XEP-0368: TLS from the first byte (port 5223, SRV _xmpps-client) instead of STARTTLS
 * @param probes also run the negative probes (too large, overwrite, missing file)
 * @param deadline bound on the whole run
 * @param stepTimeout bound on each network step
 * @param stopAfter the step after which to stop (e.g. "slot", to hand the URLs to curl), or null
 */
public record CheckOptions(
    String jid, String password, String server, String service, long size, String contentType,
    boolean insecure, boolean allowHttp, boolean directTls, boolean probes, Duration deadline, Duration stepTimeout, String stopAfter) {

  public static final java.util.List<String> STEPS = java.util.List.of(
      "connect", "login", "disco-items", "disco-info", "slot", "put", "get");

  public String domain() {
    int at = jid.indexOf('@');
    String rest = at < 0 ? jid : jid.substring(at + 1);
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  public String localpart() {
    int at = jid.indexOf('@');
    return at < 0 ? "" : jid.substring(0, at);
  }
}
