package dev.ejup.upload;

import dev.ejup.model.Cause;
import dev.ejup.model.HostPort;
import dev.ejup.upload.tuning.SmackSetup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.httpfileupload.element.FileTooLargeError;
import org.jivesoftware.smackx.httpfileupload.element.Slot;
import org.jivesoftware.smackx.httpfileupload.element.SlotRequest;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/** The XMPP side of the check, on Smack: connect, log in, discover, ask for slots. */
final class XmppSession implements AutoCloseable {
  static final String NS_UPLOAD = "urn:xmpp:http:upload:0";
  static final List<String> OLD_NAMESPACES = List.of("urn:xmpp:http:upload", "eu:siacs:conversations:http:upload");

  static final int PORT_STARTTLS = 5222;
  static final int PORT_DIRECT_TLS = 5223;

  private final XMPPTCPConnection connection;
  private final CheckOptions options;
  private final DirectTlsSockets directTls;
  private final HostPort endpoint;
  /** What the server sent over the bound of the stream, once it has ({@link BoundedXmlStream}). */
  private final AtomicReference<BoundedXmlStream.Exceeded> tripped = new AtomicReference<>();

  /** An upload service as disco#info describes it. */
  record Service(DomainBareJid jid, boolean storeFile, List<String> namespaces, Long maxFileSize) {}

