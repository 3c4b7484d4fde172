package dev.ejup.upload.tuning;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.util.dns.DNSResolver;
import org.jivesoftware.smack.util.dns.javax.JavaxResolver;
import org.jivesoftware.smack.util.rce.RemoteConnectionEndpointLookupFailure;
import org.minidns.dnsname.DnsName;
import org.minidns.record.SRV;

/**
 * Smack's one DNS resolver for the whole process, installed once by {@link SmackSetup} and never
 * changed, so no check's result depends on which checks ran before it in the same JVM (a fleet).
 * Host names resolve as every other program on the machine resolves them (/etc/hosts, then DNS,
 * through the JDK), with {@code localhost} and {@code *.localhost} as the loopback ({@link
 * LocalhostDns}, as for the upload URLs). SRV records, which the JDK cannot ask for by itself,
 * come from JNDI's DNS client ({@link JavaxResolver}), set up only when a check needs them.
 *
 * <p>The lean Smack start-up disables Smack's own resolver initializers; without this, a
 * {@code --server} given as a name made Smack throw NullPointerException on the check's worker.
 */
final class SystemResolver extends DNSResolver {
  static final SystemResolver INSTANCE = new SystemResolver();

  private SystemResolver() {
    super(false);
  }

  /**
   * JNDI's DNS context costs start-up time: made on the first SRV lookup, not before, or by {@link
   * #srvNow()}. Smack's JavaxResolver makes itself the process's resolver as its class is set up
   * (JavaxResolver.setup() in its static initializer): this one is put back at once, else every
   * later lookup in the process, of every check, went through JavaxResolver, to which {@code
   * *.localhost} does not resolve (an exporter's probes failed after one probe used SRV).
   */
  private static final class Srv {
    static final JavaxResolver RESOLVER = make();

    private static JavaxResolver make() {
      JavaxResolver made = new JavaxResolver();
      org.jivesoftware.smack.util.DNSUtil.setDNSResolver(INSTANCE);
      return made;
    }
  }

  /**
   * Sets up the SRV resolver now, for a process that runs checks side by side (serve, a fleet): set
   * up lazily, another check could read Smack's resolver in the moment it is JavaxResolver.
   */
  static void srvNow() {
    Srv.RESOLVER.getClass();
  }

  @Override
  protected Collection<SRV> lookupSrvRecords0(DnsName name, List<RemoteConnectionEndpointLookupFailure> failures,
      ConnectionConfiguration.DnssecMode dnssecMode) {
    return Srv.RESOLVER.lookupSrvRecords(name, failures, dnssecMode);
  }

  @Override
  protected List<InetAddress> lookupHostAddress0(DnsName name, List<RemoteConnectionEndpointLookupFailure> failures,
      ConnectionConfiguration.DnssecMode dnssecMode) {
    try {
      return LocalhostDns.INSTANCE.lookup(name.toString());
    } catch (UnknownHostException e) {
      failures.add(new RemoteConnectionEndpointLookupFailure.DnsLookupFailure(name, e));
      return null;
    }
  }
}
