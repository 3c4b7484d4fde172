package dev.ejup.upload.tuning;

import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.SASLAuthentication;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.util.DNSUtil;
import org.jivesoftware.smackx.disco.provider.DiscoverInfoProvider;
import org.jivesoftware.smackx.disco.provider.DiscoverItemsProvider;
import org.jivesoftware.smackx.xdata.provider.DataFormProvider;

/**
 * Smack as a one-shot check needs it. Its default start-up runs every initializer it ships and
 * registers hundreds of providers (measured: 250 ms of a 1 s run); ejup disables those and
 * registers the three generic elements the upload flow reads (the XEP-0363 slot and
 * file-too-large have lenient providers of their own in dev.ejup.upload), and its own DNS resolver ({@link
 * SystemResolver}). It also never fetches the roster, resumes streams or reconnects, and logs in
 * with its own SCRAM-SHA-1 HMAC ({@link ScramSha1}).
 */
public final class SmackSetup {
  private static final String DISABLED = String.join(",",
      "org.jivesoftware.smack.experimental.ExperimentalInitializer",
      "org.jivesoftware.smack.extensions.ExtensionsInitializer",
      "org.jivesoftware.smack.legacy.LegacyInitializer",
      "org.jivesoftware.smack.im.SmackImInitializer",
      "org.jivesoftware.smack.ReconnectionManager",
      "org.jivesoftware.smack.util.dns.javax.JavaxResolver");

  /** Held so the setting survives: java.util.logging keeps loggers weakly. */
  private static final java.util.logging.Logger SMACK_LOG = java.util.logging.Logger.getLogger("org.jivesoftware");

  static {
    // ejup reports what matters itself; Smack's INFO lines ("Consider adding SRV records") are noise on stderr
    SMACK_LOG.setLevel(java.util.logging.Level.OFF);
    if (System.getProperty("smack.disabledClasses") == null) {
      System.setProperty("smack.disabledClasses", DISABLED);
    }
    ProviderManager.addIQProvider("query", "http://jabber.org/protocol/disco#info", new DiscoverInfoProvider());
    ProviderManager.addIQProvider("query", "http://jabber.org/protocol/disco#items", new DiscoverItemsProvider());
    ProviderManager.addExtensionProvider("x", "jabber:x:data", new DataFormProvider());
    SASLAuthentication.unregisterSASLMechanism("org.jivesoftware.smack.sasl.core.SCRAMSHA1Mechanism");
    SASLAuthentication.registerSASLMechanism(new ScramSha1());
    Roster.setRosterLoadedAtLoginDefault(false);
    XMPPTCPConnection.setUseStreamManagementDefault(false);
    ReconnectionManager.setEnabledPerDefault(false);
    // set once, never again: every check in the process resolves names the same way
    DNSUtil.setDNSResolver(SystemResolver.INSTANCE);
  }

  private SmackSetup() {}

  /** Runs the static set-up once, before the first connection. */
  public static void ensure() {
    SmackExit.used = true;
  }

  /**
   * For a process that runs several checks side by side ({@code ejup serve}, {@code ejup play}):
   * the SRV resolver is set up before any of them runs, so that none of them reads Smack's
   * resolver while the SRV one is being set up ({@link SystemResolver}).
   */
  public static void severalChecks() {
    SystemResolver.srvNow();
  }

  /**
   * For a process whose JVM compiles with C2 (bin/ejup runs the exporter so): later logins compute
   * SCRAM's PBKDF2 on the JDK's SHA-1, which C2 runs on the CPU's SHA instructions, instead of
   * ejup's SHA-1 on ints, the faster one under C1 ({@link ScramSha1}). The same bytes either way.
   */
  public static void compiledByC2() {
    ScramSha1.jdkDigest = true;
  }

}
