package dev.ejup.upload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TLS socket factory that changes only how TLS is layered on an existing socket (the form
 * Smack's STARTTLS and OkHttp use); every other form is the wrapped factory's.
 */
abstract class LayeringSocketFactory extends SSLSocketFactory {
  protected final SSLSocketFactory tls;

  LayeringSocketFactory(SSLSocketFactory tls) {
    this.tls = tls;
  }

  @Override
  public abstract Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException;

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
