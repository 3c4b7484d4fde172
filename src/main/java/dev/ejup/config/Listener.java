package dev.ejup.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/** One item of {@code listen:}, read with macros resolved. */
public record Listener(
    int port, String ip, String module, boolean tls, boolean hasOwnCertfile,
    Map<String, String> handlers, Node node, String file) {

  public boolean isHttp() {
    return "ejabberd_http".equals(module);
  }

  /** The request_handlers path that routes to mod_http_upload, if any. */
  public Optional<String> uploadPath() {
    return handlers.entrySet().stream().filter(e -> "mod_http_upload".equals(e.getValue()))
        .map(Map.Entry::getKey).findFirst();
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
    boolean tls = Nodes.get(item, "tls").flatMap(tree::scalar).map("true"::equals).orElse(false);
    boolean certfile = Nodes.get(item, "certfile").isPresent();
    Map<String, String> handlers = new LinkedHashMap<>();
    for (NodeTuple t : Nodes.entries(Nodes.get(item, "request_handlers").map(tree::resolve).orElse(null))) {
      handlers.put(Nodes.key(t), tree.scalar(t.getValueNode()).orElse(""));
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
