package dev.ejup.upload;

import dev.ejup.model.UserError;
import java.time.Duration;

/**
 * What one upload check is asked to do.
 *
 * @param jid the account to log in with, e.g. hc@example.org (its domain is the server checked); a
 *     resource (hc@example.org/nagios) is used as given, else each run picks its own
 * @param server host[:port] to connect to instead of resolving the domain (SRV, then A/AAAA)
 * @param service the upload service's JID instead of finding it with service discovery
 * @param size bytes of the generated test file
 * @param insecure accept a certificate that does not verify (reported as WARNING, never silently)
 * @param allowHttp accept plain http slot URLs, and a GET URL redirected from https to http (a WARNING then)
 * @param directTls XEP-0368: TLS from the first byte (port 5223, SRV _xmpps-client) instead of STARTTLS
 * @param probes also run the negative probes (too large, overwrite, missing file)
 * @param deadline bound on the whole run
 * @param stepTimeout bound on each network step
 * @param stopAfter the step after which to stop (e.g. "slot", to hand the URLs to curl), or null
 * @param origin a web client's origin (https://chat.example.org): the check then does what a browser
 *     on it does (CORS preflight, Origin on the PUT and GET) and judges the answers as it would; null for none
 */
public record CheckOptions(
    String jid, String password, String server, String service, long size, String contentType,
    boolean insecure, boolean allowHttp, boolean directTls, boolean probes, Duration deadline, Duration stepTimeout, String stopAfter,
    String origin) {

  public CheckOptions {
    // a browser serialises its origin's scheme and host in lower case (WHATWG URL), and servers
    // compare Access-Control-Allow-Origin with it byte for byte: https://Chat.Example.org as typed,
    // or a target filled into serve's origin, would be judged against what no browser sends
    origin = origin == null ? null : origin.toLowerCase(java.util.Locale.ROOT);
  }

  /** A check as a desktop client does it, without a browser's origin. */
  public CheckOptions(String jid, String password, String server, String service, long size, String contentType,
      boolean insecure, boolean allowHttp, boolean directTls, boolean probes, Duration deadline, Duration stepTimeout, String stopAfter) {
    this(jid, password, server, service, size, contentType, insecure, allowHttp, directTls, probes, deadline, stepTimeout, stopAfter, null);
  }

  public static final java.util.List<String> STEPS = java.util.List.of(
      "connect", "login", "disco-items", "disco-info", "slot", "put", "get");

  /**
   * Refuses values no check could run with, before anything connects: a JID without a user part
   * or domain, a --server that is not HOST[:PORT], a --service that is not a domain, an unknown
   * --stop-after step. A resource in the JID is kept as the session's resource.
   *
   * @throws UserError (exit 3) naming the option, what is wrong and how to write it
   */
  public void validate() {
    String at = jid == null ? "" : jid.trim();
    if (!at.contains("@") || at.startsWith("@")) {
      throw UserError.unusable("--jid " + (at.isEmpty() ? "''" : at) + " has no user part",
          "give the account ejup logs in with as user@domain, e.g. monitor@" + (at.isEmpty() || at.startsWith("@") ? "example.org" : domain()));
    }
    if (domain().isEmpty()) {
      throw UserError.unusable("--jid " + at + " has no domain after '@'", "write it as user@domain, e.g. " + localpart() + "@example.org");
    }
    if (!dev.ejup.model.HostPort.isName(domain())) {
      throw UserError.unusable("--jid " + at + ": '" + domain() + "' is not a domain name", "write it as user@domain, e.g. monitor@example.org");
    }
    try {
      org.jxmpp.jid.Jid parsed = org.jxmpp.jid.impl.JidCreate.from(at);
      if (parsed.getLocalpartOrNull() == null) {
        throw UserError.unusable("--jid " + at + " has no user part", "write it as user@domain");
      }
    } catch (org.jxmpp.stringprep.XmppStringprepException e) {
      throw UserError.unusable("--jid " + at + " is not a valid JID", "write it as user@domain, e.g. monitor@example.org");
    }
    if (server != null) {
      try {
        dev.ejup.model.HostPort.parse(server, directTls ? XmppSession.PORT_DIRECT_TLS : XmppSession.PORT_STARTTLS);
      } catch (IllegalArgumentException e) {
        throw UserError.unusable("--server '" + server + "': " + e.getMessage(),
            "write HOST[:PORT], e.g. xmpp.example.org, xmpp.example.org:5222 or [2001:db8::1]:5222");
      }
    }
    if (service != null) {
      boolean domainOnly = !service.isBlank() && !service.contains("@") && !service.contains("/");
      try {
        org.jxmpp.jid.impl.JidCreate.domainBareFrom(service);
      } catch (org.jxmpp.stringprep.XmppStringprepException e) {
        domainOnly = false;
      }
      if (!domainOnly) {
        throw UserError.unusable("--service '" + service + "' is not the domain of an upload service",
            "write e.g. upload." + domain() + ", or leave it out to find it by service discovery");
      }
    }
    if (origin != null && CorsProbe.unusable(origin) != null) {
      throw UserError.unusable("--origin '" + origin + "': " + CorsProbe.unusable(origin), "write the web client's origin, e.g. --origin https://chat.example.org");
    }
    if (stopAfter != null && !STEPS.contains(stopAfter)) {
      throw UserError.unusable("--stop-after " + stopAfter + " is not a step", "use one of " + String.join(", ", STEPS));
    }
  }

  /** The resource given in the JID, or null: the check then uses one of its own per run. */
  public String resource() {
    int slash = jid.indexOf('/', Math.max(0, jid.indexOf('@')));
    return slash < 0 || slash == jid.length() - 1 ? null : jid.substring(slash + 1);
  }

  /**
   * Why a browser would never send origin as its Origin header (a path, a query, no http(s)
   * scheme), or null when it is usable. The one rule for check's --origin and serve's origin:.
   */
  public static String originProblem(String origin) {
    return CorsProbe.unusable(origin);
  }

  /** The JID's domain: the XMPP server checked and the report's target ("" when the JID has none). */
  public String domain() {
    return domainOf(jid);
  }

  /** A JID's domain as written (the part after '@', before any '/'): what a check's report names as its target. */
  public static String domainOf(String jid) {
    int at = jid.indexOf('@');
    String rest = at < 0 ? jid : jid.substring(at + 1);
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** The JID's user part, the account's name for SASL ("" when the JID has none). */
  public String localpart() {
    int at = jid.indexOf('@');
    return at < 0 ? "" : jid.substring(0, at);
  }
}
