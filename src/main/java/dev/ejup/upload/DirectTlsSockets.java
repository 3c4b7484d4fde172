package dev.ejup.upload;

import dev.ejup.upload.tuning.NoDelaySockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * Sockets for XEP-0368 direct TLS (the xmpps port, 5223): TLS from the first byte, SNI and the
 * certificate checked against the XMPP domain. Smack 4.4's TCP connection only knows STARTTLS,
 * so it gets a socket that is already TLS when connect() returns, and thinks the stream is plain.
 * What it reads is bounded like any XMPP stream ({@link BoundedXmlStream}).
 */
final class DirectTlsSockets extends UnconnectedSockets {
  private final Tls tls;
  private final String domain;
  private final int handshakeTimeoutMillis;
  private final AtomicReference<BoundedXmlStream.Exceeded> tripped;
  private volatile TlsOnConnect last;

  /** @param tripped set to what went over the bound of the stream, when something does */
  DirectTlsSockets(Tls tls, String domain, int handshakeTimeoutMillis, AtomicReference<BoundedXmlStream.Exceeded> tripped) {
    super(handshakeTimeoutMillis);
    this.tls = tls;
    this.domain = domain;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.tripped = tripped;
  }

  @Override
  public Socket createSocket() throws IOException {
    last = new TlsOnConnect();
    return last;
  }

  /** The TLS protocol of the last connection, e.g. TLSv1.3, for the report. */
  String protocol() {
    TlsOnConnect socket = last;
    return socket == null ? "" : socket.protocol();
  }

  /** A plain TCP connection wrapped in TLS as soon as it is up; everything else goes to the TLS layer. */
  private final class TlsOnConnect extends Socket {
    private final Socket tcp;
    private SSLSocket secure;
    private BoundedXmlStream bounded;

    TlsOnConnect() throws IOException {
      this.tcp = new NoDelaySockets().createSocket();
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      tcp.connect(endpoint, timeout);
      InetSocketAddress remote = (InetSocketAddress) endpoint;
      SSLSocket layered = (SSLSocket) tls.context().getSocketFactory().createSocket(tcp, domain, remote.getPort(), true);
      SSLParameters parameters = layered.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(domain)));
      parameters.setApplicationProtocols(new String[] {"xmpp-client"});
      dev.ejup.upload.tuning.KeyShares.limit(parameters, domain);
      layered.setSSLParameters(parameters);
      int before = tcp.getSoTimeout();
      tcp.setSoTimeout(handshakeTimeoutMillis);
      layered.startHandshake();
      tcp.setSoTimeout(before);
      if (!tls.hostnameVerifier.verify(domain, layered.getSession())) {
        layered.close();
        throw new SSLPeerUnverifiedException("certificate not verified for " + domain);
      }
      secure = layered;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
      connect(endpoint, 0);
    }

    private SSLSocket secure() throws SocketException {
      if (secure == null) {
        throw new SocketException("not connected");
      }
      return secure;
    }

    /** The TLS protocol agreed on, for the report. */
    String protocol() {
      return secure == null ? "" : secure.getSession().getProtocol();
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (bounded == null) {
        bounded = new BoundedXmlStream(secure().getInputStream(), tripped);
      }
      return bounded;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return secure().getOutputStream();
    }

    @Override
    public synchronized void close() throws IOException {
      if (secure != null) {
        secure.close();
      }
      tcp.close();
    }

    @Override
    public boolean isConnected() {
      return tcp.isConnected();
    }

    @Override
    public boolean isClosed() {
      return tcp.isClosed();
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
      tcp.setSoTimeout(timeout);
    }

    @Override
    public synchronized int getSoTimeout() throws SocketException {
      return tcp.getSoTimeout();
    }

    @Override
    public InetAddress getInetAddress() {
      return tcp.getInetAddress();
    }

    @Override
    public int getPort() {
      return tcp.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
      return tcp.getRemoteSocketAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
      return tcp.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
      return tcp.getLocalPort();
    }

    @Override
    public void shutdownInput() throws IOException {
      secure().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
      secure().shutdownOutput();
    }
  }
}
