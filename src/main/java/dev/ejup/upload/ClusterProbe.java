package dev.ejup.upload;

import dev.ejup.model.Cause;
import dev.ejup.model.HostPort;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cross-node probe of an ejabberd cluster: slots from the check's one session, each PUT
 * through one node and each stored file fetched through every other node, at the nodes' own
 * addresses with the slot URL's Host header, as a load balancer forwards them. ejabberd 23.01's
 * mod_http_upload keeps a slot in the state of the node whose session asked for it
 * ({@code add_slot}, {@code handle_call({use_slot, ...})}: any other node answers 403, its log
 * says "Invalid slot"), and serves a GET from its own {@code docroot} (404 "No such file" when
 * the docroots are not shared). Steps are {@code cluster-put-N} and {@code cluster-get-N}, N the
 * node's place among the --node-url values.
 *
 * <p>A failure is excused only when the slot's URL names one node directly (its scheme, host and
 * port equal a --node-url's): then every client goes to that node and no other node can receive
 * the request. The node the URL names is never excused.
 */
final class ClusterProbe {
  static final String FIXES = "fix it one of three ways: share the docroot between the nodes and send each PUT to the node "
      + "that issued its slot (put_url naming each node, or sticky routing of PUTs); or enable mod_http_upload on one node "
      + "only and let put_url and get_url name that node; or set external_secret and run an external upload server";

  /** A node's HTTP endpoint, as --node-url gives it. */
  record Node(int number, String scheme, String host, int port) {
    String base() {
      return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** True when the URL goes to this endpoint: scheme, host (case aside) and port alike. */
    boolean serves(java.net.URL url) {
      int p = url.getPort() < 0 ? url.getDefaultPort() : url.getPort();
      return scheme.equals(url.getProtocol()) && host.equalsIgnoreCase(bare(url.getHost())) && port == p;
    }

    /** The URL with this node's scheme, host and port: its path and query kept. */
    String route(java.net.URL url) {
      return base() + url.getFile();
    }
  }

  private final StepRunner runner;
  private final CheckOptions options;
  private final List<Node> nodes;

  ClusterProbe(StepRunner runner, CheckOptions options, List<Node> nodes) {
    this.runner = runner;
    this.options = options;
    this.nodes = nodes;
  }

  /**
   * The --node-url values as nodes: http or https, a host, an optional port (the scheme's default
   * otherwise), no path, query or user.
   *
   * @throws UserError (exit 3) naming the value and how to write it
   */
  static List<Node> parse(List<String> urls) {
    List<Node> nodes = new ArrayList<>();
    for (String text : urls) {
      String hint = "write the node's own HTTP endpoint as scheme://host[:port], e.g. --node-url https://node1.example.org:5443";
      URI uri;
      try {
        uri = new URI(text.strip());
      } catch (URISyntaxException e) {
        // the JDK's wording ("Expected authority at index 7") names neither the value's fault nor its fix
        throw UserError.unusable("--node-url '" + text + "' is not a URL with a host", hint);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw UserError.unusable("--node-url '" + text + "' is not an http or https URL", hint);
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw UserError.unusable("--node-url '" + text + "' has no host", hint);
      }
      if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) || uri.getRawQuery() != null
          || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
        throw UserError.unusable("--node-url '" + text + "' has more than scheme, host and port",
            "the probe keeps the slot's path (put_url's and get_url's); " + hint);
      }
      HostPort at;
      try {
        // java.net.URI takes any digits for a port (http://a:99999): HostPort holds it to 1-65535
        at = HostPort.parse(uri.getRawAuthority(), scheme.equals("https") ? 443 : 80);
      } catch (IllegalArgumentException e) {
        throw UserError.unusable("--node-url '" + text + "': " + e.getMessage(), hint);
      }
      Node node = new Node(nodes.size() + 1, scheme, bare(uri.getHost()), at.port());
      for (Node other : nodes) {
        if (other.base().equalsIgnoreCase(node.base())) {
          throw UserError.unusable("--node-url " + text + " is given twice", "name each node of the cluster once");
        }
      }
      nodes.add(node);
    }
    return List.copyOf(nodes);
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** A file stored through a node, and where its slot says to fetch it. */
  private record Stored(Node through, TestFile file, java.net.URL getUrl) {}

  /**
   * Runs the probe on the runner's worker: a fresh slot per node from the session, its PUT through
   * that node, then GETs through each node of what other nodes stored. Records one step per PUT
   * and per GET node; never throws but for an interrupt.
   *
   * @param like the check's own file: the probe's files have its size and type
   */
  void run(XmppSession xmpp, HttpTransfer http, XmppSession.Service service, UploadFlow.Slot first, TestFile like) throws InterruptedException {
    if (first.putUrl().getQuery() != null) {
      runner.record(Step.ok("cluster", Duration.ZERO, "the slot's PUT URL carries a token (external_secret): uploads go to the "
          + "external server " + first.putUrl().getHost() + ", which the nodes share, so no node keeps slots; nothing to route"));
      return;
    }
    Node putNode = named(first.putUrl());
    Node getNode = named(first.getUrl());
    List<Stored> stored = new ArrayList<>();
    for (Node node : nodes) {
      long seed = like.seed ^ (0x9E3779B97F4A7C15L * node.number());
      TestFile file = new TestFile(like.size, System.currentTimeMillis() / 1000, seed, options.contentType());
      PutResult done = runner.stage("cluster-put-" + node.number(), () -> put(xmpp, http, service, node, putNode, file), s -> s.detail);
      if (done != null && done.stored != null) {
        stored.add(done.stored);
      }
    }
    for (Node node : nodes) {
      runner.stage("cluster-get-" + node.number(), () -> get(http, node, getNode, stored), d -> d);
    }
  }

