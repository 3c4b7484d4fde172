package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Without a server: failures injected where a run without one gets to (setting up and starting the
 * connection, the HTTP client's set-up) never give OK. FailureInjectionIT does every step against
 * the real ejabberd.
 */
class FailClosedTest {
  private static String closedServer() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "localhost:" + socket.getLocalPort();
    }
  }

  @Test
  void everyKindOfFailureAtConnectIsUnknownNamedConnect() throws IOException {
    String server = closedServer();
    for (Supplier<Throwable> kind : Faults.KINDS) {
      Throwable failure = kind.get();
      Report report = new UploadFlow(Faults.options("hc@localhost", "x", server), Progress.NONE, Faults.at("connect", failure)).run();
      Faults.assertFailClosed(report, "connect", failure);
    }
  }

  @Test
  void aBrokenHttpClientDoesNotHideBehindAFailedConnect() throws IOException {
    Report report = new UploadFlow(Faults.options("hc@localhost", "x", closedServer()), Progress.NONE,
        Faults.at("http-setup", new IllegalStateException("no TLS"))).run();
    assertEquals(Status.CRIT, report.worst(), "connect is refused first: " + report.steps());
    assertEquals("connect", report.firstWorst().name());
  }

  @Test
  void valuesNoCommandLineCheckedAreUnknownBeforeConnecting() {
    for (String server : new String[] {"localhost:abc", "localhost:99999", ":5222", "", "[::1"}) {
      Report report = new UploadFlow(Faults.options("hc@localhost", "x", server), Progress.NONE).run();
      assertEquals(Status.UNKNOWN, report.worst(), server + ": " + report.steps());
      assertTrue(report.steps().get(0).detail().startsWith("--server '" + server + "': "), report.steps().toString());
    }
    Report noUser = new UploadFlow(Faults.options("localhost", "x", "localhost:1"), Progress.NONE).run();
    assertEquals(Status.UNKNOWN, noUser.worst());
    assertTrue(noUser.steps().get(0).detail().contains("has no user part"), noUser.steps().toString());
  }
}
