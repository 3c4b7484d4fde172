package dev.ejup.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A server on the loopback that accepts every connection and never says a word: a hung peer. */
public final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final CountDownLatch accepted = new CountDownLatch(1);

  public SilentServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          held.add(socket.accept());
          accepted.countDown();
        }
      } catch (IOException closed) {
        // closed by the test
      }
    }, "silent-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** Waits until a client has connected (and is now waiting for an answer that never comes). */
  public boolean awaitClient(int seconds) throws InterruptedException {
    return accepted.await(seconds, TimeUnit.SECONDS);
  }

  /** Waits until n clients have connected (bounded), and says whether they did. */
  public boolean awaitClients(int n, int seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (held.size() < n && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    return held.size() >= n;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : held) {
      s.close();
    }
  }
}
