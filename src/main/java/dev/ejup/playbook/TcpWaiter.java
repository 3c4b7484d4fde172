package dev.ejup.playbook;

import dev.ejup.model.HostPort;
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
    HostPort address;
    try {
      address = HostPort.parse(server, 5222);
    } catch (IllegalArgumentException e) {
      return Step.of("wait", Status.UNKNOWN, Duration.ZERO, "server '" + server + "' is not host[:port]: " + e.getMessage(),
          "e.g. server=xmpp.example.org:5222, IPv6 as [2001:db8::1]:5222");
    }
    String host = address.host();
    int port = address.port();
    long deadline = start + timeout.toNanos();
    String last = "";
    while (true) {
      try (Socket s = new Socket()) {
        long left = Math.max(100, (deadline - System.nanoTime()) / 1_000_000);
        s.connect(new InetSocketAddress(host, port), (int) Math.min(left, 2000));
        return Step.ok("wait", Duration.ofNanos(System.nanoTime() - start), address + " answers");
      } catch (IOException e) {
        last = dev.ejup.model.Cause.words(e);
      }
      if (System.nanoTime() >= deadline || Thread.currentThread().isInterrupted()) {
        return Step.of("wait", Status.CRIT, Duration.ofNanos(System.nanoTime() - start),
            address + " did not answer within " + timeout.toSeconds() + "s (" + last + ")",
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
