package dev.ejup.upload;

import java.security.cert.CertificateException;

/**
 * The JDK's trust store cannot judge any certificate: a file that is not a key store (Debian's
 * {@code /etc/ssl/certs/java/cacerts} cut to 0 bytes) or one that holds no trusted certificate
 * (a broken {@code ca-certificates-java} run; the JDK's words: "the trustAnchors parameter must be
 * non-empty"). A refusal, so that --insecure can still check the rest, but this machine's fault,
 * not the server's: {@link Diagnose} makes it UNKNOWN and names the store.
 */
final class UnusableTrustStore extends CertificateException {
  /** The fix, for a hint. */
  static final String FIX = "on Debian: apt-get install --reinstall ca-certificates-java && update-ca-certificates -f; "
      + "or name a readable store with EJUP_JAVA_OPTS=-Djavax.net.ssl.trustStore=FILE";

  UnusableTrustStore(String detail, Throwable cause) {
    super(detail, cause);
  }
}
