package dev.ejup.upload;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.util.DNSUtil;
import org.jivesoftware.smack.util.rce.RemoteConnectionEndpointLookupFailure;
import org.minidns.dnsname.DnsName;
import org.minidns.record.SRV;

/**
 * Where a client goes for direct TLS (XEP-0368): the best _xmpps-client._tcp SRV record, else the
 * domain on 5223. Smack 4.4 looks up only _xmpp-client (STARTTLS) itself.
 */
final class DirectTlsEndpoint {
  private DirectTlsEndpoint() {}

  static dev.ejup.model.HostPort lookup(String domain) {
    List<RemoteConnectionEndpointLookupFailure> failures = new ArrayList<>();
    Collection<SRV> records = List.of();
    try {
      records = DNSUtil.getDNSResolver().lookupSrvRecords(DnsName.from("_xmpps-client._tcp." + domain), failures,
          ConnectionConfiguration.DnssecMode.disabled);
    } catch (RuntimeException e) {
      // no usable SRV answer: fall back to the domain itself, as XEP-0368 says
    }
    return pick(records, domain);
  }

  /** Lowest priority wins; a "." target means the service is explicitly not offered, so the domain is tried. */
  static dev.ejup.model.HostPort pick(Collection<SRV> records, String domain) {
    return records == null ? fallback(domain) : records.stream()
        .filter(r -> !r.target.toString().isEmpty() && !".".equals(r.target.toString()))
        .min(Comparator.comparingInt((SRV r) -> r.priority).thenComparing(r -> -r.weight))
        .map(r -> new dev.ejup.model.HostPort(r.target.toString(), r.port))
        .orElseGet(() -> fallback(domain));
  }

  private static dev.ejup.model.HostPort fallback(String domain) {
    return new dev.ejup.model.HostPort(domain, XmppSession.PORT_DIRECT_TLS);
  }
}
