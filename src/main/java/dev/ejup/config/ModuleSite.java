package dev.ejup.config;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Where a module is configured: globally under {@code modules:}, or for one virtual host under
 * {@code host_config} / {@code append_host_config}.
 *
 * @param vhost the host it applies to, or null for every host
 */
public record ModuleSite(String module, String vhost, NodeTuple tuple, String file) {
  public Node options() {
    return tuple.getValueNode();
  }

  static List<ModuleSite> find(ConfigTree tree, String module) {
    List<ModuleSite> sites = new ArrayList<>();
    for (ConfigTree.Option option : tree.all("modules")) {
      Nodes.entry(tree.resolve(option.value()), module)
          .ifPresent(t -> sites.add(new ModuleSite(module, null, t, option.file())));
    }
    for (String perHost : List.of("host_config", "append_host_config")) {
      for (ConfigTree.Option option : tree.all(perHost)) {
        for (NodeTuple host : Nodes.entries(tree.resolve(option.value()))) {
          Nodes.get(host.getValueNode(), "modules").flatMap(m -> Nodes.entry(m, module))
              .ifPresent(t -> sites.add(new ModuleSite(module, Nodes.key(host), t, option.file())));
        }
      }
    }
    return sites;
  }

  /** Every module name configured anywhere, with the site, for host collision checks. */
  static List<ModuleSite> everyModule(ConfigTree tree) {
    List<ModuleSite> sites = new ArrayList<>();
    for (ConfigTree.Option option : tree.all("modules")) {
      for (NodeTuple t : Nodes.entries(tree.resolve(option.value()))) {
        sites.add(new ModuleSite(Nodes.key(t), null, t, option.file()));
      }
    }
    return sites;
  }
}
