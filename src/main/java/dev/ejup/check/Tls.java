package dev.ejup.check;

import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.internal.tls.OkHostnameVerifier;

/**
 * Certificate checking shared by XMPP and HTTP. With --insecure the system's verdict is still
 * taken and remembered, so the report can say what would have failed instead of hiding it.
 */
final class Tls {
  final X509TrustManager trustManager;
  final HostnameVerifier hostnameVerifier;
  final SSLContext context;
  private final AtomicReference<String> overridden = new AtomicReference<>();

  Tls(boolean insecure) {
    X509TrustManager system = systemTrust();
    this.trustManager = !insecure ? system : new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // ejup never acts as a TLS server
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        try {
          system.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
          overridden.compareAndSet(null, "certificate not trusted (" + chain[0].getSubjectX500Principal().getName() + ")");
        }
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return system.getAcceptedIssuers();
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
    try {
      this.context = SSLContext.getInstance("TLS");
      this.context.init(null, new javax.net.ssl.TrustManager[] {trustManager}, null);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS context", e);
    }
  }

  /** What --insecure let through, or null when the certificates verified. */
  String overridden() {
    return overridden.get();
  }

  static boolean verifies(String host, SSLSession session) {
    return OkHostnameVerifier.INSTANCE.verify(host, session);
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
