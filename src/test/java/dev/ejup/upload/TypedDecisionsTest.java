package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.CertPathBuilderException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.Test;

/** Decisions follow what Smack and the JDK typed, never the words of a message. */
class TypedDecisionsTest {
  @Test
  void aRefusalThatOnlySaysFileTooLargeInItsTextIsNotFileTooLarge() {
    // a server that refuses for another reason and writes the words in its text: clients cannot read that as XEP-0363's element
    StanzaError error = StanzaError.getBuilder(StanzaError.Condition.not_acceptable).setDescriptiveEnText("file-too-large").build();
    StepFailure refusal = XmppSession.refusal(error, 100, EJABBERD);
    assertEquals(StepFailure.Kind.NOT_ACCEPTABLE, refusal.kind, refusal.getMessage());
    StepFailure other = XmppSession.refusal(StanzaError.getBuilder(StanzaError.Condition.policy_violation)
        .setDescriptiveEnText("file-too-large").build(), 100, EJABBERD);
    assertEquals(StepFailure.Kind.REFUSED, other.kind, other.getMessage());
  }

  private static final ServerTerms EJABBERD = ServerTerms.of("ejabberd", null);

  @Test
  void forbiddenNamesTheAccessRuleAndNotAllowedHasItsOwnHint() {
    // Smack's condition for <not-allowed/> is not_allowed; the hint must follow the type, for each condition its own
    StepFailure forbidden = XmppSession.refusal(StanzaError.getBuilder(StanzaError.Condition.forbidden).build(), 100, EJABBERD);
    assertTrue(forbidden.hint.contains("access rule"), forbidden.hint);
    StepFailure notAllowed = XmppSession.refusal(StanzaError.getBuilder(StanzaError.Condition.not_allowed).build(), 100, EJABBERD);
    assertTrue(notAllowed.getMessage().contains("not-allowed"), notAllowed.getMessage());
    assertTrue(notAllowed.hint.contains("(not-allowed)") && !notAllowed.hint.contains("access rule"), notAllowed.hint);
    StepFailure other = XmppSession.refusal(StanzaError.getBuilder(StanzaError.Condition.internal_server_error).build(), 100, EJABBERD);
    assertTrue(other.hint.contains("error.log"), other.hint);
    StepFailure prosody = XmppSession.refusal(StanzaError.getBuilder(StanzaError.Condition.internal_server_error).build(), 100,
        ServerTerms.of("Prosody", null));
    assertTrue(prosody.hint.contains("prosody's log") && !prosody.hint.contains("ejabberd"), prosody.hint);
  }

  @Test
  void anUntrustedCertificateIsKnownByItsCauseNotItsWords() {
    SSLHandshakeException e = new SSLHandshakeException("handshake failed");
    e.initCause(new CertPathBuilderException("no path"));
    StepFailure f = Diagnose.network(e, "x.test:5222", "ejabberd");
    assertTrue(f.getMessage().contains("is not trusted"), f.getMessage());
    assertEquals(StepFailure.Kind.CERTIFICATE, f.kind);
  }

  @Test
  void aTrustStoreThatCannotJudgeIsUnknownNotTheServersFault() {
    // the classic Debian failure (an empty or cut cacerts): the JDK's words name no cause a sysadmin
    // can act on, and the hint of an untrusted or a TLS-less server would send them to the server
    SSLHandshakeException e = new SSLHandshakeException("(certificate_unknown) the JDK's trust store /x holds no trusted certificate");
    e.initCause(new UnusableTrustStore("the JDK's trust store /x holds no trusted certificate",
        "on Debian: apt-get install --reinstall ca-certificates-java", null));
    StepFailure f = Diagnose.network(e, "x.test:5222", "ejabberd");
    assertEquals(dev.ejup.model.Status.UNKNOWN, f.status);
    assertEquals(StepFailure.Kind.TRUST_STORE, f.kind);
    assertTrue(f.getMessage().contains("cannot judge the TLS certificate of x.test:5222: the JDK's trust store /x holds no trusted certificate"),
        f.getMessage());
    assertTrue(f.hint.contains("ca-certificates-java"), f.hint);
    assertEquals(f, Diagnose.wrongTlsMode(f, e, false, true, "x.test:5222"), "not taken for a TLS mode or cipher mismatch");
    assertEquals(f, Diagnose.wrongTlsMode(f, e, true, false, "x.test:5223"));
  }

  @Test
  void aTlsFailureThatMentionsTrustOrHostnameIsNotACertificateVerdict() {
    for (String words : new String[] {"Received fatal alert: trust me (PKIX)", "hostname lookup for SNI failed, not verified"}) {
      StepFailure f = Diagnose.network(new SSLException(words), "x.test:5222", "ejabberd");
      assertTrue(f.getMessage().startsWith("TLS with x.test:5222 failed"), f.getMessage());
      assertEquals(StepFailure.Kind.OTHER, f.kind);
    }
  }

  @Test
  void theWrongTlsModeIsNotGuessedFromADetailThatSaysRefused() {
    // the detail's words are the server's: "refused" in them is no connection refusal
    StepFailure said = StepFailure.crit("x.test:5222: stream refused by policy", "h");
    StepFailure f = Diagnose.wrongTlsMode(said, new java.io.EOFException(), false, false, "x.test:5222");
    assertTrue(f.getMessage().contains("closed the connection before the XMPP stream began"), f.getMessage());
  }
}
