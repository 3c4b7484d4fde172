package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/** A key written twice in one mapping: YAML loaders keep one silently, so the other never applies. */
final class DuplicateKeys {
  private DuplicateKeys() {}

  static List<Diagnostic> find(MappingNode root, String file) {
    List<Diagnostic> found = new ArrayList<>();
    for (MappingNode mapping : Nodes.allMappings(root)) {
      Map<String, Node> first = new HashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        String key = Nodes.scalar(tuple.getKeyNode()).orElse(null);
        if (key == null) {
          continue;
        }
        Node earlier = first.putIfAbsent(key, tuple.getKeyNode());
        if (earlier != null) {
          found.add(ConfigTree.at(file, tuple.getKeyNode(), Rule.YAML_DUPLICATE_KEY,
              "duplicate key '" + key + "' (first at line " + Nodes.line(earlier) + "); only one of them would apply",
              "merge the two '" + key + "' entries into one"));
        }
      }
    }
    return found;
  }
}