  XmppSession(CheckOptions options, Tls tls) throws StepFailure {
    this.options = options;
    SmackSetup.ensure();
    try {
      XMPPTCPConnectionConfiguration.Builder config = XMPPTCPConnectionConfiguration.builder()
          .setXmppDomain(options.domain())
          .setUsernameAndPassword(options.localpart(), options.password())
          // a resource of its own per run unless one is given: parallel checks with one account must not kick each other out
          .setResource(options.resource() != null ? options.resource()
              : "ejup-" + Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffffL))
          .setCustomX509TrustManager(tls.trustManager)
          .setHostnameVerifier(tls.hostnameVerifier)
          .setConnectTimeout((int) options.stepTimeout().toMillis())
          .setSendPresence(false)
          .setCompressionEnabled(false);
      if (options.directTls()) {
        // the socket is TLS before the stream starts; Smack must not look for STARTTLS on it
        directTls = new DirectTlsSockets(tls, options.domain(), (int) options.stepTimeout().toMillis(), tripped);
        endpoint = options.server() != null ? HostPort.parse(options.server(), PORT_DIRECT_TLS) : DirectTlsEndpoint.lookup(options.domain());
        config.setSecurityMode(ConnectionConfiguration.SecurityMode.disabled).setSocketFactory(directTls);
      } else {
        directTls = null;
        endpoint = options.server() != null ? HostPort.parse(options.server(), PORT_STARTTLS) : null;
        // what the server sends is bounded before and after STARTTLS (BoundedXmlStream)
        config.setSecurityMode(ConnectionConfiguration.SecurityMode.required).setSocketFactory(new BoundedSockets(tripped))
            .setSslContextFactory(() -> BoundedSockets.tlsContext(Tls.newContext()));
      }
      if (endpoint != null) {
        config.setHost(endpoint.host()).setPort(endpoint.port());
      }
      this.connection = new XMPPTCPConnection(config.build());
      this.connection.setReplyTimeout(options.stepTimeout().toMillis());
    } catch (XmppStringprepException e) {
      throw new StepFailure(dev.ejup.model.Status.UNKNOWN, "'" + options.jid() + "' is not a valid JID: " + Cause.words(e),
          "write it as user@domain");
    }
  }

  String where() {
    return endpoint != null ? endpoint.toString() : options.domain() + " (SRV/A)";
  }

  /** TCP, stream, STARTTLS or direct TLS, and the certificate check. */
  String connect() throws StepFailure, InterruptedException {
    try {
      connection.connect();
    } catch (SmackException.EndpointConnectionException e) {
      throw Diagnose.wrongTlsMode(Diagnose.network(firstCause(e), where(), "ejabberd"), firstCause(e), directTls != null, where());
    } catch (SmackException | IOException | XMPPException e) {
      throw overBound().orElse(Diagnose.wrongTlsMode(Diagnose.network(e, where(), "ejabberd"), e, directTls != null, where()));
    }
    if (directTls != null) {
      return where() + " direct TLS (" + directTls.protocol() + ")";
    }
    return where() + " " + (connection.isSecureConnection() ? "STARTTLS" : "without TLS");
  }

  /** Smack wraps every endpoint's failure; the first real one says what went wrong. */
  private static Throwable firstCause(SmackException.EndpointConnectionException e) {
    var failures = e.getConnectionExceptions();
    if (failures != null && !failures.isEmpty() && failures.get(0).getException() != null) {
      return failures.get(0).getException();
    }
    var lookups = e.getLookupFailures();
    if (lookups != null && !lookups.isEmpty() && lookups.get(0).getException() != null) {
      return lookups.get(0).getException();
    }
    return e;
  }

  String login() throws StepFailure, InterruptedException {
    try {
      connection.login();
      return connection.getUser() + " via " + connection.getUsedSaslMechansism();
    } catch (SASLErrorException e) {
      throw StepFailure.crit("authentication failed for " + options.jid() + " (" + e.getSASLFailure().getSASLErrorString() + ")",
          "check the account and its password (ejabberdctl check_password USER HOST PASSWORD)");
    } catch (SmackException | IOException | XMPPException e) {
      throw overBound().orElse(Diagnose.network(e, where(), "ejabberd"));
    }
  }

  /** The failure when the stream went over its bound: Smack's own error then only says the parser gave up. */
  private java.util.Optional<StepFailure> overBound() {
    return java.util.Optional.ofNullable(tripped.get()).map(e -> Diagnose.exceeded(e, where()));
  }

  List<Jid> discoItems() throws StepFailure, InterruptedException {
    try {
      DiscoverItems items = ServiceDiscoveryManager.getInstanceFor(connection).discoverItems(JidCreate.domainBareFrom(options.domain()));
      List<Jid> jids = new ArrayList<>();
      for (DiscoverItems.Item item : items.getItems()) {
        jids.add(item.getEntityID());
      }
      return jids;
    } catch (XMPPException.XMPPErrorException e) {
      throw StepFailure.crit("disco#items on " + options.domain() + " failed: " + e.getStanzaError().getCondition(),
          "enable mod_disco under modules");
    } catch (SmackException | XmppStringprepException e) {
      throw overBound().orElse(StepFailure.crit("disco#items on " + options.domain() + ": " + Cause.words(e), "check that ejabberd answers (ejabberdctl status)"));
    }
  }

  Service discoInfo(Jid jid) throws StepFailure, InterruptedException {
    try {
      DiscoverInfo info = ServiceDiscoveryManager.getInstanceFor(connection).discoverInfo(jid);
      boolean store = info.getIdentities().stream().anyMatch(i -> "store".equals(i.getCategory()) && "file".equals(i.getType()));
      List<String> namespaces = new ArrayList<>();
      if (info.containsFeature(NS_UPLOAD)) {
        namespaces.add(NS_UPLOAD);
      }
      OLD_NAMESPACES.stream().filter(info::containsFeature).forEach(namespaces::add);
      Long max = null;
      for (ExtensionElement element : info.getExtensions(DataForm.ELEMENT, DataForm.NAMESPACE)) {
        if (element instanceof DataForm form && NS_UPLOAD.equals(form.getFormType())) {
          FormField field = form.getField("max-file-size");
          if (field != null && field.getFirstValue() != null) {
            max = Long.parseLong(field.getFirstValue().trim());
          }
        }
      }
      return new Service(jid.asDomainBareJid(), store, namespaces, max);
    } catch (XMPPException.XMPPErrorException e) {
      throw StepFailure.crit("disco#info on " + jid + " failed: " + e.getStanzaError().getCondition(),
          "check that " + jid + " is the upload service (mod_http_upload's hosts option)");
    } catch (SmackException e) {
      throw overBound().orElse(StepFailure.crit("disco#info on " + jid + ": " + Cause.words(e), "check that ejabberd answers (ejabberdctl status)"));
    } catch (NumberFormatException e) {
      throw StepFailure.crit("disco#info on " + jid + ": max-file-size is not a number", "check mod_http_upload's max_size");
    }
  }

  /** A slot, or the refusal as a failure (file-too-large named as such). */
  Slot slot(DomainBareJid service, String name, long size, String contentType) throws StepFailure, InterruptedException {
    try {
      return connection.createStanzaCollectorAndSend(new SlotRequest(service, name, size, contentType))
          .nextResultOrThrow(options.stepTimeout().toMillis());
    } catch (XMPPException.XMPPErrorException e) {
      throw refusal(e.getStanzaError(), size);
    } catch (SmackException e) {
      throw overBound().orElse(StepFailure.crit("slot request to " + service + ": " + Cause.words(e), "check ejabberd's error.log"));
    }
  }

  /** The service's refusal of a slot (XEP-0363 section 5: file-too-large, or a stanza error) as a failure. */
  static StepFailure refusal(StanzaError error, long size) {
    String condition = error.getCondition().toString();
    // Smack parsed the XEP-0363 error element (FileTooLargeErrorProvider, registered by SmackSetup)
    if (error.getExtension(FileTooLargeError.ELEMENT, FileTooLargeError.NAMESPACE) instanceof FileTooLargeError) {
      return StepFailure.crit(StepFailure.Kind.FILE_TOO_LARGE, "slot refused: file-too-large (" + size + " bytes)",
          "upload less, or raise mod_http_upload's max_size");
    }
    if (error.getCondition() == StanzaError.Condition.forbidden || error.getCondition() == StanzaError.Condition.not_allowed) {
      return StepFailure.crit("slot refused: " + condition + (error.getDescriptiveText() == null ? "" : " (" + error.getDescriptiveText() + ")"),
          "the account is not allowed by mod_http_upload's access rule (default: local)");
    }
    return StepFailure.crit("slot refused: " + condition + (error.getDescriptiveText() == null ? "" : " (" + error.getDescriptiveText() + ")"),
        "check ejabberd's error.log");
  }

  @Override
  public void close() {
    connection.instantShutdown();
  }

  Duration replyTimeout() {
    return Duration.ofMillis(connection.getReplyTimeout());
  }
}
