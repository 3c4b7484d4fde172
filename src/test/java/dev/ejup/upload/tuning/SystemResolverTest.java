package dev.ejup.upload.tuning;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.util.DNSUtil;
import org.jivesoftware.smack.util.rce.RemoteConnectionEndpointLookupFailure;
import org.junit.jupiter.api.Test;
import org.minidns.dnsname.DnsName;

/**
 * The breaker's case: in `ejup serve`, one probe of a module without `server` (an SRV lookup) set
 * up Smack's JavaxResolver, whose class makes itself the process's resolver; every later probe of
 * every module then failed with "cannot resolve vh1.localhost" until the exporter was restarted.
 * Setting up the SRV resolver touches no network: only the lookups do.
 */
class SystemResolverTest {
  @Test
  void settingUpTheSrvResolverLeavesTheProcessResolverAsItWas() throws Exception {
    SmackSetup.ensure();
    assertSame(SystemResolver.INSTANCE, DNSUtil.getDNSResolver());
    Class.forName("dev.ejup.upload.tuning.SystemResolver$Srv", true, SystemResolverTest.class.getClassLoader());
    SmackSetup.severalChecks();
    assertSame(SystemResolver.INSTANCE, DNSUtil.getDNSResolver(), "Smack's resolver after the SRV one was set up");
    List<RemoteConnectionEndpointLookupFailure> failures = new ArrayList<>();
    List<InetAddress> found = DNSUtil.getDNSResolver().lookupHostAddress(DnsName.from("vh1.localhost"), failures,
        ConnectionConfiguration.DnssecMode.disabled);
    assertTrue(found != null && !found.isEmpty() && found.get(0).isLoopbackAddress(), found + " " + failures);
  }
}
