package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * What ejabberd accepts silently and then fails at upload time: URLs no listener serves, https
 * on a listener without TLS, an access rule that does not exist, hosts that collide.
 */
final class CrossChecks {
  static final String DEFAULT_PUT_URL = "https://@HOST@:5443/upload";
  static final Set<String> BUILTIN_ACCESS = Set.of("all", "none");

  /** Subdomains other modules register by default (ejabberd 23.01 mod_options/1). */
  private static final Map<String, String> DEFAULT_HOSTS = Map.of(
      "mod_muc", "conference.@HOST@", "mod_pubsub", "pubsub.@HOST@", "mod_proxy65", "proxy.@HOST@",
      "mod_mix", "mix.@HOST@", "mod_multicast", "multicast.@HOST@", "mod_http_upload", "upload.@HOST@");

  private CrossChecks() {}

  static void check(ConfigTree tree, List<ModuleSite> uploads, List<Diagnostic> out) {
    List<Listener> listeners = Listener.all(tree);
    for (ModuleSite site : uploads) {
      Node options = tree.resolve(site.options());
      String vhost = site.vhost() != null ? site.vhost() : tree.hosts().get(0);
      Optional<NodeTuple> put = Nodes.entry(options, "put_url");
      String putUrl = put.flatMap(t -> tree.scalar(t.getValueNode())).orElse(DEFAULT_PUT_URL);
      Node putAt = put.map(NodeTuple::getValueNode).orElse(site.tuple().getKeyNode());
      String secret = Nodes.get(options, "external_secret").flatMap(tree::scalar).orElse("");
      if (Nodes.get(options, "access").isEmpty()) {
        requireAccessRule(tree, site, site.tuple().getKeyNode(), "local", out);
      }
      if (site.vhost() == null && tree.hosts().size() > 1 && !putUrl.contains("@HOST@")) {
        out.add(ConfigTree.at(site.file(), putAt, Rule.UPLOAD_PUT_URL_NO_HOST,
            "put_url " + putUrl + " has no @HOST@ but there are " + tree.hosts().size()
                + " virtual hosts: ejabberd starts the module for the first host only",
            "write @HOST@ where the domain goes, e.g. https://@HOST@:5443/upload"));
      }
      Optional<UploadUrl> putParsed = UploadUrl.parse(putUrl, vhost);
      if (!secret.isEmpty()) {
        putParsed.filter(url -> routedHere(listeners, url)).ifPresent(url ->
            out.add(ConfigTree.at(site.file(), putAt, Rule.UPLOAD_EXTERNAL_SECRET_SELF,
                "external_secret is set, so uploads go to an external server, but put_url points at ejabberd's own "
                    + "mod_http_upload on port " + url.port(),
                "point put_url at the external upload server, or remove external_secret")));
        continue; // the external server serves both URLs; nothing of ejabberd's to route
      }
      putParsed.ifPresent(url -> route(tree, site, listeners, url, putAt, "put", Rule.UPLOAD_PUT_URL_UNROUTED, out));
      Optional<NodeTuple> get = Nodes.entry(options, "get_url");
      get.ifPresent(t -> tree.scalar(t.getValueNode()).flatMap(raw -> UploadUrl.parse(raw, vhost))
          .ifPresent(url -> route(tree, site, listeners, url, t.getValueNode(), "get", Rule.UPLOAD_GET_URL_UNROUTED, out)));
    }
    hostCollisions(tree, uploads, out);
    if (uploads.isEmpty()) {
      for (Listener listener : listeners) {
        listener.uploadPath().ifPresent(path -> out.add(ConfigTree.at(listener.file(), listener.node(), Rule.UPLOAD_MODULE_DISABLED, "listener on port " + listener.port() + " routes " + path
                + " to mod_http_upload, but the module is not enabled under modules",
            "enable it: ejup config apply FILE --host DOMAIN")));
      }
    }
  }

  private static boolean routedHere(List<Listener> listeners, UploadUrl url) {
    return listeners.stream().anyMatch(l -> l.isHttp() && l.port() == url.port()
        && l.handlerFor(url).map(h -> "mod_http_upload".equals(h.getValue())).orElse(false));
  }

