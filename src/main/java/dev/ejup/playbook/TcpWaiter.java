package dev.ejup.playbook;

import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Waits until a TCP connect to host[:port] (default 5222) succeeds, retrying every 200 ms, bounded. */
final class TcpWaiter implements Waiter {
  @Override
  public Step await(String server, Duration timeout) {
    long start = System.nanoTime();
    String host = server;
    int port = 5222;
    int colon = server.lastIndexOf(':');
    if (colon > 0 && !server.endsWith("]") && server.indexOf(':') == colon) {
      host = server.substring(0, colon);
      port = Integer.parseInt(server.substring(colon + 1));
    }
    long deadline = start + timeout.toNanos();
    String last = "";
    while (true) {
      try (Socket s = new Socket()) {
        long left = Math.max(100, (deadline - System.nanoTime()) / 1_000_000);
        s.connect(new InetSocketAddress(host, port), (int) Math.min(left, 2000));
        return Step.ok("wait", Duration.ofNanos(System.nanoTime() - start), host + ":" + port + " answers");
      } catch (IOException e) {
        last = dev.ejup.model.Cause.words(e);
      }
      if (System.nanoTime() >= deadline || Thread.currentThread().isInterrupted()) {
        return Step.of("wait", Status.CRIT, Duration.ofNanos(System.nanoTime() - start),
            host + ":" + port + " did not answer within " + timeout.toSeconds() + "s (" + last + ")",
            "is ejabberd running? look at: journalctl -u ejabberd");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
