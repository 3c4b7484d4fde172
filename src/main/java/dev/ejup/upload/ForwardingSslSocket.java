package dev.ejup.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A TLS socket that hands every call to the JDK's socket {@link #tls()}; subclasses change the few
 * they need to (reading through a bound, a handshake already done).
 */
abstract class ForwardingSslSocket extends SSLSocket {
  /** The socket the calls go to. */
  protected abstract SSLSocket tls();

  @Override
  public InputStream getInputStream() throws IOException {
    return tls().getInputStream();
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return tls().getOutputStream();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return tls().getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return tls().getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    tls().setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return tls().getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return tls().getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    tls().setEnabledProtocols(protocols);
  }

  @Override
  public SSLSession getSession() {
    return tls().getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return tls().getHandshakeSession();
  }

  @Override
  public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
    tls().addHandshakeCompletedListener(listener);
  }

  @Override
  public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
    tls().removeHandshakeCompletedListener(listener);
  }

  @Override
  public void startHandshake() throws IOException {
    tls().startHandshake();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    tls().setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return tls().getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    tls().setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return tls().getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    tls().setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return tls().getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    tls().setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return tls().getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return tls().getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters parameters) {
    tls().setSSLParameters(parameters);
  }

  @Override
  public String getApplicationProtocol() {
    return tls().getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return tls().getHandshakeApplicationProtocol();
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
    tls().setHandshakeApplicationProtocolSelector(selector);
  }

  @Override
  public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return tls().getHandshakeApplicationProtocolSelector();
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    tls().connect(endpoint, timeout);
  }

  @Override
  public synchronized void close() throws IOException {
    tls().close();
  }

  @Override
  public void shutdownInput() throws IOException {
    tls().shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    tls().shutdownOutput();
  }

  @Override
  public boolean isConnected() {
    return tls().isConnected();
  }

  @Override
  public boolean isBound() {
    return tls().isBound();
  }

  @Override
  public boolean isClosed() {
    return tls().isClosed();
  }

  @Override
  public boolean isInputShutdown() {
    return tls().isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    return tls().isOutputShutdown();
  }

  @Override
  public synchronized void setSoTimeout(int timeout) throws SocketException {
    tls().setSoTimeout(timeout);
  }

  @Override
  public synchronized int getSoTimeout() throws SocketException {
    return tls().getSoTimeout();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    tls().setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return tls().getTcpNoDelay();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    tls().setKeepAlive(on);
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    tls().setSoLinger(on, linger);
  }

  @Override
  public InetAddress getInetAddress() {
    return tls().getInetAddress();
  }

  @Override
  public int getPort() {
    return tls().getPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return tls().getRemoteSocketAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return tls().getLocalAddress();
  }

  @Override
  public int getLocalPort() {
    return tls().getLocalPort();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return tls().getLocalSocketAddress();
  }

  @Override
  public String toString() {
    return tls().toString();
  }
}