  /**
   * Whether ejabberd serves this URL: put_url must reach mod_http_upload; get_url may also reach
   * another handler (mod_http_fileserver serving the docroot, a documented layout). A URL on a port
   * no ejabberd listener has is a reverse proxy's (or another web server's): a note, since only a
   * request through it ({@code ejup check}) can prove it.
   */
  private static void route(ConfigTree tree, ModuleSite site, List<Listener> listeners, UploadUrl url, Node at,
      String which, Rule rule, List<Diagnostic> out) {
    List<Listener> onPort = listeners.stream().filter(l -> l.port() == url.port()).toList();
    Optional<Listener> http = onPort.stream().filter(Listener::isHttp).findFirst();
    if (http.isEmpty()) {
      if (onPort.isEmpty()) {
        Optional<Listener> behind = listeners.stream().filter(l -> l.isHttp() && l.uploadPath().map(url::servedUnder).orElse(false))
            .findFirst();
        if (behind.isPresent()) {
          Listener l = behind.get();
          out.add(ConfigTree.at(site.file(), at, Rule.UPLOAD_REVERSE_PROXY,
              which + "_url " + url.raw() + " uses port " + url.port() + ", where no ejabberd listener listens; the listener on port "
                  + l.port() + " (" + l.file() + ":" + Nodes.line(l.node()) + ") routes " + url.path() + ": a reverse proxy on port "
                  + url.port() + " must forward " + url.path() + " to it",
              "make the proxy pass " + url.path() + " and the Host header to " + (l.tls() ? "https" : "http") + "://"
                  + dev.ejup.model.HostPort.bracketed(l.ip()) + ":" + l.port() + ", then run ejup check to prove it"));
          return;
        }
        if (which.equals("get")) {
          out.add(ConfigTree.at(site.file(), at, Rule.UPLOAD_GET_URL_ELSEWHERE,
              "get_url " + url.raw() + " uses port " + url.port() + ", where no ejabberd listener listens: another web server serves "
                  + url.path(),
              "that server must serve docroot's files under " + url.path() + "; run ejup check to prove downloads work"));
          return;
        }
      }
      String what = onPort.isEmpty() ? "no listener" : "only " + onPort.get(0).module();
      out.add(ConfigTree.at(site.file(), at, rule,
          which + "_url " + url.raw() + " uses port " + url.port() + ", but " + what + " listens there, and no ejabberd_http listener routes "
              + url.path() + " to mod_http_upload",
          "route it: add '" + url.path() + ": mod_http_upload' under the request_handlers of an ejabberd_http listener (behind a reverse"
              + " proxy: the one the proxy forwards to), or run: ejup config apply FILE --port PORT-OF-THAT-LISTENER"));
      return;
    }
    Listener listener = http.get();
    Optional<Map.Entry<String, String>> handler = listener.handlerFor(url);
    boolean upload = handler.map(h -> "mod_http_upload".equals(h.getValue())).orElse(false);
    if (!upload && !(which.equals("get") && handler.isPresent())) {
      out.add(ConfigTree.at(site.file(), at, rule,
          which + "_url path " + url.path() + " is not routed to mod_http_upload by the listener on port "
              + url.port() + " (" + listener.file() + ":" + Nodes.line(listener.node()) + ")"
              + handler.map(h -> ": " + h.getKey() + " goes to " + h.getValue()).orElse(""),
          "add '" + url.path() + ": mod_http_upload' under that listener's request_handlers"));
      return;
    }
    loopbackOnly(listeners, url, site, at, which, out);
    if (url.https() && !listener.tls()) {
      out.add(ConfigTree.at(site.file(), at, Rule.UPLOAD_HTTPS_WITHOUT_TLS,
          which + "_url is https but the listener on port " + url.port() + " has no 'tls: true'",
          "add 'tls: true' to the listener at " + listener.file() + ":" + Nodes.line(listener.node())));
    } else if (url.https() && !hasCertfiles(tree)) {
      certificate(tree, listeners, site, at, which, out);
    } else if (!url.https() && listener.tls()) {
      out.add(ConfigTree.at(site.file(), at, Rule.UPLOAD_HTTP_ON_TLS_LISTENER,
          which + "_url is plain http but the listener on port " + url.port() + " speaks TLS",
          "write https:// in the URL"));
    }
  }

  /**
   * The URL names a host other machines reach (example.org, a LAN address) on a port whose
   * ejabberd_http listeners, all that serve its path, bind a loopback address only (ip: 127.0.0.1
   * or ::1): ejabberd loads it and uploads from this machine work, but every client elsewhere gets
   * "connection refused". The URL's port being the listener's says no reverse proxy is in front
   * (one on another port is {@link Rule#UPLOAD_REVERSE_PROXY}, and binding loopback is then right).
   */
  private static void loopbackOnly(List<Listener> listeners, UploadUrl url, ModuleSite site, Node at, String which,
      List<Diagnostic> out) {
    if (dev.ejup.model.HostPort.isLoopback(url.host())) {
      return;
    }
    List<Listener> serving = listeners.stream().filter(l -> l.isHttp() && l.port() == url.port() && l.handlerFor(url).isPresent())
        .toList();
    if (serving.isEmpty() || !serving.stream().allMatch(l -> dev.ejup.model.HostPort.isLoopback(l.ip()))) {
      return;
    }
    Listener l = serving.get(0);
    out.add(ConfigTree.at(site.file(), at, Rule.UPLOAD_LOOPBACK_LISTENER,
        which + "_url " + url.raw() + " names " + url.host() + ", but the listener on port " + url.port() + " (" + l.file() + ":"
            + Nodes.line(l.node()) + ") listens on " + String.join(" and ", serving.stream().map(Listener::ip).distinct().toList())
            + " only: clients on other machines cannot connect to it",
        "let the listener take connections from outside (ip: \"::\", or this machine's public address), or put a reverse proxy on another"
            + " port in front and write that port in " + which + "_url; if a proxy on another address already forwards port "
            + url.port() + ", silence this with --ignore " + Rule.UPLOAD_LOOPBACK_LISTENER.id()));
  }

