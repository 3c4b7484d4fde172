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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A peer that hangs up in the middle of the TLS handshake without a TLS alert. ejabberd does that
 * when it has no TLS version, cipher suite or key exchange group in common with the client
 * (TlsRefusedIT shows it on the real server), so that is what ejup says, on every way in: after
 * STARTTLS it always did; on a direct TLS port it used to say "does not speak TLS from the first
 * byte (a STARTTLS port?)", and on the upload's HTTPS it gave JSSE's bare words. A reset is named
 * as one (it was "HOST:PORT: Connection reset", or after STARTTLS "a direct TLS port?"). A peer
 * that answers a ClientHello with XML is still a STARTTLS port.
 */
class SilentTlsCloseTest {
  private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
      + "xmlns:stream='http://etherx.jabber.org/streams' id='silent' from='localhost' version='1.0' xml:lang='en'>";
  private static final String STARTTLS = "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";

  /** What the server does with each connection. */
  private enum Peer {
    /** reads the ClientHello's first bytes, then closes: no alert, no XML */
    DIRECT_HANG_UP,
    /** reads the ClientHello's first bytes, then resets the connection */
    DIRECT_RESET,
    /** a STARTTLS port: answers the ClientHello with a stream error, as ejabberd and Prosody do */
    DIRECT_XML,
    /** offers STARTTLS, says proceed, reads the ClientHello's first bytes, then closes */
    STARTTLS_HANG_UP,
    /** the same, then resets the connection */
    STARTTLS_RESET
  }

  @Test
  void aDirectTlsPortThatHangsUpMidHandshakeIsNotCalledAStartTlsPort() throws Exception {
    String connect = connect(Peer.DIRECT_HANG_UP, true);
    assertTrue(connect.contains(" refused the TLS handshake: no TLS version, cipher suite or key exchange group in common with Java's TLS"), connect);
    assertTrue(connect.contains("it closed the connection without a TLS alert"), connect);
    assertTrue(connect.contains("; if 127.0.0.1:"), "the other way in stays a possibility: " + connect);
    assertTrue(connect.contains(" is a STARTTLS port (5222), drop --direct-tls"), connect);
    assertFalse(connect.contains("does not speak TLS"), connect);
  }

  @Test
  void aResetIsNamedAsOne() throws Exception {
    String connect = connect(Peer.DIRECT_RESET, true);
    assertTrue(connect.contains("127.0.0.1:" + connect.replaceAll("(?s).*127\\.0\\.0\\.1:([0-9]+).*", "$1") + " reset the connection"), connect);
    assertTrue(connect.contains("hint: something at that address cut it off: see ejabberd's log"), connect);
  }

  @Test
  void aResetAfterStartTlsIsNotCalledADirectTlsPort() throws Exception {
    String connect = connect(Peer.STARTTLS_RESET, false);
    assertTrue(connect.contains(" reset the connection"), connect);
    assertFalse(connect.contains("direct TLS") || connect.contains("--direct-tls"), "STARTTLS got its proceed, the port is right: " + connect);
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
      try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) javax.net.ssl.SSLContext.getDefault().getSocketFactory()
          .createSocket("127.0.0.1", listener.getLocalPort())) {
        tls.setSoTimeout(20_000);
        tls.startHandshake();
      } catch (IOException e) {
        failure = e;
      }
      assertTrue(failure != null, "the handshake went through");
      StepFailure said = Diagnose.network(failure, "the PUT URL", "the upload server");
      assertTrue(said.getMessage().startsWith("the PUT URL refused the TLS handshake: no TLS version, cipher suite or key exchange group in common"
          + " with Java's TLS ("), said.getMessage());
      assertTrue(said.getMessage().endsWith(": it closed the connection without a TLS alert)"), said.getMessage());
      assertTrue(said.hint.contains("a TLS proxy with no backend"), said.hint);
    }
  }

  @Test
  void aStartTlsPortAskedForDirectTlsIsStillNamedAsOne() throws Exception {
    String connect = connect(Peer.DIRECT_XML, true);
    assertTrue(connect.contains("does not speak TLS from the first byte (a STARTTLS port?)"), connect);
  }

  @Test
  void aHangUpAfterStartTlsIsWordedAsEjabberdMeansIt() throws Exception {
    String connect = connect(Peer.STARTTLS_HANG_UP, false);
    assertTrue(connect.contains(" refused the TLS handshake: no TLS version, cipher suite or key exchange group in common with Java's TLS"), connect);
    assertTrue(connect.contains("it closed the connection without a TLS alert"), connect);
    assertFalse(connect.contains("direct TLS") || connect.contains("--direct-tls"), connect);
  }

  /** Runs a check against a server that does what peer says with every connection; returns the whole report, its connect step CRITICAL. */
  private static String connect(Peer peer, boolean directTls) throws Exception {
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        while (true) {
          try (Socket s = listener.accept()) {
            connections.incrementAndGet();
            serve(s, peer);
          } catch (IOException e) {
            if (listener.isClosed()) {
              return;
            }
          }
        }
      }, "silent-tls");
      server.setDaemon(true);
      server.start();
      String[] args = {"check", "--jid", "monitor@localhost", "--server", "127.0.0.1:" + listener.getLocalPort(), "--deadline", "20",
          "--no-probes", "--insecure", directTls ? "--direct-tls" : "--no-probes"};
      Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", "secret"), args);
      String said = r.out() + r.err();
      assertEquals(2, r.exitCode(), said);
      String connect = said.lines().filter(l -> l.matches("\\s+CRITICAL\\s+[0-9.]+s\\s+connect\\s.*")).findFirst()
          .orElseThrow(() -> new AssertionError("no critical connect step:\n" + said));
      assertFalse(said.contains("Exception") || said.contains("\tat "), said);
      System.out.println(peer + " (" + connections.get() + " connections): " + said);
      return said;
    }
  }

  private static void serve(Socket s, Peer peer) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    if (peer == Peer.STARTTLS_HANG_UP || peer == Peer.STARTTLS_RESET) {
      readUntil(in, ">");
      out.write((HEADER + STARTTLS).getBytes(StandardCharsets.UTF_8));
      out.flush();
      readUntil(in, "starttls");
      readUntil(in, ">");
      out.write("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>".getBytes(StandardCharsets.UTF_8));
      out.flush();
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

  private static void readUntil(InputStream in, String mark) throws IOException {
    StringBuilder seen = new StringBuilder();
    for (int c; (c = in.read()) >= 0; ) {
      seen.append((char) c);
      if (seen.indexOf(mark) >= 0) {
        return;
      }
    }
    throw new IOException("the client hung up");
  }
}
