package dev.ejup.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Small readers over SnakeYAML nodes; none of them throws on an unexpected shape. */
final class Nodes {
  private Nodes() {}

  static Optional<String> scalar(Node node) {
    return node instanceof ScalarNode s ? Optional.of(s.getValue()) : Optional.empty();
  }

  /** A scalar written with quotes: YAML then never reads it as a number or a boolean. */
  static boolean quoted(Node node) {
    return node instanceof ScalarNode s && s.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN;
  }

  static List<NodeTuple> entries(Node node) {
    return node instanceof MappingNode m ? m.getValue() : List.of();
  }

  static List<Node> items(Node node) {
    return node instanceof SequenceNode s ? s.getValue() : List.of();
  }

  static String key(NodeTuple tuple) {
    return scalar(tuple.getKeyNode()).orElse("");
  }

  static Optional<NodeTuple> entry(Node mapping, String key) {
    for (NodeTuple tuple : entries(mapping)) {
      if (key.equals(key(tuple))) {
        return Optional.of(tuple);
      }
    }
    return Optional.empty();
  }

  static Optional<Node> get(Node mapping, String key) {
    return entry(mapping, key).map(NodeTuple::getValueNode);
  }

  static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  static int column(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getColumn() + 1;
  }

  /** Every mapping in the tree, depth first, each alias target once. */
  static List<MappingNode> allMappings(Node root) {
    List<MappingNode> found = new ArrayList<>();
    collect(root, found, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    return found;
  }

  private static void collect(Node node, List<MappingNode> found, java.util.Set<Node> seen) {
    if (node == null || !seen.add(node)) {
      return;
    }
    if (node instanceof MappingNode m) {
      found.add(m);
      for (NodeTuple t : m.getValue()) {
        collect(t.getKeyNode(), found, seen);
        collect(t.getValueNode(), found, seen);
      }
    } else if (node instanceof SequenceNode s) {
      for (Node item : s.getValue()) {
        collect(item, found, seen);
      }
    }
  }
}
