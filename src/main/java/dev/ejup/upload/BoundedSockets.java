package dev.ejup.upload;

import dev.ejup.upload.tuning.KeyShares;
import dev.ejup.upload.tuning.NoDelaySockets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The sockets of an XMPP connection with STARTTLS, each reading through {@link BoundedXmlStream}:
 * the plain socket until TLS starts, then the TLS socket that Smack layers on it (Smack makes that
 * one with the {@link SSLContext} of its configuration, hence {@link #tlsContext}). The bound is on
 * the XML, so it must sit above TLS: counted below it, it would count ciphertext. The same layering
 * gives OkHttp's TLS sockets their one key share ({@link #oneShare}).
 */
final class BoundedSockets extends UnconnectedSockets {
  private final AtomicReference<BoundedXmlStream.Exceeded> tripped;

  /** @param tripped set to what went over the bound, when something does */
  BoundedSockets(AtomicReference<BoundedXmlStream.Exceeded> tripped) {
    super(0); // Smack connects with its own timeout
    this.tripped = tripped;
  }

  /** The last socket made: whether its STARTTLS began tells a hang-up in TLS from a port that never spoke XMPP. */
  private volatile Plain last;

  @Override
  public Socket createSocket() throws IOException {
    Plain made = new Plain(tripped);
    last = made;
    return made;
  }

  /** Whether the last connection got as far as STARTTLS's {@code <proceed/>}: TLS was layered on it. */
  boolean tlsBegan() {
    Plain made = last;
    return made != null && made.underTls;
  }

  /** The first bytes the server sent on the last connection before any TLS (none: an empty array). */
  byte[] firstBytes() {
    Plain made = last;
    BoundedXmlStream read = made == null ? null : made.bounded;
    return read == null ? new byte[0] : read.head();
  }

  /**
   * A TLS context like {@code tls} (not yet initialised: Smack initialises it with ejup's trust
   * manager) whose sockets layered on a {@link Plain} one read through the bound.
   */
  static SSLContext tlsContext(SSLContext tls) {
    return new SSLContext(new LayeringSpi(tls), tls.getProvider(), tls.getProtocol()) {};
  }

  /** TLS sockets of tls layered with one key share ({@link KeyShares}), for OkHttp. */
  static SSLSocketFactory oneShare(SSLSocketFactory tls) {
    return new Layering(tls);
  }

  /** TCP with TCP_NODELAY (see {@link NoDelaySockets}), bounded until TLS takes over its bytes. */
  private static final class Plain extends Socket {
    private final AtomicReference<BoundedXmlStream.Exceeded> tripped;
    private volatile BoundedXmlStream bounded;
    private volatile boolean underTls;

    Plain(AtomicReference<BoundedXmlStream.Exceeded> tripped) throws SocketException {
      this.tripped = tripped;
      setTcpNoDelay(true);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      dev.ejup.upload.tuning.Timeline.mark("tcp connect");
      super.connect(endpoint, timeout);
      dev.ejup.upload.tuning.Timeline.mark("tcp connected");
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (underTls) {
        return super.getInputStream();
      }
      if (bounded == null) {
        bounded = new BoundedXmlStream(super.getInputStream(), tripped);
      }
      return bounded;
    }
  }

  private static final class LayeringSpi extends SSLContextSpi {
    private final SSLContext tls;

    LayeringSpi(SSLContext tls) {
      this.tls = tls;
    }

    @Override
    protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) throws KeyManagementException {
      tls.init(keys, trust, random);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new Layering(tls.getSocketFactory());
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return tls.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return tls.createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return tls.createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return tls.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return tls.getClientSessionContext();
    }
  }

  /**
   * Layers TLS, with one key share ({@link KeyShares}), on a socket: on Smack's plain socket
   * (STARTTLS) bounding what is read above it, on any other (OkHttp's) as it is.
   */
  private static final class Layering extends LayeringSocketFactory {
    Layering(SSLSocketFactory tls) {
      super(tls);
    }

    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
      if (!(plain instanceof Plain bounded)) {
        return KeyShares.limit((SSLSocket) tls.createSocket(plain, host, port, autoClose), host);
      }
      // before the TLS socket takes the plain one's streams: from here on its bytes are ciphertext, counted above TLS instead
      bounded.underTls = true;
      return new Bounded(KeyShares.limit((SSLSocket) tls.createSocket(plain, host, port, autoClose), host), bounded.tripped);
    }
  }

  /** A TLS socket whose application data is read through the bound; everything else is the JDK's. */
  private static final class Bounded extends ForwardingSslSocket {
    private final SSLSocket tls;
    private final AtomicReference<BoundedXmlStream.Exceeded> tripped;
    private BoundedXmlStream bounded;

    Bounded(SSLSocket tls, AtomicReference<BoundedXmlStream.Exceeded> tripped) {
      this.tls = tls;
      this.tripped = tripped;
    }

    @Override
    protected SSLSocket tls() {
      return tls;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (bounded == null) {
        bounded = new BoundedXmlStream(tls.getInputStream(), tripped);
      }
      return bounded;
    }
  }
}
