package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The options of the listeners that carry uploads and logins (ejabberd_http, ejabberd_c2s) as
 * ejabberd_listener:validator/2 checks them: an option the module does not have makes ejabberd
 * refuse the whole file ("Invalid value of option listen->3: Unknown option: access. Did you mean
 * ...?"), and so does a value of the wrong type ("listen->3->request_handlers: Expected map, got
 * empty string instead"). Listeners of other modules are left to ejabberd.
 *
 * <p>Source: {@code listen_options/0} and {@code listen_opt_type/1} of ejabberd_listener,
 * ejabberd_http and ejabberd_c2s, and the options ejabberd_config_transformer takes away before the
 * check (certfile, inet, inet6, the pre-15.x http handler flags). An option is known when one of
 * 23.01, 24.12 or 26.07 has it, so a file written for a newer ejabberd is not called broken.
 */
final class ListenerRules {
  /** ejabberd_listener:listen_options/0 (unix_socket since 24.12), and what the transformer removes from every listener. */
  private static final Set<String> COMMON = Set.of("module", "port", "transport", "ip", "accept_interval", "send_timeout",
      "backlog", "unix_socket", "use_proxy_protocol", "supervisor", "inet", "inet6");
  /** Options the modules share: TLS (allow_unencrypted_sasl2 since 24.12), and certfile, which the transformer moves into certfiles. */
  private static final Set<String> TLS = Set.of("ciphers", "dhfile", "cafile", "protocol_options", "tls", "tls_compression",
      "allow_unencrypted_sasl2", "certfile");
  private static final Map<String, Set<String>> OWN = Map.of(
      // default_host until 25.x; captcha..http_poll: handler flags the transformer turns into request_handlers
      "ejabberd_http", Set.of("request_handlers", "tag", "default_host", "custom_headers",
          "captcha", "register", "web_admin", "http_bind", "xmlrpc", "http_poll"),
      // max_stanza_elements and the pre_auth_ limits since 26.x
      "ejabberd_c2s", Set.of("access", "shaper", "starttls", "starttls_required", "tls_verify", "zlib", "max_stanza_size",
          "max_stanza_elements", "max_fsm_queue", "pre_auth_max_stanza_size", "pre_auth_max_stanza_elements"));
  private static final Set<String> BOOLEANS = Set.of("tls", "tls_compression", "use_proxy_protocol", "supervisor", "starttls",
      "starttls_required", "tls_verify", "zlib", "allow_unencrypted_sasl2");

  private ListenerRules() {}

  static void check(ConfigTree tree, List<Diagnostic> out) {
    for (ConfigTree.Option option : tree.all("listen")) {
      List<Node> items = Nodes.items(tree.resolve(option.value()));
      for (int i = 0; i < items.size(); i++) {
        check(tree, items.get(i), "listen->" + (i + 1), option.file(), out);
      }
    }
    overlapping(tree, out);
  }

  /**
   * ejabberd_listener:check_overlapping_listeners (23.01 to 26.07): a second listener with the same
   * port, address and transport makes ejabberd refuse the file. Addresses are compared as addresses
   * ("::" and "0:0:0:0:0:0:0:0" are one); a listener without ip: is compared with the others
   * without one only, since the default address differs between releases.
   */
  private static void overlapping(ConfigTree tree, List<Diagnostic> out) {
    Map<String, Listener> seen = new java.util.HashMap<>();
    for (Listener listener : Listener.all(tree)) {
      if (listener.port() <= 0) {
        continue;
      }
      boolean explicit = Nodes.get(listener.node(), "ip").isPresent();
      String transport = Nodes.get(listener.node(), "transport").flatMap(tree::scalar).orElse("tcp");
      String key = listener.port() + "|" + (explicit ? address(listener.ip()) : "default") + "|" + transport;
      Listener first = seen.putIfAbsent(key, listener);
      if (first != null) {
        Node at = Nodes.get(listener.node(), "port").orElse(listener.node());
        out.add(ConfigTree.at(listener.file(), at, Rule.LISTEN_OVERLAPPING,
            "Overlapping listeners found at " + (explicit ? listener.ip() : "the default address") + " port " + listener.port()
                + " (also the listener at line " + (first.node().getStartMark().getLine() + 1) + ")",
            "merge the two listeners into one (one module per port and address), or give one of them another port"));
      }
    }
  }

  /** An IP literal in one spelling; anything else as written (never a name lookup). */
  private static String address(String ip) {
    String text = ip.strip();
    if (text.matches("[0-9A-Fa-f:.]+") && (text.contains(":") || text.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))) {
      try {
        return java.net.InetAddress.getByName(text).getHostAddress();
      } catch (java.net.UnknownHostException e) {
        return text;
      }
    }
    return text.toLowerCase(java.util.Locale.ROOT);
  }

  /** The options ejabberd accepts on a listener of this module, or empty for a module not checked here. */
  static Optional<Set<String>> known(String module) {
    Set<String> own = OWN.get(module);
    if (own == null) {
      return Optional.empty();
    }
    Set<String> all = new TreeSet<>(COMMON);
    all.addAll(TLS);
    all.addAll(own);
    return Optional.of(all);
  }

  private static void check(ConfigTree tree, Node item, String where, String file, List<Diagnostic> out) {
    Nodes.entry(item, "port").ifPresent(port -> port(tree.resolve(port.getValueNode()), where, file, out));
    String module = Nodes.get(item, "module").flatMap(tree::scalar).orElse("");
    Optional<Set<String>> known = known(module);
    if (known.isEmpty()) {
      return;
    }
    Optional<Node> handlers = Nodes.get(item, "request_handlers").map(tree::resolve);
    boolean emptyHandlers = handlers.map(h -> h instanceof ScalarNode s && s.getValue().isEmpty()).orElse(false);
    for (NodeTuple tuple : Nodes.entries(item)) {
      String name = Nodes.key(tuple);
      Node value = tree.resolve(tuple.getValueNode());
      if (!known.get().contains(name)) {
        if (emptyHandlers && name.startsWith("/")) {
          continue; // a handler dedented out of an empty request_handlers: reported there, where the mistake is
        }
        String guess = DidYouMean.closest(name, known.get()).map(n -> "did you mean '" + n + "'? ").orElse(
            name.equals("access") && module.equals("ejabberd_http") ? "who may upload is mod_http_upload's own 'access' option; " : "");
        out.add(ConfigTree.at(file, tuple.getKeyNode(), Rule.LISTEN_UNKNOWN_OPTION,
            where + ": Unknown option: " + name + " (ejabberd refuses the file: " + module + " listeners have no '" + name + "')",
            guess + "remove it; " + module + " listeners take: " + String.join(", ", known.get())));
      } else if (BOOLEANS.contains(name) && (!(value instanceof ScalarNode s) || Scalars.bool(s.getValue()).isEmpty())) {
        out.add(ConfigTree.at(file, value, Rule.LISTEN_TYPE,
            where + "->" + name + ": Expected boolean, got " + kind(value) + " instead", "write true or false"));
      } else if (name.equals("request_handlers")) {
        requestHandlers(item, value, where, file, out);
      } else if (name.equals("custom_headers")) {
        for (NodeTuple header : Nodes.entries(value)) {
          Node v = tree.resolve(header.getValueNode());
          if (!(v instanceof ScalarNode) || Scalars.number(v)) {
            out.add(ConfigTree.at(file, v, Rule.LISTEN_TYPE,
                where + "->custom_headers->" + Nodes.key(header) + ": Expected string, got " + kind(v) + " instead",
                "quote the value: " + Nodes.key(header) + ": \"" + Nodes.scalar(v).orElse("") + "\""));
          }
        }
      }
    }
  }

  /**
   * ejabberd_listener's port: an integer from 0 to 65535, or a string "unix:PATH" (a Unix socket);
   * any other string, a quoted number among them, is refused ("String '5443' doesn't match regular
   * expression: ^unix:.*", seen on 23.01).
   */
  private static void port(Node value, String where, String file, List<Diagnostic> out) {
    String text = Nodes.scalar(value).orElse("");
    String problem;
    if (Scalars.number(value)) {
      String digits = text.strip().replaceFirst("^\\+", "");
      boolean inRange = digits.matches("\\d{1,5}") && Integer.parseInt(digits) <= 65535;
      problem = inRange ? null : digits.matches("-?\\d+") ? "Expected integer from 0 to 65535, got: " + text
          : "Expected integer, got " + kind(value) + " instead";
    } else if (value instanceof ScalarNode) {
      problem = text.startsWith("unix:") ? null : "String '" + text + "' doesn't match regular expression: ^unix:.*";
    } else {
      problem = "Expected integer, got " + kind(value) + " instead";
    }
    if (problem != null) {
      out.add(ConfigTree.at(file, value, Rule.LISTEN_TYPE, where + "->port: " + problem,
          text.matches("\\d+") && !Scalars.number(value) ? "write the port without quotes: port: " + text
              : "write a port number from 1 to 65535 (port: 5443), or unix:PATH for a Unix socket"));
    }
  }

  private static void requestHandlers(Node item, Node value, String where, String file, List<Diagnostic> out) {
    if (value instanceof MappingNode) {
      return;
    }
    Optional<NodeTuple> dedented = Nodes.entries(item).stream().filter(t -> Nodes.key(t).startsWith("/")).findFirst();
    String hint = dedented.map(t -> "indent the handlers under it: '" + Nodes.key(t) + ": " + Nodes.scalar(t.getValueNode()).orElse("")
            + "' at line " + Nodes.line(t.getKeyNode()) + " stands at the listener's level, not under request_handlers")
        .orElse("write the handlers under it, indented: /upload: mod_http_upload");
    out.add(ConfigTree.at(file, value instanceof ScalarNode s && s.getValue().isEmpty() ? keyOf(item, "request_handlers") : value,
        Rule.LISTEN_TYPE, where + "->request_handlers: Expected map, got " + kind(value) + " instead", hint));
  }

  private static Node keyOf(Node item, String key) {
    return Nodes.entry(item, key).map(NodeTuple::getKeyNode).orElse(item);
  }

  /** The type of a value in ejabberd's words (yconf:format_yaml_type/1). */
  private static String kind(Node value) {
    if (value instanceof SequenceNode) {
      return "list";
    }
    if (value instanceof MappingNode) {
      return "map";
    }
    String s = Nodes.scalar(value).orElse("");
    if (s.isEmpty()) {
      return "empty string";
    }
    if (Scalars.number(value)) {
      return s.contains(".") ? "float" : "integer";
    }
    return "string";
  }
}
