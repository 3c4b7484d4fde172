package dev.ejup.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The end-of-run stop is armed for every test class without the class asking for it. */
class StopServersAtEndTest {
  private static boolean armed;

  @RegisterExtension
  static final BeforeEachCallback PROBE = (ExtensionContext context) -> armed = StopServersAtEnd.armed(context);

  @Test
  void everyTestClassArmsTheStopInTheRootStore() {
    assertTrue(armed, "StopServersAtEnd is not auto-registered: check META-INF/services and junit-platform.properties");
  }
}
