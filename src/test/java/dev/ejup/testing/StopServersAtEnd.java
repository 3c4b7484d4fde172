package dev.ejup.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Stops every server the tests started ({@link LocalEjabberd} instances, {@link LocalSshd} servers)
 * when the whole run ends, pass, fail or abort, so even {@code mvn verify -Dit.test=X} without
 * scripts/test leaves nothing running. JUnit closes a root-store {@code CloseableResource} once,
 * after the last test class of the run; a class's own {@code @AfterAll} is skipped when its
 * {@code @BeforeAll} throws half-way, this is not. Registered for every test class through
 * META-INF/services and {@code junit.jupiter.extensions.autodetection.enabled}.
 */
public final class StopServersAtEnd implements BeforeAllCallback {
  private static final Object KEY = StopServersAtEnd.class;

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(KEY, k -> new Closer(), Closer.class);
  }

  /** Whether the end-of-run stop is armed in this JVM (a test checks the registration works). */
  static boolean armed(ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).get(KEY, Closer.class) != null;
  }

  private static final class Closer implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      List<RuntimeException> failures = new ArrayList<>();
      // each stop is tried even when another failed: one stuck server must not keep the others running
      for (Runnable stop : stops()) {
        try {
          stop.run();
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }
      if (!failures.isEmpty()) {
        IllegalStateException e = new IllegalStateException("could not stop every test server: " + failures);
        failures.forEach(e::addSuppressed);
        throw e;
      }
    }

    private static List<Runnable> stops() {
      List<Runnable> stops = new ArrayList<>();
      LocalEjabberd.running().forEach(server -> stops.add(server::down));
      LocalNginx.running().forEach(nginx -> stops.add(nginx::close));
      LocalSshd.started().forEach(sshd -> stops.add(sshd::down));
      if (LocalSshd.sharedStartedByTests()) {
        stops.add(LocalSshd::downShared);
      }
      return stops;
    }
  }
}
