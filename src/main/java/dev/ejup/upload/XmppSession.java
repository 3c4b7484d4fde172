package dev.ejup.upload;

import dev.ejup.model.Cause;
import dev.ejup.model.HostPort;
import dev.ejup.upload.tuning.KeyShares;
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
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
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
  /** XEP-0363 version 0.2, still the only one some servers announce; its slot has another shape. */
  static final String NS_LEGACY = "urn:xmpp:http:upload";
  static final List<String> OLD_NAMESPACES = List.of(NS_LEGACY, "eu:siacs:conversations:http:upload");

  static {
    SmackSetup.ensure();
    for (String namespace : List.of(NS_UPLOAD, NS_LEGACY)) {
      org.jivesoftware.smack.provider.ProviderManager.addIQProvider("slot", namespace, new SlotAnswer.Provider());
      org.jivesoftware.smack.provider.ProviderManager.addExtensionProvider(TooLarge.ELEMENT, namespace, new TooLarge.Provider());
    }
  }

  static final int PORT_STARTTLS = 5222;
  static final int PORT_DIRECT_TLS = 5223;

  /** Smack's configuration, kept to make the connection again with a shorter timeout (see {@link #connectOnce}). */
  private final XMPPTCPConnectionConfiguration.Builder configuration;
  /** Made anew when a server refused the first handshake's key share (see {@link #connectOnce}). */
  private volatile XMPPTCPConnection connection;
  private final CheckOptions options;
  private final Tls tls;
  private volatile DirectTlsSockets directTls;
  /** Why the first handshake, with one key share, was refused, when it was and the second got through; else null. */
  private volatile String firstRefused;
  private final HostPort endpoint;
  /** What the server sent over the bound of the stream, once it has ({@link BoundedXmlStream}). */
  private final AtomicReference<BoundedXmlStream.Exceeded> tripped = new AtomicReference<>();
  /** The STARTTLS way in's sockets (null with direct TLS) */
  private BoundedSockets starttls;
  /** What ended the stream, when the connection said (a stream error, a closed socket) */
  private volatile Exception closedBy;
  /** Counted down once closedBy is known for the current connection. */
  private volatile java.util.concurrent.CountDownLatch closedKnown = new java.util.concurrent.CountDownLatch(1);
  /** The thread in Smack's login while it is there, for {@link #newConnection}'s wake-up (under loginGuard). */
  private Thread inLogin;
  private final Object loginGuard = new Object();
  /** Set when the stream ended during a login and the login was woken for it (not by a deadline). */
  private volatile boolean loginCutOff;
  /** Set while ejup itself shuts the connection down: no stream ended then. */
  private volatile boolean closing;

  /**
   * The domain's own disco#info answer (a DiscoverInfo) or why it failed (the exception), once
   * asked: it names the server for hints and may itself announce the upload service, and is asked
   * at most once per check for both (under domainGuard).
   */
  private Object domainAnswer;
  /** The domain's disco#info while its answer is awaited, sent beside disco#items ({@link #askDomainInfo}); else null. */
  private org.jivesoftware.smack.StanzaCollector domainPending;
  /** When domainPending was sent (System.nanoTime), for what is left of its timeout. */
  private long domainSent;
  private final Object domainGuard = new Object();

  /**
   * An upload service as disco#info describes it.
   *
   * @param storeName the name of its store/file identity, or "" without one
   * @param max the max-file-size of the form of the namespace the flow will use
   */
  record Service(DomainBareJid jid, boolean storeFile, String storeName, List<String> namespaces, MaxFileSize max) {
    Long maxFileSize() {
      return max.bytes();
    }

    /** The namespace the flow speaks to it: version 0.3+ when announced, else the legacy 0.2 (null: neither). */
    String namespace() {
      return namespaces.contains(NS_UPLOAD) ? NS_UPLOAD : namespaces.contains(NS_LEGACY) ? NS_LEGACY : null;
    }
  }

  XmppSession(CheckOptions options, Tls tls) throws StepFailure {
    this.options = options;
    this.tls = tls;
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
        // the socket is TLS before the stream starts (DirectTlsSockets, per connection); Smack must not look for STARTTLS on it
        endpoint = options.server() != null ? HostPort.parse(options.server(), PORT_DIRECT_TLS) : DirectTlsEndpoint.lookup(options.domain());
        config.setSecurityMode(ConnectionConfiguration.SecurityMode.disabled);
      } else {
        endpoint = options.server() != null ? HostPort.parse(options.server(), PORT_STARTTLS) : null;
        // what the server sends is bounded before and after STARTTLS (BoundedXmlStream)
        starttls = new BoundedSockets(tripped);
        config.setSecurityMode(ConnectionConfiguration.SecurityMode.required).setSocketFactory(starttls)
            .setSslContextFactory(() -> BoundedSockets.tlsContext(Tls.newContext()));
      }
      if (endpoint != null) {
        config.setHost(endpoint.host()).setPort(endpoint.port());
      }
      this.configuration = config;
      this.connection = newConnection((int) options.stepTimeout().toMillis());
    } catch (XmppStringprepException e) {
      throw new StepFailure(dev.ejup.model.Status.UNKNOWN, "'" + options.jid() + "' is not a valid JID: " + Cause.words(e),
          "write it as user@domain");
    }
  }

  /** A connection whose connect (TCP, stream, TLS) is bounded by timeoutMillis. */
  private XMPPTCPConnection newConnection(int timeoutMillis) {
    configuration.setConnectTimeout(timeoutMillis);
    if (options.directTls()) {
      directTls = new DirectTlsSockets(tls, options.domain(), timeoutMillis, tripped);
      configuration.setSocketFactory(directTls);
    }
    XMPPTCPConnection made = new XMPPTCPConnection(configuration.build()) {
      // Smack 4.4's login waits for SASL's answer holding the connection's lock, and the reader,
      // when the stream ends, shuts the connection down under that lock before it tells anyone: a
      // stream that ended during SASL (mod_fail2ban's policy-violation instead of <failure/>) held
      // the login for its whole timeout, worded as no answer. The reader comes here first, unlocked:
      // wake the login, which lets the shutdown and the listener below through
      @Override
      public void instantShutdown() {
        synchronized (loginGuard) {
          // only the current connection's end: a key-share retry's first connection may still be shutting down
          if (inLogin != null && inLogin != Thread.currentThread() && !closing && this == XmppSession.this.connection) {
            loginCutOff = true;
            inLogin.interrupt();
          }
        }
        super.instantShutdown();
      }

      // Only the reader calls this (ejup ends its connections with instantShutdown), when the
      // server ends the stream with a bare </stream:stream>, no stream error, the TCP connection
      // left open. Smack's disconnect waits for the lock the login holds, and wakes no pending
      // request: a login or a disco waited out its whole timeout, worded as no answer. Ended as on
      // a stream error instead, every wait ends at once and the listener below learns why
      @Override
      public void disconnect() {
        if (!closing && this == XmppSession.this.connection) {
          notifyConnectionError(new StreamEnded());
        } else {
          super.disconnect();
        }
      }
    };
    made.setReplyTimeout(timeoutMillis);
    java.util.concurrent.CountDownLatch known = new java.util.concurrent.CountDownLatch(1);
    closedKnown = known;
    closedBy = null;
    made.addConnectionListener(new org.jivesoftware.smack.ConnectionListener() {
      @Override
      public void connectionClosedOnError(Exception e) {
        if (made == XmppSession.this.connection) { // not a retried connection's late end
          closedBy = e;
          known.countDown();
        }
      }
    });
    return made;
  }

  /**
   * The server ended the stream with a bare </stream:stream> (RFC 6120 section 4.4), no stream
   * error. Worded as a connection the server closed: ejabberd sends that tag and closes the TCP
   * connection at once, and which of the two Smack sees first is a race.
   */
  static final class StreamEnded extends IOException {
    StreamEnded() {
      super("the server closed the stream (</stream:stream>)");
    }
  }

  /** The hint for a request that got no answer: the server's log when it ended the session, else {@code otherwise}. */
  private String ended(String otherwise) {
    return connection.isConnected() ? otherwise : SESSION_ENDED;
  }

  private static final String SESSION_ENDED = "the server ended this session: its log says why";

  /** Whether TLS was up on the last connection: STARTTLS got its {@code <proceed/>}, or the direct TLS handshake went through. */
  private boolean tlsUp() {
    return starttls != null ? starttls.tlsBegan() : directTls != null && !directTls.protocol().isEmpty();
  }

  /**
   * The connect step's failure when the server spoke XMPP and said what was wrong: the port is
   * right, so no hint about the other way in. A stream error (RFC 6120 section 4.9: host-unknown is
   * a JID whose domain the server does not serve), or stream features without STARTTLS.
   */
  private java.util.Optional<StepFailure> spoke(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof XMPPException.StreamErrorException streamError) {
        if (streamError.getStreamError().getCondition() == org.jivesoftware.smack.packet.StreamError.Condition.host_unknown) {
          return java.util.Optional.of(StepFailure.crit(where() + " does not serve " + options.domain() + " (host-unknown)",
              "add " + options.domain() + " to ejabberd's hosts, or check the domain of --jid (and --server)"));
        }
        return java.util.Optional.of(StepFailure.crit(where() + ": " + Diagnose.streamError(streamError), streamErrorHint(streamError)));
      }
      if (t instanceof StreamEnded) {
        return java.util.Optional.of(StepFailure.crit(where() + ": the server closed the stream before the login", "see ejabberd's log"));
      }
      // the server's <failure/> to STARTTLS (RFC 6120 section 5.4.2.2): ejabberd sends it when it has no certificate to offer
      if (t instanceof SmackException.SmackMessageException && "TLS negotiation has failed".equals(t.getMessage())) {
        return java.util.Optional.of(StepFailure.crit(where() + " refused STARTTLS (<failure/>): no usable certificate for " + options.domain() + "?",
            "check ejabberd's certfiles (the files exist, ejabberd may read them, one covers " + options.domain() + ") and its log"));
      }
      if (t instanceof SmackException.SecurityRequiredByClientException) {
        return java.util.Optional.of(StepFailure.crit(where() + " offers no STARTTLS",
            "let that ejabberd_c2s listener offer it (starttls_required: true, and a certificate for " + options.domain() + " in certfiles)"));
      }
    }
    return java.util.Optional.empty();
  }

  /** What the server sent first on a plain connection (STARTTLS's, before TLS); none for direct TLS, whose bytes are TLS's. */
  private byte[] firstBytes() {
    return starttls != null ? starttls.firstBytes() : new byte[0];
  }

  String where() {
    return endpoint != null ? endpoint.toString() : options.domain() + " (SRV/A)";
  }

  /** TCP, stream, STARTTLS or direct TLS, and the certificate check. */
  String connect() throws StepFailure, InterruptedException {
    try {
      connectOnce();
    } catch (SmackException.EndpointConnectionException e) {
      throw spoke(firstCause(e)).orElse(Diagnose.wrongTlsMode(Diagnose.network(firstCause(e), where(), "ejabberd"), firstCause(e), directTls != null,
          tlsUp(), where(), firstBytes()));
    } catch (SmackException | IOException | XMPPException e) {
      throw overBound().or(() -> spoke(e))
          .orElse(Diagnose.wrongTlsMode(Diagnose.network(e, where(), "ejabberd"), e, directTls != null, tlsUp(), where(), firstBytes()));
    }
    String again = firstRefused == null ? ""
        : " (made again with Java's default TLS groups: the first handshake, " + KeyShares.OFFERED + ", was refused: " + firstRefused + ")";
    if (directTls != null) {
      return where() + " direct TLS (" + directTls.protocol() + ")" + again;
    }
    return where() + " " + (connection.isSecureConnection() ? "STARTTLS" : "without TLS") + again;
  }

  /**
   * Smack's connect, made again with JSSE's own TLS groups when the server refused the handshake
   * with one key share ({@link KeyShares}), within what is left of the step's timeout. Smack names
   * the XMPP domain to TLS as its JID form has it, the direct TLS socket as given: KeyShares keys
   * both alike. A refusal on any of the addresses Smack tried counts (direct TLS moves on to the
   * next address after a failed handshake). The second connection is reported, with the first's
   * refusal in the step's detail: a refusal that was not about the groups (a broken node behind a
   * load balancer) is then in the report instead of hidden by the second connection's success.
   */
  private void connectOnce() throws SmackException, IOException, XMPPException, InterruptedException {
    long start = System.nanoTime();
    boolean limited = KeyShares.limits(options.domain());
    try {
      connection.connect();
    } catch (SmackException | IOException | XMPPException e) {
      Throwable refusal = refusal(e);
      long left = options.stepTimeout().toMillis() - (System.nanoTime() - start) / 1_000_000;
      if (!limited || refusal == null || tripped.get() != null || left < 1) {
        throw e;
      }
      KeyShares.widen(options.domain());
      // a new connection: the failed one's reader may still be shutting down what it had
      closing = true;
      connection.instantShutdown();
      closing = false;
      connection = newConnection((int) Math.min(left, Integer.MAX_VALUE));
      connection.connect();
      connection.setReplyTimeout(options.stepTimeout().toMillis());
      firstRefused = Cause.words(refusal);
    }
  }

  /** The handshake refusal that may be the one key share's, among the failures of every address Smack tried; null when none is. */
  private static Throwable refusal(Exception e) {
    if (e instanceof SmackException.EndpointConnectionException endpoints && endpoints.getConnectionExceptions() != null) {
      for (var failure : endpoints.getConnectionExceptions()) {
        if (failure.getException() != null && KeyShares.refused(failure.getException())) {
          return failure.getException();
        }
      }
      return null;
    }
    return KeyShares.refused(e) ? e : null;
  }

  /**
   * Smack wraps every endpoint's failure; the first real one says what went wrong, unless one of
   * them is this machine's trust store that can judge nothing: then no other address's failure
   * (one that refuses: IPv6 where ejabberd listens on IPv4 only) may stand for it.
   */
  private static Throwable firstCause(SmackException.EndpointConnectionException e) {
    var failures = e.getConnectionExceptions();
    if (failures != null) {
      for (var failure : failures) {
        if (Diagnose.causedBy(failure.getException(), UnusableTrustStore.class)) {
          return failure.getException();
        }
      }
    }
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
    synchronized (loginGuard) {
      inLogin = Thread.currentThread();
    }
    try {
      connection.login();
      return connection.getUser() + " via " + connection.getUsedSaslMechansism();
    } catch (SASLErrorException e) {
      throw StepFailure.crit("authentication failed for " + options.jid() + " (" + e.getSASLFailure().getSASLErrorString() + ")",
          "check the account and its password (ejabberdctl check_password USER HOST PASSWORD)");
    } catch (InterruptedException e) {
      if (!loginCutOff) {
        throw e; // a deadline
      }
      throw endedDuringLogin();
    } catch (SmackException | IOException | XMPPException e) {
      if (loginCutOff) {
        throw endedDuringLogin();
      }
      String said = Diagnose.smack(e, options.stepTimeout().toMillis(), closedBy);
      throw overBound().orElse(said != null ? StepFailure.crit("login at " + where() + ": " + said, "see ejabberd's log")
          : Diagnose.network(e, where(), "ejabberd"));
    } finally {
      synchronized (loginGuard) {
        inLogin = null;
        if (loginCutOff) {
          Thread.interrupted(); // the wake-up, had it come after Smack's wait: no later step may take it for a deadline
        }
      }
    }
  }

  /** The login's failure when the stream ended during it: what ended it, once the reader has said (at most a second). */
  private StepFailure endedDuringLogin() throws InterruptedException {
    Thread.interrupted();
    closedKnown.await(1, java.util.concurrent.TimeUnit.SECONDS);
    Exception why = closedBy;
    if (why instanceof XMPPException.StreamErrorException streamError) {
      return StepFailure.crit("login at " + where() + ": " + Diagnose.streamError(streamError), streamErrorHint(streamError));
    }
    return overBound().orElse(StepFailure.crit("login at " + where() + ": the server closed the stream during the login", "see ejabberd's log"));
  }

  /**
   * The hint for a stream error: policy-violation is, at a connect or a login, how ejabberd's
   * mod_fail2ban refuses an address after c2s_max_auth_failures failed logins.
   */
  private String streamErrorHint(XMPPException.StreamErrorException e) {
    if (e.getStreamError().getCondition() == org.jivesoftware.smack.packet.StreamError.Condition.policy_violation) {
      return "if it names failed authentications, mod_fail2ban has banned this address: check the account's password "
          + "(ejabberdctl check_password USER HOST PASSWORD), then lift the ban (ejabberdctl unban_ip with the address it names); else see ejabberd's log";
    }
    return "see ejabberd's log";
  }

  /** A request's failure in words: Smack's own failures without its class names and filters. */
  private String words(Exception e) {
    String said = Diagnose.smack(e, options.stepTimeout().toMillis(), closedBy);
    return said != null ? said : Cause.words(e);
  }

  /** The failure when the stream went over its bound: Smack's own error then only says the parser gave up. */
  private java.util.Optional<StepFailure> overBound() {
    return java.util.Optional.ofNullable(tripped.get()).map(e -> Diagnose.exceeded(e, where()));
  }

  /**
   * The domain's disco#items (XEP-0030 section 4). The domain's own disco#info is sent right after
   * it and read later ({@link #domainInfo()}): clients look for the upload service there first, and
   * asked together the two cost one round trip, not two. Items first: the server answers in order,
   * so the items' answer is read while the domain's (ejabberd's is the larger) is still parsed.
   */
  List<Jid> discoItems() throws StepFailure, InterruptedException {
    try {
      DiscoverItems request = new DiscoverItems();
      request.setType(IQ.Type.get);
      request.setTo(JidCreate.domainBareFrom(options.domain()));
      org.jivesoftware.smack.StanzaCollector pending = connection.createStanzaCollectorAndSend(request);
      askDomainInfo();
      List<Jid> jids = new ArrayList<>();
      if (pending.nextResultOrThrow() instanceof DiscoverItems items) {
        for (DiscoverItems.Item item : items.getItems()) {
          jids.add(item.getEntityID());
        }
      }
      return jids;
    } catch (XMPPException.XMPPErrorException e) {
      throw StepFailure.crit("disco#items on " + options.domain() + " failed: " + e.getStanzaError().getCondition(),
          "enable mod_disco under modules");
    } catch (SmackException | XmppStringprepException e) {
      throw overBound().orElse(StepFailure.crit("disco#items on " + options.domain() + ": " + words(e), ended("check that ejabberd answers (ejabberdctl status)")));
    }
  }

  /**
   * What jid's disco#info says of upload (the domain's own answer from the one asked for hints and
   * discovery, {@link #domainInfo()}); a failed request as a CRITICAL failure.
   */
  Service discoInfo(Jid jid) throws StepFailure, InterruptedException {
    try {
      return service(jid, jid.equals(domainJid()) ? domainInfo() : ServiceDiscoveryManager.getInstanceFor(connection).discoverInfo(jid));
    } catch (XMPPException.XMPPErrorException e) {
      throw StepFailure.crit("disco#info on " + jid + " failed: " + e.getStanzaError().getCondition(),
          "check that " + jid + " is the upload service (" + terms(null).hostOption() + ")");
    } catch (SmackException e) {
      throw overBound().orElse(StepFailure.crit("disco#info on " + jid + ": " + words(e), ended("check that " + terms(null).server() + " answers")));
    }
  }

  /** The account's domain as a JID. */
  DomainBareJid domainJid() {
    return connection.getXMPPServiceDomain();
  }

  /**
   * The domain's own disco#info, asked once per session: a failure is kept and thrown again
   * (a request that timed out is not waited for twice).
   */
  private DiscoverInfo domainInfo() throws XMPPException.XMPPErrorException, SmackException, InterruptedException {
    Object answer;
    synchronized (domainGuard) {
      if (domainAnswer == null) {
        askDomainInfo();
        if (domainAnswer == null) {
          long left = options.stepTimeout().toMillis() - (System.nanoTime() - domainSent) / 1_000_000;
          org.jivesoftware.smack.StanzaCollector pending = domainPending;
          domainPending = null; // a wait cut short (a deadline) leaves nothing to read: asked again if ever needed
          try {
            org.jivesoftware.smack.packet.Stanza got = pending.nextResultOrThrow(Math.max(1, left));
            domainAnswer = got instanceof DiscoverInfo ? got
                : new SmackException.SmackMessageException("answered without a disco#info query");
          } catch (XMPPException.XMPPErrorException | SmackException e) {
            domainAnswer = e;
          }
        }
      }
      answer = domainAnswer;
    }
    if (answer instanceof XMPPException.XMPPErrorException e) {
      throw e;
    }
    if (answer instanceof SmackException e) {
      throw e;
    }
    return (DiscoverInfo) answer;
  }

  /** Sends the domain's own disco#info unless it was sent or answered already; its answer is read by {@link #domainInfo()}. */
  private void askDomainInfo() throws InterruptedException {
    synchronized (domainGuard) {
      if (domainAnswer != null || domainPending != null) {
        return;
      }
      try {
        domainSent = System.nanoTime();
        domainPending = connection.createStanzaCollectorAndSend(DiscoverInfo.builder(connection).to(domainJid()).build());
      } catch (SmackException.NotConnectedException e) {
        domainAnswer = e;
      }
    }
  }

  /** The upload service as jid's disco#info answer describes it (features, store/file identity, max-file-size). */
  private static Service service(Jid jid, DiscoverInfo info) {
    var store = info.getIdentities().stream().filter(i -> "store".equals(i.getCategory()) && "file".equals(i.getType())).findFirst();
    List<String> namespaces = new ArrayList<>();
    if (info.containsFeature(NS_UPLOAD)) {
      namespaces.add(NS_UPLOAD);
    }
    OLD_NAMESPACES.stream().filter(info::containsFeature).forEach(namespaces::add);
    String used = namespaces.contains(NS_UPLOAD) ? NS_UPLOAD : NS_LEGACY;
    MaxFileSize max = MaxFileSize.NONE;
    for (ExtensionElement element : info.getExtensions(DataForm.ELEMENT, DataForm.NAMESPACE)) {
      if (element instanceof DataForm form && used.equals(form.getFormType())) {
        FormField field = form.getField("max-file-size");
        if (field != null) {
          String value = field.getFirstValue();
          max = value == null || value.isBlank() ? MaxFileSize.EMPTY : MaxFileSize.parse(value);
        }
      }
    }
    return new Service(jid.asDomainBareJid(), store.isPresent(), store.map(i -> i.getName() == null ? "" : i.getName()).orElse(""),
        namespaces, max);
  }

  /**
   * The server's software as its disco#info identity names it (server/im: "ejabberd", "Prosody"),
   * from the domain's disco#info asked once ({@link #domainInfo()}); "" when it does not answer or names none.
   */
  String serverName() throws InterruptedException {
    try {
      return domainInfo().getIdentities().stream().filter(i -> "server".equals(i.getCategory()) && i.getName() != null)
          .map(DiscoverInfo.Identity::getName).findFirst().orElse("");
    } catch (SmackException | XMPPException e) {
      return ""; // no name: the hints then speak of "the upload service" in general
    }
  }

  /** The words of hints for this server and service (service may be null before disco#info). */
  ServerTerms terms(Service service) throws InterruptedException {
    return ServerTerms.of(serverName(), service).forDomain(options.domain());
  }

  /**
   * A slot in the service's namespace (0.3+ or the legacy 0.2, whose request has another shape),
   * or the refusal as a failure (file-too-large named as such).
   */
  SlotAnswer slot(Service service, String name, long size, String contentType) throws StepFailure, InterruptedException {
    IQ request = NS_LEGACY.equals(service.namespace())
        ? new org.jivesoftware.smackx.httpfileupload.element.SlotRequest_V0_2(service.jid(), name, size, contentType)
        : new SlotRequest(service.jid(), name, size, contentType);
    if (!connection.isConnected()) {
      // ended during an HTTP step: Smack would refuse to send, worded as if it had waited for an answer
      throw StepFailure.crit(StepFailure.Kind.STREAM_GONE, "the server had closed the stream before the slot request to " + service.jid(),
          SESSION_ENDED);
    }
    try {
      IQ answer = connection.createStanzaCollectorAndSend(request).nextResultOrThrow(options.stepTimeout().toMillis());
      if (answer instanceof SlotAnswer slot) {
        return slot;
      }
      throw StepFailure.crit("the slot request to " + service.jid() + " was answered without a <slot>",
          "check " + terms(service).log() + " and that " + service.jid() + " is " + terms(service).module());
    } catch (XMPPException.XMPPErrorException e) {
      throw refusal(e.getStanzaError(), size, terms(service));
    } catch (SmackException e) {
      throw overBound().orElse(StepFailure.crit("slot request to " + service.jid() + ": " + words(e), "check " + terms(service).log()));
    }
  }

  /**
   * The service's refusal of a slot (XEP-0363 section 5) as a failure: file-too-large named as
   * such; a temporary refusal (type wait, or a {@code <retry stamp>}, as a daily quota answers) is
   * UNKNOWN, not CRITICAL, with the time to retry; forbidden and not-allowed each with their hint.
   */
  static StepFailure refusal(StanzaError error, long size, ServerTerms terms) {
    String said = error.getCondition() + (error.getDescriptiveText() == null ? "" : " (" + error.getDescriptiveText() + ")");
    if (error.getExtension(TooLarge.ELEMENT, NS_UPLOAD) instanceof TooLarge tooLarge) {
      return tooLarge(tooLarge, size, terms);
    }
    if (error.getExtension(TooLarge.ELEMENT, NS_LEGACY) instanceof TooLarge tooLarge) {
      return tooLarge(tooLarge, size, terms);
    }
    ExtensionElement retry = error.getExtension("retry", NS_UPLOAD);
    String stamp = retry instanceof org.jivesoftware.smack.packet.StandardExtensionElement r ? r.getAttributeValue("stamp") : null;
    // temporary only as XEP-0363 section 5 shows it (a quota: resource-constraint, a <retry stamp>); another error of
    // type wait is a service failing now (prosody-modules' mod_http_upload answers a storage it cannot write so)
    if (stamp != null || error.getCondition() == StanzaError.Condition.resource_constraint) {
      return new StepFailure(dev.ejup.model.Status.UNKNOWN,
          "slot refused for now: " + said + (stamp == null ? "" : "; retry after " + stamp),
          "temporary, not a broken upload: the account " + (stamp == null ? "may try again later" : "may try again after " + stamp)
              + "; if it is a quota, give the check account room (" + terms.quotaOption() + ")");
    }
    if (error.getCondition() == StanzaError.Condition.internal_server_error) {
      return StepFailure.crit("slot refused: " + said, "the upload service failed on its side: " + terms.log()
          + " says why (often it cannot write its storage directory)");
    }
    if (error.getCondition() == StanzaError.Condition.forbidden) {
      return StepFailure.crit(StepFailure.Kind.REFUSED, "slot refused: " + said, "the account may not upload: " + terms.accessOption());
    }
    if (error.getCondition() == StanzaError.Condition.not_acceptable) {
      return StepFailure.crit(StepFailure.Kind.NOT_ACCEPTABLE, "slot refused: " + said,
          "not-acceptable is XEP-0363's answer to a file too large: upload less, or raise " + terms.sizeOption() + "; else see " + terms.log());
    }
    if (error.getCondition() == StanzaError.Condition.not_allowed) {
      return StepFailure.crit(StepFailure.Kind.REFUSED, "slot refused: " + said,
          "the service does not allow this request from this account (not-allowed): check that the account's domain is one "
              + terms.module() + " serves, and " + terms.log());
    }
    boolean failing = error.getType() == StanzaError.Type.WAIT || error.getCondition() == StanzaError.Condition.service_unavailable
        || error.getCondition() == StanzaError.Condition.remote_server_timeout || error.getCondition() == StanzaError.Condition.remote_server_not_found;
    return StepFailure.crit(failing ? StepFailure.Kind.OTHER : StepFailure.Kind.REFUSED, "slot refused: " + said, "check " + terms.log());
  }

  private static StepFailure tooLarge(TooLarge tooLarge, long size, ServerTerms terms) {
    MaxFileSize max = tooLarge.max;
    String limit = max.text() == null ? "no max-file-size given"
        : "max-file-size " + (max.problem() == null ? max.text() : max.problem());
    return StepFailure.crit(StepFailure.Kind.FILE_TOO_LARGE, "slot refused: file-too-large (" + size + " bytes), " + limit,
        "upload less, or raise " + terms.sizeOption());
  }

  @Override
  public void close() {
    closing = true;
    connection.instantShutdown();
  }

  Duration replyTimeout() {
    return Duration.ofMillis(connection.getReplyTimeout());
  }
}
