package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.EjupProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --server} given as a name, as users write it. Smack's lean start-up had no DNS resolver,
 * so a name never connected: a NullPointerException on the worker and "OK, 0 steps". Here nothing
 * listens, so the only right verdict is CRITICAL with the address it tried.
 */
class ServerNamesTest {
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Ejup.Result check(String server) {
    return Ejup.runCaptured(Map.of("EJUP_PASSWORD", "x"), "check", "--jid", "hc@localhost", "--server", server,
        "--deadline", "20");
  }

  @Test
  void localhostInAFreshProcessIsResolvedAndTried() throws IOException {
    int port = closedPort();
    EjupProcess.Result r = EjupProcess.run(Map.of("EJUP_PASSWORD", "x"), 60,
        "check", "--jid", "hc@localhost", "--server", "localhost:" + port, "--format", "nagios");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().startsWith("EJUP CHECK CRITICAL - localhost: connect: connection to localhost:" + port + " refused"),
        r.out() + r.err());
    assertEquals("", r.err(), "nothing escapes the worker thread");
  }

  @Test
  void namesUnderLocalhostAreTheLoopback() throws IOException {
    int port = closedPort();
    Ejup.Result r = check("vh1.localhost:" + port);
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("connection to vh1.localhost:" + port + " refused"), r.out());
  }

  @Test
  void aNameThatDoesNotResolveIsCritical() {
    Ejup.Result r = check("no-such-host.invalid:5222");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("cannot resolve no-such-host.invalid:5222"), r.out());
    assertFalse(r.out().contains("Exception"), r.out());
  }

  @Test
  void ipv6AddressesInBracketsAndBare() throws IOException {
    int port = closedPort();
    for (String server : new String[] {"[::1]:" + port, "::1"}) {
      Ejup.Result r = check(server);
      assertEquals(2, r.exitCode(), server + ": " + r.out() + r.err());
      assertTrue(r.out().contains("connection to [::1]:" + (server.startsWith("[") ? port : 5222) + " refused"), r.out());
    }
  }

  @Test
  void directTlsResolvesTheNameToo() throws IOException {
    int port = closedPort();
    Ejup.Result r = Ejup.runCaptured(Map.of("EJUP_PASSWORD", "x"), "check", "--jid", "hc@localhost", "--server",
        "localhost:" + port, "--direct-tls");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("connection to localhost:" + port + " refused"), r.out());
  }
}
