package dev.ejup.upload.tuning;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * One TLS key share per ClientHello instead of JSSE's two. JSSE (17.0.15 and 25 alike) sends a key
 * share of the first group of each of the first two families it supports: x25519 and P-256.
 * ejabberd (OpenSSL), nginx and Apache take x25519, so the P-256 key pair is made for nothing: in a
 * cold JVM it is ~120 ms of CPU inside the STARTTLS handshake (JDK 25 builds a table of multiples
 * of the curve's generator on its first P-256 key pair), and a key pair per handshake after that.
 * Measured, cold check on Temurin 25: 13% less CPU and 10% less wall time with one share.
 *
 * <p>The groups offered are then x25519 and x448 (one share, of x25519): a TLS 1.3 server that
 * prefers x448 answers with a HelloRetryRequest as the protocol provides. A server with neither
 * (P-256 only, as a FIPS OpenSSL may be) refuses the handshake: its host is then remembered for
 * the life of the process and the connection is made again with JSSE's own groups, so such a
 * server is judged exactly as a client with JSSE's defaults judges it, one refused handshake
 * later. The callers that connect do that retry: {@link #limits(String)} before, {@link
 * #refused(Throwable)} and {@link #widen(String)} after a failure.
 *
 * <p>Only where the JDK can set groups per connection (SSLParameters.setNamedGroups, JDK 20 and
 * newer); on 17 the handshake is JSSE's. Nothing is changed when jdk.tls.namedGroups is set: the
 * groups are then the user's choice.
 *
 * <p>What is kept: the hosts that refused, for the life of the process (in {@code ejup serve}, a
 * host that once refused, even for another reason, is offered JSSE's groups from then on: a key
 * pair dearer per handshake, the same verdict).
 */
public final class KeyShares {
  private KeyShares() {}

  /** The groups offered while a host has not refused them; JSSE makes a share of the first only. */
  static final String[] ONE_SHARE = {"x25519", "x448"};

  /** What a first handshake offered, in a report's words: "offering x25519 and x448 only". */
  public static final String OFFERED = "offering " + String.join(" and ", ONE_SHARE) + " only";

  /** SSLParameters.setNamedGroups(String[]), or null where the JDK has none (17 to 19) or jdk.tls.namedGroups is set. */
  private static final MethodHandle SET_NAMED_GROUPS = setNamedGroups();

  /**
   * Hosts (lower case) that refused a handshake with one share: JSSE's own groups from then on. At
   * most the latest 1,024: an exporter's '*.domain' target admits names without end, and a slot
   * names any host; one forgotten takes the one retry again at its next refusal.
   */
  private static final Set<String> WIDENED = java.util.Collections.newSetFromMap(java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<String, Boolean>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
          return size() > 1024;
        }
      }));

  private static MethodHandle setNamedGroups() {
    if (System.getProperty("jdk.tls.namedGroups") != null) {
      return null;
    }
    try {
      return MethodHandles.publicLookup().findVirtual(SSLParameters.class, "setNamedGroups",
          MethodType.methodType(void.class, String[].class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  /** Whether this JVM sends one share at all (JDK 20+, jdk.tls.namedGroups not set). */
  public static boolean active() {
    return SET_NAMED_GROUPS != null;
  }

  /** Whether a handshake with host now offers one share; ask before connecting, to know whether a failure may be worth a retry. */
  public static boolean limits(String host) {
    return active() && host != null && !WIDENED.contains(key(host));
  }

  /** From now on, JSSE's own groups for host, in this process. */
  public static void widen(String host) {
    WIDENED.add(key(host));
  }

  /** A host as TLS names it, whoever spells it: any case, with or without the root's trailing dot (a JID's domain loses it). */
  private static String key(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  /**
   * Whether a failed connection may have failed for the one share: its causes hold a handshake
   * failure that is not ejup's own verdict on a certificate (those are judged the same with any
   * group). Any other handshake failure is taken as one, since which alert a server sends when
   * no group is common is its own choice (handshake_failure, insufficient_security,
   * illegal_parameter). The connection made again shows whether the server takes JSSE's groups;
   * callers report the first refusal beside it, since a refusal for another reason (a broken node
   * behind a load balancer) may be followed by a success on another node.
   */
  public static boolean refused(Throwable failure) {
    boolean handshake = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
        return false;
      }
      handshake |= t instanceof SSLHandshakeException;
      for (Throwable s : t.getSuppressed()) {
        handshake |= s instanceof SSLHandshakeException;
      }
    }
    return handshake;
  }

  /** Sets the offered groups on parameters for a handshake with host (nothing when not {@link #limits(String)}). */
  public static void limit(SSLParameters parameters, String host) {
    if (limits(host)) {
      offerOneShare(parameters);
    }
  }

  private static void offerOneShare(SSLParameters parameters) {
    try {
      SET_NAMED_GROUPS.invoke(parameters, (Object) ONE_SHARE.clone());
    } catch (RuntimeException e) {
      // JSSE's own groups then: the handshake is the same, one key pair dearer
    } catch (Error e) {
      throw e;
    } catch (Throwable e) {
      // setNamedGroups declares no checked exception
    }
  }

  /** The same, on a socket not yet in its handshake. */
  public static SSLSocket limit(SSLSocket socket, String host) {
    if (limits(host)) {
      SSLParameters parameters = socket.getSSLParameters();
      offerOneShare(parameters);
      socket.setSSLParameters(parameters);
    }
    return socket;
  }
}
