package dev.ejup.check;

import java.lang.reflect.Field;
import java.nio.channels.Selector;
import java.util.concurrent.locks.Lock;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.provider.DiscoverInfoProvider;
import org.jivesoftware.smackx.disco.provider.DiscoverItemsProvider;
import org.jivesoftware.smackx.httpfileupload.provider.FileTooLargeErrorProvider;
import org.jivesoftware.smackx.httpfileupload.provider.SlotProvider;
import org.jivesoftware.smackx.xdata.provider.DataFormProvider;

/**
 * Smack as a one-shot check needs it. Its default start-up runs every initializer it ships and
 * registers hundreds of providers (measured: 250 ms of a 1 s run); ejup disables those and
 * registers the five elements the upload flow reads. It also never fetches the roster, resumes
 * streams or reconnects.
 */
public final class SmackSetup {
  private static final String DISABLED = String.join(",",
      "org.jivesoftware.smack.experimental.ExperimentalInitializer",
      "org.jivesoftware.smack.extensions.ExtensionsInitializer",
      "org.jivesoftware.smack.legacy.LegacyInitializer",
      "org.jivesoftware.smack.im.SmackImInitializer",
      "org.jivesoftware.smack.ReconnectionManager",
      "org.jivesoftware.smack.util.dns.javax.JavaxResolver");

  private static volatile boolean used;

  static {
    if (System.getProperty("smack.disabledClasses") == null) {
      System.setProperty("smack.disabledClasses", DISABLED);
    }
    ProviderManager.addIQProvider("query", "http://jabber.org/protocol/disco#info", new DiscoverInfoProvider());
    ProviderManager.addIQProvider("query", "http://jabber.org/protocol/disco#items", new DiscoverItemsProvider());
    ProviderManager.addIQProvider("slot", XmppSession.NS_UPLOAD, new SlotProvider());
    ProviderManager.addExtensionProvider("x", "jabber:x:data", new DataFormProvider());
    ProviderManager.addExtensionProvider("file-too-large", XmppSession.NS_UPLOAD, new FileTooLargeErrorProvider());
    Roster.setRosterLoadedAtLoginDefault(false);
    XMPPTCPConnection.setUseStreamManagementDefault(false);
    ReconnectionManager.setEnabledPerDefault(false);
  }

  private SmackSetup() {}

  /** Runs the static set-up once, before the first connection. */
  static void ensure() {
    used = true;
  }

  /**
   * Called once just before the process ends. Smack's reactor thread sits in the native
   * epoll_wait for the life of the JVM, and HotSpot waits up to 300 ms at exit for threads in
   * native code. Holding the reactor's registration lock and waking its selector parks the thread
   * in Java instead. Never call this in a JVM that will still use Smack.
   */
  public static void quietReactorForExit() {
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
