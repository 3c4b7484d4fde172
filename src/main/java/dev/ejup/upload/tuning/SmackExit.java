package dev.ejup.upload.tuning;

import java.lang.reflect.Field;
import java.nio.channels.Selector;
import java.util.concurrent.locks.Lock;

/**
 * What the process must do about Smack before it ends. Kept apart from {@link SmackSetup} so that
 * asking costs nothing when Smack was never loaded (ejup version, config validate).
 */
public final class SmackExit {
  static volatile boolean used;

  private SmackExit() {}

  /**
   * Called once just before the process ends. Smack's reactor thread sits in the native
   * epoll_wait for the life of the JVM, and HotSpot waits up to 300 ms at exit for threads in
   * native code. Holding the reactor's registration lock and waking its selector parks the thread
   * in Java instead. Never call this in a JVM that will still use Smack.
   */
  public static void quietReactor() {
    if (!used) {
      return;
    }
    try {
      Class<?> reactorClass = Class.forName("org.jivesoftware.smack.SmackReactor");
      Field instance = reactorClass.getDeclaredField("INSTANCE");
      instance.setAccessible(true);
      Object reactor = instance.get(null);
      if (reactor == null) {
        return;
      }
      Field lockField = reactorClass.getDeclaredField("registrationLock");
      Field selectorField = reactorClass.getDeclaredField("selector");
      lockField.setAccessible(true);
      selectorField.setAccessible(true);
      Lock lock = (Lock) lockField.get(reactor);
      if (lock.tryLock()) {
        ((Selector) selectorField.get(reactor)).wakeup();
        Thread.sleep(2); // let the reactor thread get back into Java and park on the lock
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // another Smack version: exit merely takes longer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
