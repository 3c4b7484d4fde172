package dev.ejup.upload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * A socket factory whose sockets are made by {@link #createSocket()} (as Smack asks for them) and
 * connected by the socket itself, so that the forms that connect at once behave the same.
 */
abstract class UnconnectedSockets extends SocketFactory {
  /** The bound on connecting in the forms that connect at once, in milliseconds; 0 waits as the system does. */
  private final int connectTimeoutMillis;

  UnconnectedSockets(int connectTimeoutMillis) {
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  @Override
  public abstract Socket createSocket() throws IOException;

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return connected(new InetSocketAddress(address, port));
  }

  private Socket connected(InetSocketAddress address) throws IOException {
    Socket socket = createSocket();
    socket.connect(address, connectTimeoutMillis);
    return socket;
  }
}