  /** The node the URL names directly, or null (a load balancer's name, or an address no --node-url gives). */
  private Node named(java.net.URL url) {
    for (Node node : nodes) {
      if (node.serves(url)) {
        return node;
      }
    }
    return null;
  }

  private record PutResult(String detail, Stored stored) {}

  private PutResult put(XmppSession xmpp, HttpTransfer http, XmppSession.Service service, Node node, Node putNode, TestFile file)
      throws Exception {
    SlotAnswer slot = xmpp.slot(service, file.name, file.size, options.contentType());
    java.net.URL putUrl = new java.net.URL(slot.putUrl);
    String url = node.route(putUrl);
    HttpTransfer.Outcome put;
    try {
      put = http.withHost(hostHeader(putUrl)).put(url, slot.headers, file, options.contentType(), Progress.NONE);
    } catch (IOException e) {
      throw Diagnose.network(e, node.base(), "ejabberd's upload listener on that node", options.stepTimeout());
    }
    String answer = "PUT through " + node.base() + " answered HTTP " + put.status() + " " + put.message();
    if (put.status() == 201 || put.status() == 200) {
      return new PutResult(answer + ", " + file.size + " bytes stored", new Stored(node, file, new java.net.URL(slot.getUrl)));
    }
    boolean excused = putNode != null && putNode != node;
    String issuer = put.status() == 403 ? " (ejabberd's 'Invalid slot': only the node holding this session's slot accepts its PUT)"
        : put.status() == 404 ? " (mod_http_upload does not serve this host on that node)" : "";
    if (excused && (put.status() == 403 || put.status() == 404)) {
      return new PutResult(answer + issuer + "; fine while put_url names " + putNode.base() + ", so no PUT reaches this node", null);
    }
    if (put.status() == 403 || put.status() == 404) {
      throw StepFailure.crit(answer + issuer + (putNode == node
          ? "; put_url names this node, but the session that got the slot is on another node"
          : "; a load balancer that sends a PUT to a node other than the uploader's fails it"), FIXES);
    }
    throw StepFailure.crit(answer, "check the upload listener of " + node.base() + " and anything in front of it");
  }

  /**
   * Fails (WARNING) a node's GET whose bytes came from another address a redirect pointed to: they
   * prove nothing of this node, which does not serve uploads itself.
   */
  static void servedHere(Node node, String url, HttpTransfer.Outcome got, String what) throws StepFailure {
    String start = HttpTransfer.originOf(okhttp3.HttpUrl.get(url));
    if (got.redirects().stream().anyMatch(h -> !HttpTransfer.originOf(okhttp3.HttpUrl.get(h.to())).equals(start))) {
      throw new StepFailure(Status.WARN, "GET through " + node.base() + " of " + what + " was redirected to another address"
          + got.via() + ": the bytes came from there, not from this node", "this node does not serve uploads itself, and a client's "
          + "GET that reaches it depends on where the redirect points: check that node's upload listener and any proxy in front of it");
    }
  }

  private String get(HttpTransfer http, Node node, Node getNode, List<Stored> stored) throws Exception {
    List<Stored> others = stored.stream().filter(s -> s.through != node).toList();
    List<Stored> wanted = others.isEmpty() ? stored.stream().filter(s -> s.through == node).toList() : others;
    if (wanted.isEmpty()) {
      throw new StepFailure(Status.UNKNOWN, "nothing to GET through " + node.base() + ": no PUT through any node stored a file",
          "see the cluster-put steps");
    }
    List<String> served = new ArrayList<>();
    for (Stored file : wanted) {
      String url = node.route(file.getUrl);
      HttpTransfer.Outcome got;
      try {
        got = http.withHost(hostHeader(file.getUrl)).get(url, file.file, Progress.NONE);
      } catch (IOException e) {
        throw Diagnose.network(e, node.base(), "ejabberd's upload listener on that node", options.stepTimeout());
      }
      String what = "the file PUT through " + file.through.base();
      if (got.status() == 404 || got.status() == 403) {
        String answer = "GET through " + node.base() + " of " + what + " answered HTTP " + got.status() + " " + got.message();
        if (getNode != null && getNode != node) {
          return answer + " (the docroots are not shared, or this node does not serve upload); fine while get_url names "
              + getNode.base() + ", so no GET reaches this node";
        }
        throw StepFailure.crit(answer + ": the docroot is not shared between the nodes"
            + (got.status() == 404 ? "" : " (or not readable here)") + ", so a download that reaches this node fails", FIXES);
      }
      try {
        UploadFlow.requireSame(got, file.file);
      } catch (StepFailure f) {
        throw new StepFailure(f.status, "through " + node.base() + ", " + what + ": " + f.getMessage(), f.hint);
      }
      servedHere(node, url, got, what);
      served.add(file.through.base());
    }
    return "GET through " + node.base() + " served the files PUT through " + String.join(", ", served) + " byte for byte";
  }

  /** What a load balancer forwards as Host: the URL's host, and its port when it is not the scheme's default. */
  static String hostHeader(java.net.URL url) {
    String host = url.getHost();
    return url.getPort() < 0 || url.getPort() == url.getDefaultPort() ? host : host + ":" + url.getPort();
  }
}
