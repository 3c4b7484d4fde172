package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.StreamError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connect step against servers that speak some XMPP or TLS and then stop, in words, with the
 * right way in. Each case used to get Smack's own words ("No response received within reply
 * timeout. Timeout was 5000ms", "SSL/TLS required by client but not supported by server"), a
 * parser's ("Premature end of file") with "--debug" for a hint, JSSE's bare words, or the wrong
 * port:
 * <ul>
 *   <li>a hang-up in the TLS handshake, without an alert: ejabberd (fast_tls) refuses so when it
 *       has no TLS version, cipher suite or key exchange group in common with the client (TlsRefusedIT
 *       shows it on the real server), so that is what ejup says on every way in. On a direct TLS port
 *       it used to say "does not speak TLS from the first byte (a STARTTLS port?)";
 *   <li>a reset (it was "HOST:PORT: Connection reset", or after STARTTLS "a direct TLS port?");
 *   <li>a server that says nothing, one that offers no STARTTLS, one that hangs up right after the
 *       TLS handshake (STARTTLS or direct TLS).
 * </ul>
 * A peer that answers a ClientHello with XML is still a STARTTLS port. And Smack's failures of a
 * request in words, never its class or filter names; and a stream the server ends with a bare
 * {@code </stream:stream>} before, during or after the login, or before a probe's request, said at
 * once and as what it is.
 */
class XmppWordsTest {
  private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
      + "xmlns:stream='http://etherx.jabber.org/streams' id='words' from='localhost' version='1.0' xml:lang='en'>";
  private static final String STARTTLS = "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";
  private static final String NO_STARTTLS = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
      + "</mechanisms></stream:features>";

  @TempDir
  static Path dir;
  private static SSLContext serverTls;

  private enum Peer {
    /** accepts, reads, says nothing */
    SILENT,
    /** stream features without STARTTLS */
    NO_STARTTLS,
    /** STARTTLS, the TLS handshake, then a hang-up before the stream over TLS */
    STARTTLS_THEN_CLOSE,
    /** a direct TLS handshake, then a hang-up before the stream */
    DIRECT_THEN_CLOSE,
    /** reads the ClientHello's first bytes, then closes: no alert, no XML */
    DIRECT_HANG_UP,
    /** reads the ClientHello's first bytes, then resets the connection */
    DIRECT_RESET,
    /** a STARTTLS port: answers the ClientHello with a stream error, as ejabberd and Prosody do */
    DIRECT_XML,
    /** offers STARTTLS, says proceed, reads the ClientHello's first bytes, then closes */
    STARTTLS_HANG_UP,
    /** the same, then resets the connection */
    STARTTLS_RESET,
    /** STARTTLS, then the stream over TLS opened and ended at once with a bare </stream:stream>; the TCP connection stays open */
    TLS_STREAM_END,
    /** STARTTLS, the stream over TLS, SASL's first message answered with a bare </stream:stream>; the TCP connection stays open */
    SASL_STREAM_END,
    /** the same after a login (PLAIN) and resource binding: the first request after them is answered with </stream:stream> */
    SESSION_STREAM_END,
    /** answers the stream header with an HTTP error and keeps the connection open: an HTTP server on that port */
    HTTP_ANSWER,
    /** answers the stream header with binary bytes and keeps the connection open */
    BINARY_ANSWER,
    /** answers the stream header with a TLS alert record and keeps the connection open */
    TLS_RECORD_ANSWER;

    /** What the peer answers the stream header with, for the peers that answer with something that is not XMPP; else null. */
    byte[] garbage() {
      return switch (this) {
        case HTTP_ANSWER -> "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        case BINARY_ANSWER -> new byte[] {(byte) 0x8f, 0x00, 0x41, (byte) 0xff, 0x12, (byte) 0x99, 0x07, 0x0a};
        case TLS_RECORD_ANSWER -> new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32};
        default -> null;
      };
    }

