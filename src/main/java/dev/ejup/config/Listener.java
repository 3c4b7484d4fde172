package dev.ejup.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * One item of {@code listen:}, read with macros resolved, as ejabberd reads it: request_handlers'
 * paths split on '/' (ejabberd_http's {@code str:tokens(Path, <<"/">>)}, so {@code upload},
 * {@code /upload} and {@code /upload/} are one path, kept here as {@code /upload}), {@code tls} a
 * yconf boolean (yes/on/y count).
 *
 * @param certfile the listener's own {@code certfile:} value node, or null
 */
public record Listener(
    int port, String ip, String module, boolean tls, Node certfile,
    Map<String, String> handlers, Node node, String file) {

  public boolean isHttp() {
    return "ejabberd_http".equals(module);
  }

  public boolean hasOwnCertfile() {
    return certfile != null;
  }

  /** The request_handlers path that routes to mod_http_upload, if any. */
  public Optional<String> uploadPath() {
    return handlers.entrySet().stream().filter(e -> "mod_http_upload".equals(e.getValue()))
        .map(Map.Entry::getKey).findFirst();
  }

  /**
   * The handler ejabberd_http gives a request for this URL path: the first of request_handlers, in
   * file order, whose path is a prefix of it by segments (ejabberd_http:process/2).
   *
   * @return the handler's path and module, or empty when the listener answers 404
   */
  Optional<Map.Entry<String, String>> handlerFor(UploadUrl url) {
    return handlers.entrySet().stream().filter(e -> url.servedUnder(e.getKey())).findFirst();
  }

  /** A request_handlers key as ejabberd matches it: its '/'-separated segments, written with one leading '/'. */
  static String handlerPath(String key) {
    StringBuilder path = new StringBuilder();
    for (String segment : key.split("/")) {
      if (!segment.isEmpty()) {
        path.append('/').append(segment);
      }
    }
    return path.length() == 0 ? "/" : path.toString();
  }

  public static List<Listener> all(ConfigTree tree) {
    List<Listener> listeners = new ArrayList<>();
    for (ConfigTree.Option option : tree.all("listen")) {
      for (Node item : Nodes.items(tree.resolve(option.value()))) {
        listeners.add(read(tree, item, option.file()));
      }
    }
    return listeners;
  }

  private static Listener read(ConfigTree tree, Node item, String file) {
    int port = Nodes.get(item, "port").flatMap(tree::scalar).map(Listener::toPort).orElse(-1);
    String ip = Nodes.get(item, "ip").flatMap(tree::scalar).orElse("::");
    String module = Nodes.get(item, "module").flatMap(tree::scalar).orElse("");
    boolean tls = Nodes.get(item, "tls").flatMap(tree::scalar).flatMap(Scalars::bool).orElse(false);
    Node certfile = Nodes.get(item, "certfile").orElse(null);
    Map<String, String> handlers = new LinkedHashMap<>();
    Node routes = Nodes.get(item, "request_handlers").map(tree::resolve).orElse(null);
    List<NodeTuple> entries = Nodes.entries(routes);
    if (routes instanceof org.yaml.snakeyaml.nodes.ScalarNode s && s.getValue().isEmpty()) {
      // handlers dedented out of an empty request_handlers: ejabberd refuses the file (ListenerRules
      // says so at that line); read what was meant, so routing is not blamed as well
      entries = Nodes.entries(item).stream().filter(t -> Nodes.key(t).startsWith("/")).toList();
    }
    for (NodeTuple t : entries) {
      handlers.putIfAbsent(handlerPath(Nodes.key(t)), tree.scalar(t.getValueNode()).orElse(""));
    }
    return new Listener(port, ip, module, tls, certfile, handlers, item, file);
  }

  private static int toPort(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
