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
  private final String fix;

  /** detail: what is wrong with which file, in words; fix: the hint. */
  UnusableTrustStore(String detail, String fix, Throwable cause) {
    super(detail, cause);
    this.fix = fix;
  }

  /** What to do about it, for a hint. */
  String fix() {
    return fix;
  }
}
