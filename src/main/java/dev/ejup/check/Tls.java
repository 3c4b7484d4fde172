package dev.ejup.check;

import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.internal.tls.OkHostnameVerifier;

/**
 * Certificate checking shared by XMPP and HTTP. With --insecure the system's verdict is still
 * taken and remembered, so the report can say what would have failed instead of hiding it.
 * Reading the system's trusted certificates and setting up JSSE take about a tenth of a second;
 * they run in the background while the TCP connection and the XMPP stream start, and only the
 * first certificate check waits for them.
 */
final class Tls {
  final X509TrustManager trustManager;
  final HostnameVerifier hostnameVerifier;
  /** The system's trusted certificates, read once per process: a fleet run has many checks. */
  private static final CompletableFuture<X509TrustManager> SYSTEM = CompletableFuture.supplyAsync(Tls::systemTrust);
  private final CompletableFuture<SSLContext> context;
  private final AtomicReference<String> overridden = new AtomicReference<>();

  Tls(boolean insecure) {
    this.trustManager = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // ejup never acts as a TLS server
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
          system().checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
          if (!insecure) {
            throw e;
          }
          overridden.compareAndSet(null, "certificate not trusted (" + chain[0].getSubjectX500Principal().getName() + ")");
        }
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return system().getAcceptedIssuers();
      }
    };
    this.hostnameVerifier = (host, session) -> {
      boolean ok = OkHostnameVerifier.INSTANCE.verify(host, session);
      if (!ok && insecure) {
        overridden.compareAndSet(null, "certificate not valid for " + host);
        return true;
      }
      return ok;
    };
    this.context = CompletableFuture.supplyAsync(() -> {
      try {
        SSLContext tls = newContext();
        tls.init(null, new javax.net.ssl.TrustManager[] {trustManager}, null);
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
    return SYSTEM.join();
  }

  /** What --insecure let through, or null when the certificates verified. */
  String overridden() {
    return overridden.get();
  }

  private static X509TrustManager systemTrust() {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      for (var manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("no X509 trust manager");
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the system's trusted certificates", e);
    }
  }
}
