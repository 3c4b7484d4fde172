package dev.ejup.upload;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.internal.tls.OkHostnameVerifier;

/**
 * Certificate checking shared by XMPP and HTTP. With --insecure the system's verdict is still
 * taken and remembered, so the report can say what would have failed instead of hiding it.
 * Indexing the system's trusted certificates ({@link SystemTrust}) and setting up JSSE run in the
 * background while the TCP connection and the XMPP stream start, and only the first certificate
 * check waits for them.
 */
final class Tls {
  final X509TrustManager trustManager;
  final HostnameVerifier hostnameVerifier;
  /** The system's trusted certificates, indexed once per process: a fleet run has many checks. */
  private static final SystemTrust SYSTEM = SystemTrust.startDefault();
  /** Chains the system accepted in this process: the same chain is not path-validated again (see there why that is sound). */
  private static final TrustedChains TRUSTED = new TrustedChains();
  private final CompletableFuture<SSLContext> context;
  private final AtomicReference<String> overridden = new AtomicReference<>();
  /** The fix of the trust store, when --insecure let a certificate through because the store could judge none ({@link UnusableTrustStore}). */
  private volatile String storeFix;
  /** What --insecure let through for a certificate's dates (expired, not yet valid), with its fix. */
  private final java.util.Map<String, String> dateFixes = new java.util.concurrent.ConcurrentHashMap<>();
  /** Leaf certificates --insecure let through, so the host name check can tell which host had one. */
  private final java.util.Map<X509Certificate, String> untrustedLeaves = new java.util.concurrent.ConcurrentHashMap<>();
  /** The leaf certificate's notAfter (epoch seconds) of each TLS connection, in handshake order: XMPP's first, then HTTP's. */
  private final java.util.List<Long> expiries = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Host (lower case) to what --insecure let through on a connection to it. */
  private final java.util.Map<String, String> overriddenHosts = new java.util.concurrent.ConcurrentHashMap<>();

  Tls(boolean insecure) {
    this.trustManager = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // ejup never acts as a TLS server
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
          if (!TRUSTED.accepted(chain, authType, new java.util.Date(), System.nanoTime())) {
            system().checkServerTrusted(chain, authType);
            TRUSTED.accept(chain, authType, System.nanoTime());
          }
        } catch (CertificateException e) {
          if (!insecure) {
            throw e;
          }
          String why;
          Diagnose.OutOfDate dates = Diagnose.outOfDate(e);
          if (e instanceof UnusableTrustStore unusable) {
            // a trust store that cannot judge anything is said as such: the certificate may be fine
            why = "certificate not judged: " + e.getMessage();
            storeFix = unusable.fix();
          } else if (dates != null) {
            why = "certificate " + dates.words();
            dateFixes.put(why, dates.fix());
          } else {
            why = untrusted(chain[0]);
          }
          untrustedLeaves.put(chain[0], why);
          overridden.compareAndSet(null, why);
        }
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return system().getAcceptedIssuers();
      }
    };
    // every TLS connection, XMPP's and each HTTP one, passes here once after its handshake
    this.hostnameVerifier = (host, session) -> {
      X509Certificate peer = leaf(session);
      if (peer != null) {
        expiries.add(peer.getNotAfter().getTime() / 1000);
      }
      boolean ok = OkHostnameVerifier.INSTANCE.verify(host, session);
      if (!insecure) {
        return ok;
      }
      X509Certificate leaf = leaf(session);
      String why = leaf != null ? untrustedLeaves.get(leaf) : null;
      if (!ok) {
        why = (why == null ? "" : why + ", ") + "certificate not valid for " + host;
        overridden.compareAndSet(null, "certificate not valid for " + host);
      }
      if (why != null) {
        overriddenHosts.putIfAbsent(host.toLowerCase(java.util.Locale.ROOT), why);
      }
      return true;
    };
    this.context = CompletableFuture.supplyAsync(() -> {
      try {
        SSLContext tls = newContext();
        tls.init(null, new javax.net.ssl.TrustManager[] {trustManager}, null);
        dev.ejup.upload.tuning.Timeline.mark("tls context ready");
        return tls;
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no TLS context", e);
      }
    });
  }

  /** A TLS context not yet initialised. */
  static SSLContext newContext() {
    try {
      return SSLContext.getInstance("TLS");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no TLS context", e);
    }
  }

  /** The TLS context (waits for its set-up when it is not done yet). */
  SSLContext context() {
    return context.join();
  }

  private static X509TrustManager system() {
    return SYSTEM;
  }

  /**
   * When the certificate of the index-th TLS connection expires, in seconds since the epoch, or
   * null when there was none: 0 is the XMPP stream's (it connects before any HTTP), 1 the PUT's.
   */
  Long expiry(int index) {
    return index < expiries.size() ? expiries.get(index) : null;
  }

  /** What --insecure let through, or null when the certificates verified. */
  String overridden() {
    return overridden.get();
  }

  /**
   * The hint for a certificate --insecure let through: what to do about the trust store when it
   * could judge nothing (the fault is on this machine, no certificate was checked), the fix of the
   * dates when why (what was let through) was a certificate's dates, else {@code aboutServer}.
   */
  String insecureHint(String why, String aboutServer) {
    String fix = storeFix;
    if (fix != null) {
      return "no certificate was checked: " + fix;
    }
    for (var dates : dateFixes.entrySet()) {
      if (why.startsWith(dates.getKey())) {
        return dates.getValue(); // its dates' fix: another certificate from a trusted CA is not what it needs
      }
    }
    return aboutServer;
  }

  /** What --insecure let through on a connection to host, or null when its certificate verified. */
  String overriddenFor(String host) {
    return overriddenHosts.get(host.toLowerCase(java.util.Locale.ROOT));
  }

  private static String untrusted(X509Certificate leaf) {
    return "certificate not trusted (" + leaf.getSubjectX500Principal().getName() + ")";
  }

  private static X509Certificate leaf(javax.net.ssl.SSLSession session) {
    try {
      java.security.cert.Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
