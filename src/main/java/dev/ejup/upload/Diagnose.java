package dev.ejup.upload;

import dev.ejup.upload.StepFailure.Kind;
import dev.ejup.model.Cause;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StreamError;

/** Turns the exceptions of sockets and TLS into what a sysadmin needs to read: cause and fix. */
final class Diagnose {
  private Diagnose() {}

  /** The XMPP stream went over {@link BoundedXmlStream}'s bound: whatever Smack made of it, this is what happened. */
  static StepFailure exceeded(BoundedXmlStream.Exceeded exceeded, String where) {
    return StepFailure.crit(where + " sent " + exceeded.getMessage() + "; ejup stopped reading there",
        "no XMPP server sends that: check what answers on that port (a broken or hostile server, or a proxy garbling the stream)");
  }

  /**
   * As {@link #network(Throwable, String, String)}, for an HTTP request (OkHttp) bounded by
   * stepTimeout. A timeout comes first, whatever it left behind: OkHttp's call timeout (the step
   * timeout) cancels the call by closing its socket, and throws an InterruptedIOException over
   * what the close broke ("Socket closed", "Canceled", an SSLException in a handshake). An end of
   * stream is told apart by where it came: before the status line, or inside the body
   * ({@link HttpTransfer.CutShort}, with how much came).
   */
  static StepFailure network(Throwable e, String where, String what, java.time.Duration stepTimeout) {
    String within = dev.ejup.report.Seconds.of(stepTimeout) + " s (the step timeout)";
    String slow = " (a slow one needs a longer step timeout: check's --step-timeout, serve's step_timeout)";
    if (firstOf(e, HttpTransfer.Undecodable.class) instanceof HttpTransfer.Undecodable bad) {
      return undecodable(bad, where, what);
    }
    if (firstOf(e, HttpTransfer.CutShort.class) instanceof HttpTransfer.CutShort cut) {
      String came = cut.received + (cut.declared >= 0 ? " of " + cut.declared + " bytes" : " bytes of the body came");
      if (cut.getCause() instanceof InterruptedIOException && cut.quietNanos > 0 && cut.quietNanos < Math.min(1_000_000_000L, stepTimeout.toNanos() / 2)) {
        // bytes came up to the end of the step timeout: no stall, a body still coming, too slowly
        return StepFailure.crit(where + " answered, but its body came too slowly: " + came + " within " + within,
            "the server or a proxy in front of it sends slowly (a rate limit, a loaded disk or link); check " + what + "'s logs and load" + slow);
      }
      if (cut.getCause() instanceof InterruptedIOException) {
        return StepFailure.crit(where + " answered, but its body stopped after " + came + ": no more within " + within,
            "the server or a proxy in front of it stalled in the middle of the answer; check " + what + "'s logs and load" + slow);
      }
      if (cut.getCause() instanceof java.io.EOFException || cut.getCause() instanceof java.net.ProtocolException) {
        return StepFailure.crit(where + ": " + Cause.words(cut) + ": " + came,
            "the server or a proxy in front of it stopped sending in the middle of the answer; check " + what
                + "'s logs and any proxy's limits and timeouts");
      }
    }
    if (firstOf(e, InterruptedIOException.class) != null) {
      if (connectTimedOut(e)) {
        return StepFailure.crit("no connection to " + where + " within " + within,
            "nothing accepted it: a firewall that drops packets, or a listener too busy to accept; check " + what + " and the network path");
      }
      // the call timeout also cancels a connect, so what is known is only that no answer came
      return StepFailure.crit(where + " did not answer within " + within, "the server or a proxy in front of it hangs; check " + what
          + "'s logs and load" + slow);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      // OkHttp's end of stream before the status line: its words (Cause) say more than okio's EOF under it
      if (t.getClass() == java.io.IOException.class && t.getCause() instanceof java.io.EOFException) {
        return StepFailure.crit(where + ": " + Cause.words(t), "the server or a proxy in front of it hung up on the request; check "
            + what + "'s logs and anything in front of it");
      }
    }
    return network(e, where, what);
  }