    boolean direct() {
      return name().startsWith("DIRECT");
    }
  }

  @BeforeAll
  static void certificate() throws Exception {
    serverTls = dev.ejup.testing.SelfSignedTls.serverContext(dir);
  }

  @Test
  void aServerThatSaysNothingDidNotAnswerInTime() throws Exception {
    String said = check(Peer.SILENT, false);
    assertTrue(said.contains(" did not answer in time"), said);
    assertTrue(said.contains("add --direct-tls"), "a direct TLS port waits for a ClientHello just like this: " + said);
  }

  /**
   * A port that answers the stream header with something that is not XMPP, and keeps the
   * connection open, is named with what it sent; it was "closed the connection before the XMPP
   * stream began (a direct TLS port?)", which it had not. Only a TLS record keeps the direct TLS hint.
   */
  @Test
  void aPortThatAnswersWithSomethingElseIsNamedWithItsFirstBytes() throws Exception {
    String http = check(Peer.HTTP_ANSWER, false);
    assertTrue(http.contains(" answered with something that is not XMPP (first bytes: \"HTTP/1.1 400 Bad Request\\r\\n\\r\\n\")"), http);
    assertTrue(http.contains("hint: that port is not an XMPP client port"), http);
    String binary = check(Peer.BINARY_ANSWER, false);
    assertTrue(binary.contains(" answered with something that is not XMPP (first bytes: 8f 00 41 ff 12 99 07 0a)"), binary);
    for (String said : List.of(http, binary)) {
      assertFalse(said.contains("closed the connection") || said.contains("--direct-tls"), said);
    }
    String tls = check(Peer.TLS_RECORD_ANSWER, false);
    assertTrue(tls.contains(" answered in TLS before the XMPP stream began (first bytes: 15 03 03 00 02 02 32; a direct TLS port?)"), tls);
    assertTrue(tls.contains("add --direct-tls"), tls);
  }

  @Test
  void aListenerWithoutStartTlsIsNamedWithItsFix() throws Exception {
    String said = check(Peer.NO_STARTTLS, false);
    assertTrue(said.contains(" offers no STARTTLS"), said);
    assertTrue(said.contains("hint: let that ejabberd_c2s listener offer it (starttls_required: true"), said);
    assertFalse(said.contains("--direct-tls"), "it spoke XMPP: the port is right: " + said);
  }

  @Test
  void aHangUpAfterTheStartTlsHandshakeIsNoWrongPort() throws Exception {
    String said = check(Peer.STARTTLS_THEN_CLOSE, false);
    assertTrue(said.contains(" ended the connection after the TLS handshake, before login"), said);
    assertFalse(said.contains("--direct-tls") || said.contains("--debug"), said);
  }

  @Test
  void aHangUpAfterTheDirectTlsHandshakeIsNoStartTlsPort() throws Exception {
    String said = check(Peer.DIRECT_THEN_CLOSE, true);
    assertTrue(said.contains(" ended the connection after the TLS handshake, before login"), said);
    assertFalse(said.contains("does not speak TLS") || said.contains("--debug"), said);
  }

  @Test
  void aDirectTlsPortThatHangsUpMidHandshakeIsNotCalledAStartTlsPort() throws Exception {
    String said = check(Peer.DIRECT_HANG_UP, true);
    assertTrue(said.contains(" refused the TLS handshake without a TLS alert: no usable certificate, or no TLS version, cipher suite or key"
        + " exchange group in common with Java's TLS"), said);
    assertTrue(said.contains("hint: ejabberd's log says which"), said);
    // it took a ClientHello: no STARTTLS port (those answer one with XML, below)
    assertFalse(said.contains("does not speak TLS") || said.contains("--direct-tls"), said);
  }

  @Test
  void aHangUpAfterStartTlsIsWordedAsEjabberdMeansIt() throws Exception {
    String said = check(Peer.STARTTLS_HANG_UP, false);
    assertTrue(said.contains(" refused the TLS handshake without a TLS alert: no usable certificate, or no TLS version, cipher suite or key"
        + " exchange group in common with Java's TLS"), said);
    assertTrue(said.contains("hint: ejabberd's log says which"), said);
    assertFalse(said.contains("direct TLS") || said.contains("--direct-tls"), said);
  }

  @Test
  void aStartTlsPortAskedForDirectTlsIsStillNamedAsOne() throws Exception {
    String said = check(Peer.DIRECT_XML, true);
    assertTrue(said.contains("does not speak TLS from the first byte (a STARTTLS port?)"), said);
  }

  /** ejabberd without its certificate resets a direct TLS handshake (NoCertificateIT): a hang-up in the handshake all the same. */
  @Test
  void aResetInTheDirectTlsHandshakeIsAHangUp() throws Exception {
    String said = check(Peer.DIRECT_RESET, true);
    assertTrue(said.contains(" refused the TLS handshake without a TLS alert: no usable certificate"), said);
    assertFalse(said.contains("does not speak TLS") || said.contains("--direct-tls"), said);
  }

  @Test
  void aResetAfterStartTlsIsNotCalledADirectTlsPort() throws Exception {
    String said = check(Peer.STARTTLS_RESET, false);
    assertTrue(said.contains(" reset the connection"), said);
    assertFalse(said.contains("direct TLS") || said.contains("--direct-tls"), "STARTTLS got its proceed, the port is right: " + said);
  }

  /** The same words for the upload's own HTTPS (PUT, GET, a cluster node's URL): Diagnose is one, fed JSSE's real exception. */
  @Test
  void anHttpsHangUpIsNamedTheSameWay() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        try (Socket s = listener.accept()) {
          serve(s, Peer.DIRECT_HANG_UP);
        } catch (IOException e) {
          // the client went first
        }
      }, "silent-https");
      server.setDaemon(true);
      server.start();
      Exception failure = null;
      try (SSLSocket tls = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
        tls.setSoTimeout(20_000);
        tls.startHandshake();
      } catch (IOException e) {
        failure = e;
      }
      assertTrue(failure != null, "the handshake went through");
      StepFailure said = Diagnose.network(failure, "the PUT URL", "the upload server");
      assertTrue(said.getMessage().startsWith("the PUT URL refused the TLS handshake without a TLS alert: no usable certificate, or no TLS"
          + " version, cipher suite or key exchange group in common with Java's TLS ("), said.getMessage());
      assertTrue(said.hint.contains("a TLS proxy with no backend"), said.hint);
    }
  }

  /** Smack's failures of a request, made as Smack makes them: words without its class or filter names. */
  @Test
  void smacksFailuresOfARequestInWords() {
    var noAnswer = SmackException.NoResponseException.newWith(5000, new StanzaIdFilter("abc"), false);
    assertTrue(noAnswer.getMessage().contains("StanzaIdFilter") || noAnswer.getMessage().contains("5000ms"), "what Smack says: " + noAnswer.getMessage());
    assertEquals("no answer within 5 s", Diagnose.smack(noAnswer, 5000, null));
    assertEquals("no answer within 2.5 s", Diagnose.smack(noAnswer, 2500, null));

    var closed = new SmackException.NotConnectedException("The connection XMPPTCPConnection[hc@localhost/x] (0) is no longer connected while"
        + " waiting for response with IQReplyFilter: iqAndIdFilter (AndFilter: (OrFilter: (IQTypeFilter: type=error, IQTypeFilter: type=result)))");
    assertEquals("the server closed the stream while ejup waited for the answer", Diagnose.smack(closed, 5000, null));
    var shutdown = new XMPPException.StreamErrorException(new StreamError(StreamError.Condition.system_shutdown, null, null, List.of()));
    assertEquals("the server ended the stream with system-shutdown", Diagnose.smack(closed, 5000, shutdown));
    assertEquals("the server ended the stream with system-shutdown", Diagnose.smack(shutdown, 5000, null));
    // as Smack cuts off a request when a stream error ends the stream: the error is its cause
    var cutOff = new SmackException.NotConnectedException(null, new StanzaIdFilter("abc"), shutdown);
    assertEquals("the server ended the stream with system-shutdown", Diagnose.smack(cutOff, 5000, null));
    var withText = new XMPPException.StreamErrorException(new StreamError(StreamError.Condition.policy_violation, null,
        Map.of("en", "too many logins"), List.of()));
    assertEquals("the server ended the stream with policy-violation: too many logins", Diagnose.smack(withText, 5000, null));
    assertEquals(null, Diagnose.smack(new IOException("other"), 5000, null), "anything else is Cause's");
    // Smack's login waits out its timeout after a stream error (mod_fail2ban's policy-violation) ended the stream
    assertEquals("the server ended the stream with policy-violation: too many logins", Diagnose.smack(noAnswer, 5000, withText));
  }

  /** JDK 25 puts the alert's name before JSSE's words; an alert on a direct TLS port is a refusal on every JDK. */
  @Test
  void anAlertIsARefusalInEveryJdksWords() {
    for (String jsse : List.of("Received fatal alert: handshake_failure", "(handshake_failure) Received fatal alert: handshake_failure")) {
      var alert = new javax.net.ssl.SSLHandshakeException(jsse);
      StepFailure said = Diagnose.wrongTlsMode(Diagnose.network(alert, "x.test:5223", "ejabberd"), alert, true, false, "x.test:5223");
      assertTrue(said.getMessage().startsWith("x.test:5223 refused the TLS handshake: no TLS version, cipher suite or key exchange group"),
          jsse + ": " + said.getMessage());
    }
  }

  /**
   * A server that ends the stream in the middle of SASL without a stream error, and keeps the TCP
   * connection open (RFC 6120 section 4.4 lets either side close a stream so). Smack ends the
   * connection in answer, but its login went on waiting for SASL's answer until the step timed
   * out, and the report said the server did not answer.
   */
  @Test
  void aStreamEndedDuringTheLoginIsSaidAtOnce() throws Exception {
    String said = checkAtOnce(Peer.SASL_STREAM_END, "login");
    assertTrue(said.contains("login at 127.0.0.1:") && said.contains(": the server closed the stream during the login"), said);
    assertFalse(said.contains("did not answer"), said);
  }

  /** The same before the login: the connect step names it, with no hint about the other way in (the port spoke XMPP). */
  @Test
  void aStreamEndedBeforeTheLoginIsSaidAtOnce() throws Exception {
    String said = checkAtOnce(Peer.TLS_STREAM_END, "connect");
    assertTrue(said.contains(": the server closed the stream before the login"), said);
    assertTrue(said.contains("hint: see ejabberd's log"), said);
    assertFalse(said.contains("--direct-tls") || said.contains("--debug"), said);
  }

  /** The same after the login: a request waits for its answer, not for the step timeout. */
  @Test
  void aStreamEndedAfterTheLoginIsSaidAtOnce() throws Exception {
    String said = checkAtOnce(Peer.SESSION_STREAM_END, "disco-items");
    assertTrue(said.contains("disco#items on localhost: the server closed the stream while ejup waited for the answer"), said);
    assertTrue(said.contains("hint: the server ended this session: its log says why"), "ejabberd answered, by ending the session: " + said);
    assertFalse(said.contains("did not answer") || said.contains("no answer"), said);
  }

  /**
   * A check against a peer that ends its stream at STEP, with a 10 s step timeout: what it said,
   * asserted to have come with the stream's end (within 6 s), not with the timeout.
   */
  private static String checkAtOnce(Peer peer, String step) throws Exception {
    long start = System.nanoTime();
    String said = check(peer, false, step, "10");
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMillis < 6_000, tookMillis + " ms: " + said);
    return said;
  }

  /**
   * The server ends the stream during the PUT, after the upload's slot was granted: the oversize
   * probe's slot request is never sent. It used to say the slot "was not refused as XEP-0363
   * says" and that ejup "waited for the answer"; it names the ended session now.
   */
  @Test
  void aStreamEndedBeforeAProbesRequestIsNotCalledAnAnswer() throws Exception {
    try (ServerSocket xmppListener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket httpsListener = serverTls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      java.util.concurrent.atomic.AtomicReference<OutputStream> xmppOut = new java.util.concurrent.atomic.AtomicReference<>();
      String putUrl = "https://localhost:" + httpsListener.getLocalPort() + "/upload/a/file.bin";
      Thread xmpp = new Thread(() -> {
        try (Socket s = xmppListener.accept()) {
          uploadService(s, putUrl, xmppOut);
        } catch (IOException e) {
          // the client hung up
        }
      }, "words-xmpp");
      Thread https = new Thread(() -> {
        while (!httpsListener.isClosed()) {
          try {
            Socket s = httpsListener.accept();
            Thread one = new Thread(() -> docroot(s, xmppOut), "words-https");
            one.setDaemon(true);
            one.start();
          } catch (IOException e) {
            return;
          }
        }
      }, "words-https-accept");
      for (Thread t : new Thread[] {xmpp, https}) {
        t.setDaemon(true);
        t.start();
      }
      String[] args = {"check", "--jid", "monitor@localhost", "--server", "127.0.0.1:" + xmppListener.getLocalPort(), "--step-timeout", "10",
          "--deadline", "30", "--insecure"};
      Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", "secret"), args);
      String said = r.out() + r.err();
      System.out.println("UPLOAD_THEN_END: " + said);
      assertTrue(said.contains("bytes identical to the PUT"), "the upload itself went through:\n" + said);
      assertTrue(said.contains("probe-too-large") && said.contains("the server had closed the stream before the slot request to upload.localhost"), said);
      assertTrue(said.contains("hint: the server ended this session: its log says why"), said);
      assertFalse(said.contains("was not refused") || said.contains("waited for the answer"), "nothing was asked: " + said);
      assertEquals(2, r.exitCode(), said);
    }
  }

  /**
   * The server's side of a stream that requires STARTTLS, up to its {@code <proceed/>}, then TLS
   * over s with context's certificate (the handshake comes with the first read or write).
   */
  static SSLSocket startTls(Socket s, SSLContext context) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream plain = s.getOutputStream();
    readUntil(in, ">");
    plain.write((HEADER + STARTTLS).getBytes(StandardCharsets.UTF_8));
    plain.flush();
    readUntil(in, "starttls");
    readUntil(in, ">");
    plain.write("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>".getBytes(StandardCharsets.UTF_8));
    plain.flush();
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(s, null, s.getPort(), false);
    tls.setUseClientMode(false);
    return tls;
  }

  /** An upload service on the stream over TLS: PLAIN login, binding, disco, one slot for putUrl; the stream's output left in out for the docroot to end it. */
  private static void uploadService(Socket s, String putUrl, java.util.concurrent.atomic.AtomicReference<OutputStream> shared) throws IOException {
    SSLSocket tls = startTls(s, serverTls);
    InputStream in = tls.getInputStream();
    OutputStream out = tls.getOutputStream();
    shared.set(out);
    readUntil(in, ">");
    send(out, HEADER + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>");
    readUntil(in, "</auth>");
    send(out, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    readUntil(in, "<stream:stream");
    readUntil(in, ">");
    send(out, HEADER + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
    java.util.regex.Pattern id = java.util.regex.Pattern.compile("id=['\"]([^'\"]+)['\"]");
    while (true) {
      String iq = readUntil(in, "</iq>");
      java.util.regex.Matcher m = id.matcher(iq.substring(iq.lastIndexOf("<iq")));
      if (!m.find()) {
        return;
      }
      String answer;
      if (iq.contains("urn:ietf:params:xml:ns:xmpp-bind")) {
        answer = "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>monitor@localhost/r</jid></bind>";
      } else if (iq.contains("disco#items")) {
        answer = "<query xmlns='http://jabber.org/protocol/disco#items'><item jid='upload.localhost'/></query>";
      } else if (iq.contains("disco#info") && iq.contains("upload.localhost")) {
        answer = "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='store' type='file' name='HTTP File Upload'/>"
            + "<feature var='urn:xmpp:http:upload:0'/><x type='result' xmlns='jabber:x:data'><field var='FORM_TYPE' type='hidden'>"
            + "<value>urn:xmpp:http:upload:0</value></field><field var='max-file-size'><value>1048576</value></field></x></query>";
      } else if (iq.contains("disco#info")) {
        answer = "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='server' type='im'/></query>";
      } else if (iq.contains("<request")) {
        answer = "<slot xmlns='urn:xmpp:http:upload:0'><put url='" + putUrl + "'/><get url='" + putUrl + "'/></slot>";
      } else {
        answer = "";
      }
      // Smack takes a reply only from where the request went
      java.util.regex.Matcher to = java.util.regex.Pattern.compile(" to=['\"]([^'\"]+)['\"]").matcher(iq.substring(iq.lastIndexOf("<iq")));
      send(out, "<iq type='result' id='" + m.group(1) + "'" + (to.find() ? " from='" + to.group(1) + "'" : "") + ">" + answer + "</iq>");
    }
  }

  private static void send(OutputStream out, String xml) throws IOException {
    synchronized (out) {
      out.write(xml.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  /**
   * A docroot over HTTPS, one connection's requests in turn: the first PUT of a path is stored
   * (201), after the XMPP stream was ended (</stream:stream>, the TCP connection left open); a PUT
   * again is 403, a GET of a stored path 200 with its bytes, anything else 404.
   */
  private static final Map<String, byte[]> STORED = new java.util.concurrent.ConcurrentHashMap<>();

  private static void docroot(Socket s, java.util.concurrent.atomic.AtomicReference<OutputStream> xmppOut) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        String head = readUntil(in, "\r\n\r\n");
        String[] line = head.substring(0, head.indexOf("\r\n")).split(" ");
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        byte[] body = in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
        String status;
        byte[] reply = new byte[0];
        if (line[0].equals("PUT") && STORED.putIfAbsent(line[1], body) == null) {
          send(xmppOut.get(), "</stream:stream>");
          Thread.sleep(500); // the client's reader ends the stream before the PUT is answered
          status = "201 Created";
        } else if (line[0].equals("PUT")) {
          status = "403 Forbidden";
        } else if (line[0].equals("GET") && STORED.containsKey(line[1])) {
          status = "200 OK";
          reply = STORED.get(line[1]);
        } else {
          status = "404 Not Found";
        }
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: " + reply.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(reply);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the client hung up
    }
  }

  /** A check against a peer on a free loopback port; the whole report and hint, its connect step CRITICAL and free of Smack's words. */
  private static String check(Peer peer, boolean directTls) throws Exception {
    return check(peer, directTls, "connect", "2");
  }

  /** The same, with the step expected CRITICAL and the step timeout in seconds. */
  private static String check(Peer peer, boolean directTls, String step, String stepTimeout) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        while (true) {
          try (Socket s = listener.accept()) {
            serve(s, peer);
          } catch (IOException e) {
            if (listener.isClosed()) {
              return;
            }
          }
        }
      }, "words-peer");
      server.setDaemon(true);
      server.start();
      String[] args = {"check", "--jid", "monitor@localhost", "--server", "127.0.0.1:" + listener.getLocalPort(), "--step-timeout", stepTimeout,
          "--deadline", "20", "--insecure", "--no-probes", directTls ? "--direct-tls" : "--no-probes"};
      Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", "secret"), args);
      String said = r.out() + r.err();
      assertEquals(2, r.exitCode(), said);
      assertTrue(said.lines().anyMatch(l -> l.matches("\\s+CRITICAL\\s+[0-9.]+s\\s+" + step + "\\s.*")), "no critical " + step + " step:\n" + said);
      for (String smack : List.of("Exception", "\tat ", "XMPPTCPConnection", "Filter", "No response received", "Timeout was",
          "required by client", "Premature end of file")) {
        assertFalse(said.contains(smack), "'" + smack + "' in: " + said);
      }
      System.out.println(peer + ": " + said);
      return said;
    }
  }

  private static void serve(Socket s, Peer peer) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    if (peer == Peer.DIRECT_THEN_CLOSE) {
      handshake(s);
      return;
    }
    if (!peer.direct()) {
      readUntil(in, ">");
      if (peer.garbage() != null) {
        out.write(peer.garbage());
        out.flush();
        hold(in);
        return;
      }
      if (peer == Peer.SILENT) {
        in.transferTo(OutputStream.nullOutputStream()); // until the client gives up
        return;
      }
      out.write((HEADER + (peer == Peer.NO_STARTTLS ? NO_STARTTLS : STARTTLS)).getBytes(StandardCharsets.UTF_8));
      out.flush();
      if (peer == Peer.NO_STARTTLS) {
        in.transferTo(OutputStream.nullOutputStream());
        return;
      }
      readUntil(in, "starttls");
      readUntil(in, ">");
      out.write("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>".getBytes(StandardCharsets.UTF_8));
      out.flush();
      if (peer == Peer.STARTTLS_THEN_CLOSE) {
        handshake(s);
        return;
      }
      if (peer == Peer.TLS_STREAM_END || peer == Peer.SASL_STREAM_END || peer == Peer.SESSION_STREAM_END) {
        endStream(s, peer);
        return;
      }
    }
    // the ClientHello's record header: TLS has begun
    byte[] record = in.readNBytes(5);
    if (record.length < 5 || record[0] != 22) {
      return;
    }
    if (peer == Peer.DIRECT_RESET || peer == Peer.STARTTLS_RESET) {
      s.setSoLinger(true, 0);
    }
    if (peer == Peer.DIRECT_XML) {
      out.write((HEADER + "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>")
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  /** The server's side of a TLS handshake on s; the connection then closes. */
  private static void handshake(Socket s) throws IOException {
    SSLSocket tls = (SSLSocket) serverTls.getSocketFactory().createSocket(s, null, s.getPort(), false);
    tls.setUseClientMode(false);
    tls.startHandshake();
    tls.close();
  }

  /**
   * The server's side of TLS and of the stream over it, until the client's first SASL message
   * (SASL_STREAM_END) or its first request after login and binding (SESSION_STREAM_END): then
   * </stream:stream>, and the TCP connection held.
   */
  private static void endStream(Socket s, Peer peer) throws IOException {
    SSLSocket tls = (SSLSocket) serverTls.getSocketFactory().createSocket(s, null, s.getPort(), false);
    tls.setUseClientMode(false);
    InputStream in = tls.getInputStream();
    OutputStream out = tls.getOutputStream();
    readUntil(in, ">");
    if (peer == Peer.TLS_STREAM_END) {
      out.write((HEADER + "</stream:stream>").getBytes(StandardCharsets.UTF_8));
      out.flush();
      hold(in);
      return;
    }
    String mechanisms = peer == Peer.SASL_STREAM_END ? "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism>" : "<mechanism>PLAIN</mechanism>";
    out.write((HEADER + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + mechanisms
        + "</mechanisms></stream:features>").getBytes(StandardCharsets.UTF_8));
    out.flush();
    readUntil(in, "</auth>");
    if (peer == Peer.SESSION_STREAM_END) {
      out.write("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>".getBytes(StandardCharsets.UTF_8));
      out.flush();
      readUntil(in, "<stream:stream");
      readUntil(in, ">");
      out.write((HEADER + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String bind = readUntil(in, "</iq>");
      java.util.regex.Matcher id = java.util.regex.Pattern.compile("id=['\"]([^'\"]+)['\"]").matcher(bind);
      if (!id.find()) {
        return;
      }
      out.write(("<iq type='result' id='" + id.group(1) + "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>monitor@localhost/r</jid></bind></iq>")
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
      readUntil(in, "</iq>");
    }
    out.write("</stream:stream>".getBytes(StandardCharsets.UTF_8));
    out.flush();
    hold(in);
  }

  /** Keeps the connection open until the client hangs up. */
  private static void hold(InputStream in) {
    try {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the client's TLS close or reset: it has hung up
    }
  }

  /** What the client sent up to and with mark. */
  private static String readUntil(InputStream in, String mark) throws IOException {
    StringBuilder seen = new StringBuilder();
    for (int c; (c = in.read()) >= 0; ) {
      seen.append((char) c);
      if (seen.indexOf(mark) >= 0) {
        return seen.toString();
      }
    }
    throw new IOException("the client hung up");
  }
}
