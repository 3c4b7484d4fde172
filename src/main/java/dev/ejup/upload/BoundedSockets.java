package dev.ejup.upload;

import dev.ejup.upload.tuning.KeyShares;
import dev.ejup.upload.tuning.NoDelaySockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.function.BiFunction;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
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

  @Override
  public Socket createSocket() throws IOException {
    return new Plain(tripped);
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
    private BoundedXmlStream bounded;
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
  private static final class Layering extends SSLSocketFactory {
    private final SSLSocketFactory tls;

    Layering(SSLSocketFactory tls) {
      this.tls = tls;
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

    @Override
    public String[] getDefaultCipherSuites() {
      return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return tls.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return tls.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return tls.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return tls.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return tls.createSocket(address, port, localAddress, localPort);
    }
  }

  /** A TLS socket whose application data is read through the bound; everything else is the JDK's. */
  private static final class Bounded extends SSLSocket {
    private final SSLSocket tls;
    private final AtomicReference<BoundedXmlStream.Exceeded> tripped;
    private BoundedXmlStream bounded;

    Bounded(SSLSocket tls, AtomicReference<BoundedXmlStream.Exceeded> tripped) {
      this.tls = tls;
      this.tripped = tripped;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (bounded == null) {
        bounded = new BoundedXmlStream(tls.getInputStream(), tripped);
      }
      return bounded;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return tls.getOutputStream();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return tls.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return tls.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
      tls.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
      return tls.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
      return tls.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
      tls.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
      return tls.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
      return tls.getHandshakeSession();
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
      tls.addHandshakeCompletedListener(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
      tls.removeHandshakeCompletedListener(listener);
    }

    @Override
    public void startHandshake() throws IOException {
      tls.startHandshake();
    }

    @Override
    public void setUseClientMode(boolean mode) {
      tls.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
      return tls.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
      tls.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
      return tls.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
      tls.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
      return tls.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
      tls.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
      return tls.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
      return tls.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
      tls.setSSLParameters(parameters);
    }

    @Override
    public String getApplicationProtocol() {
      return tls.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
      return tls.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
      tls.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() {
      return tls.getHandshakeApplicationProtocolSelector();
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      tls.connect(endpoint, timeout);
    }

    @Override
    public synchronized void close() throws IOException {
      tls.close();
    }

    @Override
    public void shutdownInput() throws IOException {
      tls.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
      tls.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
      return tls.isConnected();
    }

    @Override
    public boolean isBound() {
      return tls.isBound();
    }

    @Override
    public boolean isClosed() {
      return tls.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
      return tls.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
      return tls.isOutputShutdown();
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
      tls.setSoTimeout(timeout);
    }

    @Override
    public synchronized int getSoTimeout() throws SocketException {
      return tls.getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
      tls.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
      return tls.getTcpNoDelay();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
      tls.setKeepAlive(on);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
      tls.setSoLinger(on, linger);
    }

    @Override
    public InetAddress getInetAddress() {
      return tls.getInetAddress();
    }

    @Override
    public int getPort() {
      return tls.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
      return tls.getRemoteSocketAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
      return tls.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
      return tls.getLocalPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
      return tls.getLocalSocketAddress();
    }

    @Override
    public String toString() {
      return tls.toString();
    }
  }
}
