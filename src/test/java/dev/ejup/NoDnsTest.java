package dev.ejup;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/**
 * The tests resolve names from src/test/resources/hosts only (pom.xml), so code that would ask a
 * DNS server (as java.net.URL.equals did for every slot's URLs) fails fast here instead of
 * sending traffic off the machine and stalling for the resolver's timeout.
 */
class NoDnsTest {
  @Test
  void onlyLocalhostResolves() throws UnknownHostException {
    assertTrue(InetAddress.getByName("localhost").isLoopbackAddress());
    assertThrows(UnknownHostException.class, () -> InetAddress.getByName("vh1.localhost"));
    assertThrows(UnknownHostException.class, () -> InetAddress.getByName("example.org"));
  }
}
