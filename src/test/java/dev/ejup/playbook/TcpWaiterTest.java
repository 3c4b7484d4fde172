package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The wait step reads host[:port] with {@link dev.ejup.model.HostPort}'s rules (TcpWaiter is package-private). */
class TcpWaiterTest {
  /** Before, the wait step threw NumberFormatException on a bad port and took [::1]:1 for a host name. */
  @Test
  void thePlaybooksWaitTakesTheSameRules() {
    Step bad = new TcpWaiter().await("localhost:ssh", Duration.ofSeconds(1));
    assertEquals(Status.UNKNOWN, bad.status());
    assertTrue(bad.detail().contains("'ssh' is not a port number"), bad.detail());
    Step v6 = new TcpWaiter().await("[::1]:1", Duration.ofMillis(300));
    assertEquals(Status.CRIT, v6.status());
    assertTrue(v6.detail().startsWith("[::1]:1 did not answer"), v6.detail());
  }
}
