package dev.ejup.config;

import dev.ejup.model.UserError;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Edits one block-style mapping of the original text in place: set a value, add an entry. */
final class BlockMapping {
  private final TextEdits edits;
  private final MappingNode node;
  private final String where;

  BlockMapping(TextEdits edits, Node node, String where) {
    if (!(node instanceof MappingNode m) || m.getFlowStyle() != DumperOptions.FlowStyle.BLOCK || m.getValue().isEmpty()) {
      throw UserError.critical(where + " (line " + Nodes.line(node) + ") is not a block mapping (it is written in {...} style or empty), so ejup "
          + "will not rewrite it", "write it one entry per line, then run ejup config apply again");
    }
    this.edits = edits;
    this.node = m;
    this.where = where;
  }

  MappingNode node() {
    return node;
  }

  int keyColumn() {
    return node.getValue().get(0).getKeyNode().getStartMark().getColumn();
  }

  Optional<NodeTuple> entry(String key) {
    return Nodes.entry(node, key);
  }

  /** Sets key to a scalar; keeps the file's own spelling when the value is already the same. */
  void set(String key, String yamlScalar, String plainValue) {
    Optional<NodeTuple> existing = entry(key);
    if (existing.isEmpty()) {
      add(key + ": " + yamlScalar + "\n");
      return;
    }
    Node value = existing.get().getValueNode();
    if (value instanceof ScalarNode s && s.getValue().equals(plainValue)) {
      return;
    }
    if (!(value instanceof ScalarNode)) {
      throw UserError.critical(where + "->" + key + " holds a list or mapping, not a single value",
          "edit " + key + " by hand (line " + Nodes.line(value) + ")");
    }
    edits.replace(edits.offset(value.getStartMark()), edits.offset(value.getEndMark()), yamlScalar);
  }

  /** Adds lines (relative indentation, no leading spaces) after the last entry. */
  void add(String block) {
    int line = TextEdits.lastMark(node).getLine();
    edits.insert(edits.lineEnd(line), ensureNewlineBefore(line) + Indent.by(block, keyColumn()));
  }

  /** Inserts lines before an existing entry's line (to keep alphabetical order). */
  void addBefore(NodeTuple entry, String block) {
    edits.insert(edits.lineStart(entry.getKeyNode().getStartMark().getLine()), Indent.by(block, keyColumn()));
  }

  private String ensureNewlineBefore(int line) {
    return edits.lineEnd(line) == edits.text().length() && !edits.text().endsWith("\n") ? "\n" : "";
  }
}