  /**
   * No top-level certfiles: a certfile on an ejabberd_http, ejabberd_c2s or ejabberd_s2s_in
   * listener is moved into certfiles by ejabberd (ejabberd_config_transformer, with a deprecation
   * warning in its log), so TLS works; none anywhere and it has no certificate.
   */
  private static void certificate(ConfigTree tree, List<Listener> listeners, ModuleSite site, Node at, String which,
      List<Diagnostic> out) {
    Optional<Listener> with = listeners.stream().filter(l -> l.certfile() != null
        && Set.of("ejabberd_http", "ejabberd_c2s", "ejabberd_s2s_in").contains(l.module())).findFirst();
    if (with.isPresent()) {
      Listener l = with.get();
      String path = tree.scalar(l.certfile()).orElse("");
      out.add(ConfigTree.at(l.file(), l.certfile(), Rule.UPLOAD_LISTENER_CERTFILE,
          "the only certificate is the certfile of the " + l.module() + " listener on port " + l.port()
              + ": ejabberd moves it into certfiles and logs that the option is deprecated",
          "move it to the top level: certfiles: [\"" + path + "\"]"));
      return;
    }
    out.add(ConfigTree.at(site.file(), at, Rule.UPLOAD_TLS_NO_CERTIFICATE,
        which + "_url is https but the config names no certificate (certfiles)",
        "add 'certfiles: [\"/etc/ejabberd/ejabberd.pem\"]' at the top level"));
  }

  private static boolean hasCertfiles(ConfigTree tree) {
    return tree.option("certfiles").map(o -> !Nodes.items(tree.resolve(o.value())).isEmpty()).orElse(false);
  }

  static void requireAccessRule(ConfigTree tree, ModuleSite site, Node at, String name, List<Diagnostic> out) {
    if (BUILTIN_ACCESS.contains(name)) {
      return;
    }
    Set<String> defined = new HashSet<>();
    tree.all("access_rules").forEach(o -> Nodes.entries(tree.resolve(o.value())).forEach(t -> defined.add(Nodes.key(t))));
    if (!defined.contains(name)) {
      String hint = DidYouMean.closest(name, defined).map(n -> "did you mean '" + n + "'? or add")
          .orElse("add") + " under access_rules: " + name + ": {allow: local}";
      out.add(ConfigTree.at(site.file(), at, Rule.UPLOAD_ACCESS_UNDEFINED,
          "access rule '" + name + "' of " + site.module() + " is not defined in access_rules: every slot request would be denied",
          hint));
    }
  }

  private static void hostCollisions(ConfigTree tree, List<ModuleSite> uploads, List<Diagnostic> out) {
    Map<String, String> taken = new LinkedHashMap<>();
    for (String vhost : tree.hosts()) {
      taken.put(vhost, "virtual host " + vhost);
    }
    for (ModuleSite other : ModuleSite.everyModule(tree)) {
      if (!other.module().equals("mod_http_upload")) {
        for (String host : serviceHosts(tree, other)) {
          for (String vhost : tree.hosts()) {
            taken.putIfAbsent(host.replace("@HOST@", vhost), other.module());
          }
        }
      }
    }
    for (ModuleSite site : uploads) {
      for (String host : serviceHosts(tree, site)) {
        for (String vhost : site.vhost() == null ? tree.hosts() : List.of(site.vhost())) {
          String expanded = host.replace("@HOST@", vhost);
          String owner = taken.get(expanded);
          if (owner != null) {
            out.add(ConfigTree.at(site.file(), site.tuple().getKeyNode(), Rule.UPLOAD_HOST_COLLISION,
                "upload service host " + expanded + " is already used by " + owner
                    + ": ejabberd sends each request for it to one of the two at random, so uploads fail at random",
                "give mod_http_upload its own subdomain: hosts: [\"upload.@HOST@\"]"));
          }
        }
      }
    }
  }

  private static List<String> serviceHosts(ConfigTree tree, ModuleSite site) {
    Node options = tree.resolve(site.options());
    List<String> hosts = new ArrayList<>();
    Nodes.get(options, "hosts").ifPresent(h -> Nodes.items(tree.resolve(h)).forEach(n -> tree.scalar(n).ifPresent(hosts::add)));
    if (hosts.isEmpty()) {
      Nodes.get(options, "host").flatMap(tree::scalar).ifPresent(hosts::add);
    }
    if (hosts.isEmpty() && DEFAULT_HOSTS.containsKey(site.module())) {
      hosts.add(DEFAULT_HOSTS.get(site.module()));
    }
    return hosts;
  }
}
