package dev.ejup.upload;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Certificate chains the system's trust manager accepted in this process, so that the same chain
 * is not path-validated again: the vhosts of a fleet behind one certificate, `ejup serve` probing
 * a target again (two handshakes a probe; the trust check was ~6% of a warm probe's CPU).
 *
 * <p>Sound because the system's verdict on a chain depends on nothing else that changes while the
 * process runs: the chain's bytes (the key compares them, so a new certificate is validated in
 * full), the trust anchors (read once per process), the security properties (read at start) and
 * the time, which is checked again at every use: each certificate of the chain must be within
 * its validity then. Only acceptances are kept, never a refusal. Nothing is kept when revocation
 * checking is on ({@code com.sun.net.ssl.checkRevocation}), whose answer changes with time, or
 * when the JDK may fetch missing intermediates from the network ({@code com.sun.security.enableAIAcaIssuers}:
 * a fetched certificate is not part of the chain the key holds), and an entry is forgotten after
 * {@link #TTL_NANOS} whatever happens. Checks JSSE makes outside the trust manager (algorithm
 * constraints, with their {@code denyAfter} dates, on the chain's certificates) run on every
 * handshake anyway; a {@code denyAfter} date on the trust anchor's own key that passes while an
 * entry lives is the one verdict that may come up to ten minutes late.
 */
final class TrustedChains {
  static final int MAX = 256;
  static final long TTL_NANOS = 10L * 60 * 1_000_000_000L;

  /**
   * A chain and the key exchange it was checked for. Written out rather than a record's generated
   * equals and hashCode: those are bootstrapped through method handles on first use, which spins
   * 11 lambda forms (~8 ms of a cold check's CPU) that the AOT cache does not hold.
   */
  private static final class Key {
    private final String authType;
    private final List<X509Certificate> chain;

    Key(String authType, List<X509Certificate> chain) {
      this.authType = authType;
      this.chain = chain;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key && authType.equals(key.authType) && chain.equals(key.chain);
    }

    @Override
    public int hashCode() {
      return 31 * authType.hashCode() + chain.hashCode();
    }
  }

  /** Chain to when it was accepted (System.nanoTime), least recently used first. */
  private final Map<Key, Long> accepted = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
      return size() > MAX;
    }
  };

  /** Whether this chain was accepted for authType less than {@link #TTL_NANOS} ago and every certificate of it is valid at now. */
  boolean accepted(X509Certificate[] chain, String authType, Date now, long nanoTime) {
    if (chain == null || chain.length == 0) {
      return false;
    }
    Long when;
    synchronized (accepted) {
      when = accepted.get(new Key(String.valueOf(authType), List.of(chain)));
    }
    if (when == null || nanoTime - when >= TTL_NANOS) {
      return false;
    }
    try {
      for (X509Certificate certificate : chain) {
        certificate.checkValidity(now);
      }
      return true;
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      return false;
    }
  }

  /** Notes that the system's trust manager has just accepted this chain for authType. */
  void accept(X509Certificate[] chain, String authType, long nanoTime) {
    if (chain == null || chain.length == 0 || Boolean.getBoolean("com.sun.net.ssl.checkRevocation")
        || Boolean.getBoolean("com.sun.security.enableAIAcaIssuers")) {
      return;
    }
    synchronized (accepted) {
      accepted.put(new Key(String.valueOf(authType), List.of(chain)), nanoTime);
    }
  }
}
