package dev.ejup.upload;

import dev.ejup.upload.tuning.LocalhostDns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The PUT's TLS connection, opened while the XMPP login waits on the server instead of after the
 * slot: a warm probe of `ejup serve` spends most of its login waiting (the server works out
 * SCRAM's salted password at every login, then a round trip per stanza), and its PUT spent as
 * long again in its own TCP and TLS handshake. The host and port are where the last slot for the
 * same account and server pointed in this process (serve and fleets check the same servers
 * again and again); a first check, or one whose slot points elsewhere, connects for its PUT as
 * always and closes the early connection unused.
 *
 * <p>Nothing is kept from one check to the next but that host and port: the connection is this
 * check's own, a fresh TCP connection and a full handshake with this check's TLS context (no
 * session to resume), its certificate chain checked by this check's trust manager as the
 * handshake runs and its host name by OkHttp when the PUT takes it over, as on any connection.
 * The PUT takes it only when it is for the very address and host name OkHttp resolved, was made
 * less than {@link #MAX_AGE_NANOS} ago, OkHttp asked for the TLS settings it was made with, and
 * the server has not closed it; else the PUT connects anew, so an early connection that failed
 * or went stale never becomes the check's verdict. Never with --insecure: what it let through
 * would be remembered for a host the check may not use.
 */
final class EarlyTls {
  /** Older than this, the server may be about to close it for idleness: the PUT connects anew. */
  static final long MAX_AGE_NANOS = 2_000_000_000L;
  /** A cold JVM's handshake takes a few hundred milliseconds; one that takes longer is not waited for. */
  static final long MAX_WAIT_MILLIS = 1000;
  /** Per account and server: a `*.domain` target pattern admits names without end, so only the latest are kept. */
  private static final int REMEMBERED = 1024;
  private static final Map<String, Endpoint> LAST = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Endpoint> eldest) {
      return size() > REMEMBERED;
    }
  });

  private record Endpoint(String host, int port) {}

  /** A handshaken connection and what it was made for. */
  private record Early(Socket raw, SSLSocket tls, String host, InetSocketAddress address, long madeNanos,
      javax.net.ssl.SSLParameters asked) {}

  private final String key;
  private volatile CompletableFuture<Early> pending;
  /** The address the early connection goes to, once looked up (null before): a PUT waits only for one to its own address. */
  private volatile InetSocketAddress resolved;
  /** The early connection's TCP socket while it is being made, so that the check's end can abort a handshake that hangs. */
  private volatile Socket opening;
  private volatile boolean taken;
  /** The check is over: nothing may connect early any more (a worker past its deadline may still get to the login). */
  private volatile boolean closed;

  /** For the check of this account (jid) over this server option (null: DNS). */
  EarlyTls(String jid, String server) {
    this.key = key(jid, server);
  }

  private static String key(String jid, String server) {
    return jid.toLowerCase(Locale.ROOT) + "\u0000" + server;
  }

  /**
   * For a check of this account over this server option: an early connection when a slot for
   * them pointed somewhere before in this process, else null (a first check, every CLI run: OkHttp
   * then gets its sockets as without this class).
   */
  static EarlyTls forCheck(String jid, String server) {
    return LAST.containsKey(key(jid, server)) ? new EarlyTls(jid, server) : null;
  }

  /** The slot's PUT URL, for the next check of this account and server (a plain-http one: nothing to connect early). */
  static void remember(String jid, String server, java.net.URL put) {
    remember(key(jid, server), put);
  }

  private static void remember(String key, java.net.URL put) {
    if ("https".equals(put.getProtocol())) {
      LAST.put(key, new Endpoint(put.getHost().toLowerCase(Locale.ROOT), put.getPort() < 0 ? put.getDefaultPort() : put.getPort()));
    } else {
      LAST.remove(key);
    }
  }

  /**
   * Opens the connection in the background when a slot of this account and server pointed
   * somewhere before; call once the XMPP connection is up (so the handshakes stay in order, the
   * XMPP stream's first, as the expiry metrics expect).
   */
  void start(Tls tls, int timeoutMillis, List<okhttp3.Protocol> protocols) {
    Endpoint last = LAST.get(key);
    if (last == null || closed) {
      return;
    }
    CompletableFuture<Early> early = new CompletableFuture<>();
    pending = early;
    if (closed) {
      close();
      return;
    }
    Workers.start("ejup-early-tls", () -> {
      try {
        early.complete(open(tls, last, timeoutMillis, protocols));
      } catch (Throwable e) {
        early.completeExceptionally(e); // the PUT connects as always and meets whatever this was
      }
    });
  }

  private Early open(Tls tls, Endpoint at, int timeoutMillis, List<okhttp3.Protocol> protocols) throws IOException {
    InetSocketAddress address = new InetSocketAddress(LocalhostDns.INSTANCE.lookup(at.host()).get(0), at.port());
    resolved = address;
    Socket raw = new Socket();
    opening = raw;
    if (closed) {
      raw.close(); // the check ended while this was looked up
    }
    try {
      raw.setTcpNoDelay(true);
      raw.connect(address, timeoutMillis);
      raw.setSoTimeout(timeoutMillis);
      // one key share as on the PUT's own connections; a host that refuses it gets no early connection, and the PUT's retry
      SSLSocket ssl = dev.ejup.upload.tuning.KeyShares.limit(
          (SSLSocket) tls.context().getSocketFactory().createSocket(raw, at.host(), at.port(), true), at.host());
      // what OkHttp sets on a socket of its own before the handshake (RealConnection.connectTls)
      okhttp3.ConnectionSpec.MODERN_TLS.apply$okhttp(ssl, false);
      okhttp3.internal.platform.Platform.get().configureTlsExtensions(ssl, at.host(), protocols);
      javax.net.ssl.SSLParameters asked = ssl.getSSLParameters();
      ssl.startHandshake();
      return new Early(raw, ssl, at.host(), address, System.nanoTime(), asked);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** The early connection's making, null when none was started or the PUT took it (for tests). */
  CompletableFuture<?> making() {
    return pending;
  }

  /** Whether a request took the early connection over (for tests; a fallback in {@link Handshaken} still counts). */
  boolean taken() {
    return taken;
  }

  /** The slot's PUT URL, for the next check of this account and server. */
  void slot(java.net.URL put) {
    remember(key, put);
  }

  /** Closes the early connection if the PUT did not take it; one still being made is aborted. */
  void close() {
    closed = true;
    CompletableFuture<Early> early = pending;
    pending = null;
    if (early != null) {
      abandon(early);
    }
  }

  /**
   * Gives an early connection up: one still being made is aborted (its connect or handshake fails
   * at once, and its thread ends), one made is closed.
   */
  private void abandon(CompletableFuture<Early> early) {
    Socket raw = opening;
    if (raw != null && !early.isDone()) {
      quietly(raw);
    }
    early.thenAccept(e -> quietly(e.tls()));
  }

  /**
   * The early connection for this address, once, when it is fresh and open; else null. One still
   * handshaking with this very address is waited for (it began before the PUT asked, and a fast
   * check, a warm server's login, would otherwise never take it), but for a part of the PUT's
   * connect timeout only ({@link #waitMillis}) and not past the PUT's socket being closed
   * (OkHttp's call timeout): one that hangs must leave a new connection the time it would have
   * had, so the early one never becomes the verdict.
   */
  private Early claim(InetSocketAddress address, int timeoutMillis, CompletableFuture<?> shut) {
    CompletableFuture<Early> early = pending;
    if (early == null) {
      return null;
    }
    pending = null;
    if (!early.isDone() && address.equals(resolved)) {
      try {
        CompletableFuture.anyOf(early, shut).get(waitMillis(timeoutMillis), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // failed or too slow: the PUT connects anew, and meets whatever this was on its own
      }
    }
    if (!early.isDone() || early.isCompletedExceptionally() || shut.isDone()) {
      abandon(early);
      return null;
    }
    Early e = early.join();
    if (!e.address().equals(address) || System.nanoTime() - e.madeNanos() > MAX_AGE_NANOS || !open(e.tls())) {
      quietly(e.tls());
      return null;
    }
    taken = true;
    return e;
  }

  /** How long a PUT waits for an early handshake still under way: a quarter of its connect timeout, at most a second. */
  static long waitMillis(int connectTimeoutMillis) {
    return Math.min(MAX_WAIT_MILLIS, (connectTimeoutMillis > 0 ? connectTimeoutMillis : MAX_AGE_NANOS / 1_000_000) / 4);
  }

  /**
   * Whether the server has not closed it: a read of a millisecond must time out (OkHttp's own test
   * before it reuses a connection). TLS 1.3 session tickets are read and kept by JSSE on the way.
   */
  private static boolean open(SSLSocket tls) {
    try {
      int timeout = tls.getSoTimeout();
      tls.setSoTimeout(1);
      try {
        tls.getInputStream().read();
        return false; // the end, or bytes nobody asked for
      } catch (SocketTimeoutException expected) {
        return true;
      } finally {
        tls.setSoTimeout(timeout);
      }
    } catch (IOException e) {
      return false;
    }
  }

  private static void quietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // it is gone either way
    }
  }

  /** OkHttp's plain sockets: with TCP_NODELAY, and taking over the early connection when it is for their address. */
  SocketFactory sockets() {
    return new SocketFactory() {
      @Override
      public Socket createSocket() throws IOException {
        return new Claiming();
      }

      @Override
      public Socket createSocket(String host, int port) throws IOException {
        throw new SocketException("unconnected sockets only");
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new SocketException("unconnected sockets only");
      }

      @Override
      public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new SocketException("unconnected sockets only");
      }

      @Override
      public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        throw new SocketException("unconnected sockets only");
      }
    };
  }

  /** OkHttp's TLS sockets: the early connection, already handshaken, when its plain socket took one over. */
  SSLSocketFactory tls(SSLSocketFactory real) {
    return new LayeringSocketFactory(real) {
      @Override
      public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        if (plain instanceof Claiming claiming && claiming.early != null) {
          return new Handshaken(claiming, real, host, port, autoClose);
        }
        return real.createSocket(plain, host, port, autoClose);
      }
    };
  }

  /**
   * A plain socket that, asked to connect where the early connection goes, takes it over instead
   * (its TLS socket is then the one OkHttp gets); connects as any socket otherwise, or when the
   * TLS layer finds the early one does not fit after all ({@link #connectNow}).
   */
  private final class Claiming extends Socket {
    private volatile Early early;
    /** Done once OkHttp closed this socket (a cancelled call): a wait for the early connection ends. */
    private final CompletableFuture<Void> shut = new CompletableFuture<>();
    private SocketAddress endpoint;
    private int timeout;

    Claiming() throws SocketException {
      setTcpNoDelay(true);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      Early mine = endpoint instanceof InetSocketAddress address ? claim(address, timeout, shut) : null;
      if (mine == null) {
        super.connect(endpoint, timeout);
        return;
      }
      this.endpoint = endpoint;
      this.timeout = timeout;
      early = mine;
    }

    /** The early connection did not fit the TLS settings asked for: this socket connects after all. */
    void connectNow() throws IOException {
      Early mine = early;
      early = null;
      quietly(mine.tls());
      super.connect(endpoint, timeout);
    }

    @Override
    public InputStream getInputStream() throws IOException {
      Early mine = early;
      return mine != null ? mine.raw().getInputStream() : super.getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      Early mine = early;
      return mine != null ? mine.raw().getOutputStream() : super.getOutputStream();
    }

    @Override
    public boolean isConnected() {
      Early mine = early;
      return mine != null ? mine.raw().isConnected() : super.isConnected();
    }

    @Override
    public boolean isClosed() {
      Early mine = early;
      return mine != null ? mine.tls().isClosed() : super.isClosed();
    }

    @Override
    public synchronized void close() throws IOException {
      shut.complete(null);
      Early mine = early;
      if (mine != null) {
        // a cancelled call closes the plain socket: the connection it took over goes with it. The TCP
        // socket first, as OkHttp closes its own: TLS's close waits for a writer blocked on a server
        // that stopped reading, and this runs on OkHttp's one timeout watchdog
        quietly(mine.raw());
        quietly(mine.tls());
      }
      super.close();
    }

    @Override
    public InetAddress getInetAddress() {
      Early mine = early;
      return mine != null ? mine.raw().getInetAddress() : super.getInetAddress();
    }

    @Override
    public int getPort() {
      Early mine = early;
      return mine != null ? mine.raw().getPort() : super.getPort();
    }
  }

  /**
   * The early connection's TLS socket, handed to OkHttp in place of one it would handshake
   * itself: its handshake is done, so OkHttp's {@link #startHandshake()} only checks that OkHttp
   * asked for the settings it was made with (else it is closed, and a fresh connection made and
   * handshaken with OkHttp's settings, as without it).
   */
  private static final class Handshaken extends ForwardingSslSocket {
    private final Claiming plain;
    private final SSLSocketFactory real;
    private final String host;
    private final int port;
    private final boolean autoClose;
    private volatile SSLSocket tls;
    private final javax.net.ssl.SSLParameters made;

    Handshaken(Claiming plain, SSLSocketFactory real, String host, int port, boolean autoClose) {
      this.plain = plain;
      this.real = real;
      this.host = host;
      this.port = port;
      this.autoClose = autoClose;
      this.tls = plain.early.tls();
      this.made = plain.early.asked();
      if (!plain.early.host().equalsIgnoreCase(host)) {
        this.made.setProtocols(new String[0]); // made for another name (SNI, host name check): never the same settings
      }
    }

    @Override
    protected SSLSocket tls() {
      return tls;
    }

    @Override
    public void startHandshake() throws IOException {
      if (tls.getSession().isValid() && same(made, tls.getSSLParameters())) {
        return;
      }
      javax.net.ssl.SSLParameters asked = tls.getSSLParameters();
      plain.connectNow();
      SSLSocket fresh = (SSLSocket) real.createSocket(plain, host, port, autoClose);
      fresh.setSSLParameters(asked);
      tls = fresh;
      fresh.startHandshake();
    }

    private static boolean same(javax.net.ssl.SSLParameters a, javax.net.ssl.SSLParameters b) {
      return java.util.Arrays.equals(a.getProtocols(), b.getProtocols()) && java.util.Arrays.equals(a.getCipherSuites(), b.getCipherSuites())
          && java.util.Arrays.equals(a.getApplicationProtocols(), b.getApplicationProtocols())
          && java.util.Objects.equals(a.getServerNames(), b.getServerNames())
          && java.util.Objects.equals(a.getEndpointIdentificationAlgorithm(), b.getEndpointIdentificationAlgorithm());
    }
  }
}