  /** A body its headers say how to decode, that does not decode so: what clients make of it, and where to look. */
  private static StepFailure undecodable(HttpTransfer.Undecodable bad, String where, String what) {
    String after = bad.received > 0 ? " after " + bad.received + " bytes" : "";
    if (bad.how.equals("gzip")) {
      String said = String.valueOf(bad.getCause().getMessage());
      return StepFailure.crit(where + " answered with Content-Encoding gzip, but its body is not gzip"
          + (said.startsWith("ID1ID2") ? " (it does not begin with gzip's bytes 1f 8b)" : ": it breaks off as gzip" + after),
          "clients decode it as gzip and fail (browsers: ERR_CONTENT_DECODING_FAILED): " + what + " or a proxy in front of it labels bytes gzip"
              + " that it did not compress; check their compression settings (nginx: gzip, gzip_static, gunzip, an add_header Content-Encoding)");
    }
    return StepFailure.crit(where + " answered with a broken chunked body (Transfer-Encoding: chunked)" + after + ": a chunk's size line is not one",
        "clients fail on it alike: " + what + " or a proxy in front of it frames the answer wrongly (one that passes on a Transfer-Encoding"
            + " header over a body it framed again?); check them");
  }

  static StepFailure network(Throwable e, String where, String what) {
    if (firstOf(e, UnusableTrustStore.class) instanceof UnusableTrustStore unusable) {
      // this machine's fault, not the server's: no verdict on its certificate, nor on what follows
      return new StepFailure(dev.ejup.model.Status.UNKNOWN, "cannot judge the TLS certificate of " + where + ": " + unusable.getMessage(),
          unusable.fix() + " (--insecure checks the rest without it)", Kind.TRUST_STORE);
    }
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      root = t;
      if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof SSLException
          || t instanceof SocketTimeoutException || t instanceof NoRouteToHostException || t instanceof SmackException.NoResponseException) {
        break;
      }
    }
    // one line in words: parsers and TLS stacks put class names and line breaks in their messages
    String message = Cause.words(root);
    if (root instanceof ConnectException) {
      return StepFailure.crit(Kind.CONNECTION_REFUSED, "connection to " + where + " refused",
          "nothing listens there: is " + what + " running, and is the port right? (ejabberdctl status; ejup config validate)");
    }
    if (root instanceof UnknownHostException) {
      String said = String.valueOf(root.getMessage());
      return StepFailure.crit(Kind.UNRESOLVED, "cannot resolve " + where + ": " + (said.contains(": ") ? said.substring(said.indexOf(": ") + 2) : "no such name"),
          "check DNS for the name, or give the address with --server HOST[:PORT]");
    }
    if (connectTimedOut(root)) {
      return StepFailure.crit("no connection to " + where + " in time",
          "nothing accepted it: a firewall that drops packets, or a listener too busy to accept; check " + what + " and the network path");
    }
    if (root instanceof SocketTimeoutException || root instanceof InterruptedIOException || root instanceof SmackException.NoResponseException) {
      return StepFailure.crit(where + " accepted the connection but did not answer in time",
          "the server or a proxy in front of it hangs; check " + what + "'s logs and load");
    }
    if (reset(root)) {
      return StepFailure.crit(where + " reset the connection",
          "something at that address cut it off: see " + what + "'s log, or the firewall or proxy in front of it");
    }
    // OkHttp and the direct TLS socket say SSLPeerUnverifiedException; Smack's STARTTLS checks the
    // name after the handshake and throws a bare CertificateException, outside any SSLException
    if (root instanceof SSLPeerUnverifiedException || root instanceof CertificateException) {
      return StepFailure.crit(Kind.CERTIFICATE, "TLS certificate of " + where + " is not valid for that name: " + message,
          "use a certificate whose subjectAltName covers the name (or --insecure to check the rest anyway)");
    }
    if (root instanceof SSLException) {
      // inside the handshake a certificate is refused only by the trust manager (PKIX: no path to a trusted CA)
      OutOfDate dates = outOfDate(root);
      if (dates != null) {
        return StepFailure.crit(Kind.CERTIFICATE, "TLS certificate of " + where + " " + dates.words(), dates.fix() + ", or --insecure to check the rest anyway");
      }
      if (causedBy(root, CertificateException.class) || causedBy(root, CertPathBuilderException.class)
          || causedBy(root, CertPathValidatorException.class)) {
        return StepFailure.crit(Kind.CERTIFICATE, "TLS certificate of " + where + " is not trusted (self-signed or unknown CA)",
            "install a certificate from a CA clients trust (e.g. Let's Encrypt), or --insecure to check the rest anyway");
      }
      if (hungUp(root)) {
        return noTlsInCommon(where, root, true);
      }
      return StepFailure.crit("TLS with " + where + " failed: " + message, "check the listener's tls and certificate settings");
    }
    return StepFailure.crit(where + ": " + message, "run again with --debug for details");
  }

  /** A certificate refused for its dates: what is wrong, after "certificate of HOST" or "certificate", and the fix. */
  record OutOfDate(String words, String fix) {}

  /**
   * What a refusal for a certificate's dates means, or null for any other refusal. PKIX says which
   * certificate of the path and why (a CertPathValidatorException with reason EXPIRED or
   * NOT_YET_VALID, over the certificate's own CertificateExpiredException or
   * CertificateNotYetValidException): JDK 17 and 25 alike, for the whole store's verdict as for a
   * few anchors'. Before, an expired certificate from a trusted CA was called untrusted.
   */
  static OutOfDate outOfDate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertPathValidatorException invalid && invalid.getCertPath() != null && invalid.getIndex() >= 0
          && invalid.getIndex() < invalid.getCertPath().getCertificates().size()
          && invalid.getCertPath().getCertificates().get(invalid.getIndex()) instanceof java.security.cert.X509Certificate cert
          && invalid.getReason() instanceof CertPathValidatorException.BasicReason reason
          && (reason == CertPathValidatorException.BasicReason.EXPIRED || reason == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
        boolean expired = reason == CertPathValidatorException.BasicReason.EXPIRED;
        String names = " (" + cert.getSubjectX500Principal().getName() + ", issuer " + cert.getIssuerX500Principal().getName() + ")";
        String when = expired ? "expired on " + day(cert.getNotAfter()) : "is not yet valid: its validity begins on " + day(cert.getNotBefore());
        if (invalid.getIndex() > 0) {
          // the server's own certificate is fine; a CA certificate it sends with it is not
          return new OutOfDate("comes with a CA certificate that " + when + names,
              "send the CA's current intermediate certificate with it (certbot renew fetches the chain anew) and reload the server");
        }
        return new OutOfDate(when + names, expired ? "renew it (e.g. certbot renew) and reload ejabberd (ejabberdctl reload_config) or the"
            + " server that serves it" : clocks());
      }
      if (t instanceof java.security.cert.CertificateExpiredException) {
        return new OutOfDate("has expired", "renew it (e.g. certbot renew) and reload ejabberd (ejabberdctl reload_config) or the server that serves it");
      }
      if (t instanceof java.security.cert.CertificateNotYetValidException) {
        return new OutOfDate("is not yet valid", clocks());
      }
    }
    return null;
  }

  private static String clocks() {
    return "check the clocks (date -u, here and on the server); if both are right, the certificate was issued with a wrong start date: replace it";
  }

  /** A certificate's date as a day in UTC, 2021-01-01. */
  private static String day(java.util.Date date) {
    return date.toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
  }

  /** Whether the peer sent a TLS alert: it spoke TLS, whatever it refused. */
  private static boolean alerted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // JDK 25 puts the alert's name first: "(handshake_failure) Received fatal alert: handshake_failure"
      if (t instanceof SSLException && String.valueOf(t.getMessage()).contains("Received fatal alert")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A handshake refused for want of TLS parameters in common, in JSSE's words. ejabberd (fast_tls,
   * OpenSSL) refuses so on every listener by closing the connection without a TLS alert (TlsRefusedIT,
   * against the real server), so a hang-up in the handshake is worded the same, and says so.
   */
  private static StepFailure noTlsInCommon(String where, Throwable e, boolean hungUp) {
    String fix = "let that listener accept TLS 1.2 or 1.3 with AES-GCM and x25519 or P-256 (ejabberd's c2s_ciphers and c2s_protocol_options,"
        + " a listener's ciphers and protocol_options, or OpenSSL's own configuration)";
    // a reset carries no handshake exception: its own words then
    Throwable handshake = firstOf(e, SSLHandshakeException.class);
    String jsse = Cause.words(handshake != null ? handshake : e);
    if (!hungUp) {
      return StepFailure.crit(where + " refused the TLS handshake: no TLS version, cipher suite or key exchange group in common with"
          + " Java's TLS (" + jsse + ")", fix);
    }
    // fast_tls hangs up alike for a certificate it cannot load (no_certfile) and for nothing in common
    return StepFailure.crit(where + " refused the TLS handshake without a TLS alert: no usable certificate, or no TLS version, cipher suite"
        + " or key exchange group in common with Java's TLS (" + jsse + ")",
        "ejabberd's log says which (\"Failed to secure\", \"TLS failed\"): check certfiles (the files exist, ejabberd may read them, one"
            + " covers the name), else " + fix + "; a TLS proxy with no backend hangs up the same way, and so does a port that"
            + " speaks no TLS (an https URL on ejabberd's plain-http listener: check the port in put_url)");
  }

  /** A TCP connect that timed out: nothing accepted the connection (the JDK's "Connect timed out", OkHttp's "connect timed out"). */
  private static boolean connectTimedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).startsWith("connect timed out")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the peer hung up in the middle of the handshake without an alert: JSSE read the end of
   * the stream (or a reset) where a handshake message was due. Not a peer that answered in plain
   * text (JSSE's "unrecognized SSL message"): that one spoke, just not TLS.
   */
  private static boolean hungUp(Throwable e) {
    boolean handshake = false;
    boolean ended = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("unrecognized SSL message") || m.contains("plaintext") || m.contains("Received fatal alert")) {
        return false;
      }
      handshake |= t instanceof SSLHandshakeException;
      ended |= t instanceof java.io.EOFException || t instanceof java.net.SocketException || m.contains("terminated the handshake");
    }
    return handshake && ended;
  }

  /** A TCP RST, in the JDK's words ("Connection reset"; on a write "Connection reset by peer"). */
  private static boolean reset(Throwable e) {
    Throwable socket = firstOf(e, java.net.SocketException.class);
    return socket != null && String.valueOf(socket.getMessage()).startsWith("Connection reset");
  }

  /**
   * What Smack's own failures of the stream mean, in words, or null for any other failure. Its
   * messages name its classes and dump its stanza filters ("The connection XMPPTCPConnection[...]
   * is no longer connected while waiting for response with IQReplyFilter: ..."). {@code closedBy}
   * is what ended the stream, when the connection said (a stream error such as system-shutdown).
   */
  static String smack(Throwable e, long timeoutMillis, Throwable closedBy) {
    // a request cut off by a stream error carries it as its cause
    if (firstOf(e, XMPPException.StreamErrorException.class) instanceof XMPPException.StreamErrorException streamError) {
      return streamError(streamError);
    }
    if (closedBy instanceof XMPPException.StreamErrorException streamError
        && (causedBy(e, SmackException.NoResponseException.class) || causedBy(e, SmackException.NotConnectedException.class))) {
      return streamError(streamError); // Smack's login waits out its timeout after the stream ended
    }
    if (causedBy(e, SmackException.NoResponseException.class)) {
      return "no answer within " + dev.ejup.report.Seconds.of(java.time.Duration.ofMillis(timeoutMillis)) + " s";
    }
    if (causedBy(e, SmackException.NotConnectedException.class)) {
      return "the server closed the stream while ejup waited for the answer";
    }
    return null;
  }

  /** "the server ended the stream with system-shutdown: its text" (RFC 6120 section 4.9). */
  static String streamError(XMPPException.StreamErrorException e) {
    StreamError error = e.getStreamError();
    String text = error.getDescriptiveText();
    return "the server ended the stream with " + error.getCondition() + (text == null || text.isBlank() ? "" : ": " + Cause.words(new Exception(text)));
  }

  /** The first of e's causes (e included) of that type, or null when none is. */
  private static Throwable firstOf(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return t;
      }
    }
    return null;
  }

  static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    return firstOf(e, type) != null;
  }

  /**
   * A direct TLS handshake against a STARTTLS port gets XML back instead of a ServerHello; a
   * STARTTLS stream against a direct TLS port is dropped without a word. Both look like generic
   * faults unless the report says which way in the port expects.
   */
  static StepFailure wrongTlsMode(StepFailure failure, Throwable e, boolean directTls, boolean tlsUp, String where) {
    return wrongTlsMode(failure, e, directTls, tlsUp, where, new byte[0]);
  }

  /** As above, with the first bytes the server sent on a plain connection (none: an empty array). */
  static StepFailure wrongTlsMode(StepFailure failure, Throwable e, boolean directTls, boolean tlsUp, String where, byte[] first) {
    if (failure.kind != Kind.OTHER) {
      return failure; // refused, unresolved or a certificate: the port answered in the expected way, or not at all
    }
    String message = failure.getMessage();
    // a hang-up mid-handshake is worded by network above: the port took a ClientHello, so it is no
    // STARTTLS port (ejabberd and Prosody answer one with XML)
    if (hungUp(e)) {
      return failure;
    }
    // a direct TLS connection reset before its handshake went through: fast_tls without its
    // certificate resets so (NoCertificateIT), where with the whole ClientHello read it closes
    if (directTls && !tlsUp && reset(e)) {
      return noTlsInCommon(where, e, true);
    }
    // the port is right when TLS itself began: after STARTTLS's <proceed/>, or a TLS alert on a direct TLS port
    if (causedBy(e, SSLHandshakeException.class) && (!directTls || alerted(e))) {
      return noTlsInCommon(where, e, false);
    }
    if (tlsUp) {
      // STARTTLS got its <proceed/>, or the direct TLS handshake went through: the port is right
      // a reset keeps network's words: it may have come in the handshake, after STARTTLS's proceed
      if (!reset(e) && (causedBy(e, java.io.EOFException.class) || causedBy(e, java.net.SocketException.class) || xmlEndedEarly(e))) {
        return StepFailure.crit(where + " ended the connection after the TLS handshake, before login",
            "see ejabberd's log, or the TLS proxy in front of it (one with no backend closes like this)");
      }
      return failure;
    }
    if (directTls) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        // JSSE throws a plain SSLException for a peer that answers without TLS; only its words tell that case apart
        String m = String.valueOf(t.getMessage());
        if (t instanceof java.io.EOFException || m.contains("unrecognized SSL message") || m.contains("terminated the handshake")
            || m.contains("plaintext")) {
          return StepFailure.crit(where + " does not speak TLS from the first byte (a STARTTLS port?)",
              "drop --direct-tls, or connect to the direct TLS port (5223 by default; in ejabberd a c2s listener with tls: true)");
        }
      }
      return failure;
    }
    // a server that stalls (no answer) is not one that closed: only a stream that ended is diagnosed as TLS
    if (causedBy(e, java.io.EOFException.class) || causedBy(e, java.net.SocketException.class) || xmlEndedEarly(e)) {
      boolean tlsRecord = first.length >= 2 && (first[0] == 0x15 || first[0] == 0x16) && first[1] == 0x03;
      if (first.length > 0 && !tlsRecord && !startsXml(first)) {
        // it spoke, and not XMPP: an HTTP server, SSH, a mail server, anything but a c2s listener (it stays open or not)
        return StepFailure.crit(where + " answered with something that is not XMPP (first bytes: " + printable(first) + ")",
            "that port is not an XMPP client port: check the port (ejabberd_c2s listens on 5222 by default; ejup config validate"
                + " lists the listeners) and what else listens there");
      }
      // nothing, or a TLS record (an alert for the stream header): a direct TLS port, most likely
      String direct = "if it is a direct TLS port (5223, a listener with tls: true), add --direct-tls; else see ejabberd's log";
      if (tlsRecord) {
        return StepFailure.crit(where + " answered in TLS before the XMPP stream began (first bytes: " + printable(first) + "; a direct TLS port?)", direct);
      }
      return StepFailure.crit(where + " closed the connection before the XMPP stream began (a direct TLS port?)", direct);
    }
    return new StepFailure(failure.status, message,
        failure.hint + "; if " + where + " is a direct TLS port (5223, a listener with tls: true), add --direct-tls");
  }

  /** Whether bytes begin as XML does ('<', after any blanks or a UTF-8 byte order mark): a stream, however broken. */
  private static boolean startsXml(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '<') {
        return true;
      }
      boolean bom = i < 3 && (b & 0xff) == new int[] {0xef, 0xbb, 0xbf}[i];
      if (!(b == ' ' || b == '\t' || b == '\r' || b == '\n' || bom)) {
        return false;
      }
    }
    return false;
  }

  /**
   * Bytes a server sent, for one line: quoted, printable ASCII as it is, \r \n \t as such, any
   * other byte as \xNN; in hex when more than a quarter of them are not text; the first 40, then "…".
   */
  static String printable(byte[] all) {
    byte[] bytes = java.util.Arrays.copyOf(all, Math.min(all.length, 40));
    String more = all.length > bytes.length ? "…" : "";
    long binary = 0;
    for (byte b : bytes) {
      binary += (b & 0xff) >= 0x7f || ((b & 0xff) < 0x20 && b != '\r' && b != '\n' && b != '\t') ? 1 : 0;
    }
    if (binary * 4 > bytes.length) {
      // mostly binary: hex reads better than escapes
      StringBuilder hex = new StringBuilder();
      for (byte b : bytes) {
        hex.append(hex.length() > 0 ? " " : "").append(String.format(java.util.Locale.ROOT, "%02x", b & 0xff));
      }
      return hex + more;
    }
    StringBuilder text = new StringBuilder("\"");
    for (byte b : bytes) {
      int c = b & 0xff;
      switch (c) {
        case '\r' -> text.append("\\r");
        case '\n' -> text.append("\\n");
        case '\t' -> text.append("\\t");
        case '"', '\\' -> text.append('\\').append((char) c);
        default -> text.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format(java.util.Locale.ROOT, "\\x%02x", c));
      }
    }
    return text.append('"').append(more).toString();
  }

  /** The stream's XML ended or broke before it began: what a TLS listener makes of a plain stream header. */
  private static boolean xmlEndedEarly(Throwable e) {
    return causedBy(e, org.jivesoftware.smack.xml.XmlPullParserException.class) || causedBy(e, javax.xml.stream.XMLStreamException.class);
  }
}
