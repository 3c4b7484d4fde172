package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.testing.SelfSignedTls;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a remembered acceptance of a certificate chain answers, with real certificates made by the JDK's keytool. */
class TrustedChainsTest {
  private static final String AUTH = "UNKNOWN";
  private static X509Certificate one;
  private static X509Certificate other;

  @BeforeAll
  static void certificates(@TempDir Path dir) throws Exception {
    one = SelfSignedTls.certificate(dir, "one", "one.localhost");
    other = SelfSignedTls.certificate(dir, "other", "other.localhost");
  }

  /** The same certificate as a handshake delivers it: parsed anew from its bytes. */
  private static X509Certificate again(X509Certificate certificate) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
  }

  @Test
  void theSameChainParsedAnewIsKnownWhileItsCertificatesAreValid() throws Exception {
    TrustedChains chains = new TrustedChains();
    Date now = new Date();
    assertFalse(chains.accepted(new X509Certificate[] {one}, AUTH, now, 0), "nothing accepted yet");
    chains.accept(new X509Certificate[] {one}, AUTH, 0);
    assertTrue(chains.accepted(new X509Certificate[] {again(one)}, AUTH, now, 1_000_000_000L));
  }

  @Test
  void anotherChainOrAuthTypeIsNotKnown() throws Exception {
    TrustedChains chains = new TrustedChains();
    Date now = new Date();
    chains.accept(new X509Certificate[] {one}, AUTH, 0);
    assertFalse(chains.accepted(new X509Certificate[] {other}, AUTH, now, 1), "another certificate");
    assertFalse(chains.accepted(new X509Certificate[] {one, other}, AUTH, now, 1), "the same leaf in another chain");
    assertFalse(chains.accepted(new X509Certificate[] {one}, "ECDHE_ECDSA", now, 1), "another auth type");
    assertFalse(chains.accepted(new X509Certificate[0], AUTH, now, 1), "an empty chain");
  }

  @Test
  void aCertificateOutOfItsValidityNowIsNotKnown() {
    TrustedChains chains = new TrustedChains();
    chains.accept(new X509Certificate[] {one}, AUTH, 0);
    assertFalse(chains.accepted(new X509Certificate[] {one}, AUTH, new Date(one.getNotAfter().getTime() + 1000), 1), "expired since");
    assertFalse(chains.accepted(new X509Certificate[] {one}, AUTH, new Date(one.getNotBefore().getTime() - 1000), 1), "not yet valid");
  }

  @Test
  void anAcceptanceIsForgottenAfterItsTimeToLive() {
    TrustedChains chains = new TrustedChains();
    chains.accept(new X509Certificate[] {one}, AUTH, 5);
    assertTrue(chains.accepted(new X509Certificate[] {one}, AUTH, new Date(), 5 + TrustedChains.TTL_NANOS - 1));
    assertFalse(chains.accepted(new X509Certificate[] {one}, AUTH, new Date(), 5 + TrustedChains.TTL_NANOS));
  }

  @Test
  void onlyTheMostRecentlyUsedChainsAreKept() {
    TrustedChains chains = new TrustedChains();
    chains.accept(new X509Certificate[] {one}, AUTH, 0);
    for (int i = 0; i < TrustedChains.MAX; i++) {
      chains.accept(new X509Certificate[] {other}, "type" + i, 0);
    }
    assertFalse(chains.accepted(new X509Certificate[] {one}, AUTH, new Date(), 1), "the eldest gave way");
    assertTrue(chains.accepted(new X509Certificate[] {other}, "type" + (TrustedChains.MAX - 1), new Date(), 1));
  }

  @Test
  void nothingIsKeptWhenTheVerdictMayDependOnMoreThanTheChain() {
    for (String property : new String[] {"com.sun.net.ssl.checkRevocation", "com.sun.security.enableAIAcaIssuers"}) {
      TrustedChains chains = new TrustedChains();
      System.setProperty(property, "true");
      try {
        chains.accept(new X509Certificate[] {one}, AUTH, 0);
      } finally {
        System.clearProperty(property);
      }
      assertFalse(chains.accepted(new X509Certificate[] {one}, AUTH, new Date(), 1), property);
    }
  }

  @Test
  void aRefusalIsNeverRemembered() throws Exception {
    Tls tls = new Tls(false);
    X509Certificate[] chain = {one};
    // the system's trust store does not hold a self-signed certificate: refused, and refused again
    assertThrows(CertificateException.class, () -> tls.trustManager.checkServerTrusted(chain, AUTH));
    assertThrows(CertificateException.class, () -> tls.trustManager.checkServerTrusted(new X509Certificate[] {again(one)}, AUTH));
    // --insecure takes it and says so each time, from the system's own verdict
    Tls insecure = new Tls(true);
    insecure.trustManager.checkServerTrusted(chain, AUTH);
    assertTrue(insecure.overridden() != null && insecure.overridden().contains("not trusted"), insecure.overridden());
    Tls insecureAgain = new Tls(true);
    insecureAgain.trustManager.checkServerTrusted(chain, AUTH);
    assertTrue(insecureAgain.overridden() != null, "a second check with --insecure was not told the certificate is untrusted");
  }
}
