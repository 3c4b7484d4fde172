package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Lines end where SnakeYAML ends them, so a mark points at the same character in the text. */
class TextEditsTest {
  private static void scalars(Node node, List<ScalarNode> into) {
    if (node instanceof ScalarNode s) {
      into.add(s);
    } else if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        scalars(t.getKeyNode(), into);
        scalars(t.getValueNode(), into);
      }
    } else if (node instanceof SequenceNode q) {
      q.getValue().forEach(n -> scalars(n, into));
    }
  }

  @Test
  void everyLineBreakSnakeYamlKnowsIsOneHere() {
    // CRLF, LF, a lone CR, NEL, LS and PS (the last three inside comments, where a file may have them)
    String text = "a: one\r\nb: two\nc: three\rd: four\n# x\u0085e: five\n# y\u2028f: six\n# z\u2029g: [seven, \"é\u00e9\"]\r\n";
    TextEdits edits = new TextEdits(text);
    List<ScalarNode> found = new ArrayList<>();
    scalars(YamlTree.parse(text, "t.yml").root(), found);
    assertEquals(15, found.size());
    for (ScalarNode s : found) {
      int at = edits.offset(s.getStartMark());
      String here = text.substring(at, at + s.getValue().length() + (text.charAt(at) == '"' ? 2 : 0));
      assertEquals(s.getValue(), here.replace("\"", ""), "mark " + s.getStartMark());
    }
    assertEquals("c: three", edits.line(2));
    assertEquals("a: one", edits.line(0));
  }

  @Test
  void insertedLinesTakeTheFilesLineEnding() {
    TextEdits crlf = new TextEdits("a: 1\r\nb: 2\r\n");
    crlf.insert(crlf.lineEnd(0), "x:\n  y: 1\n");
    assertEquals("a: 1\r\nx:\r\n  y: 1\r\nb: 2\r\n", crlf.apply());
    TextEdits lf = new TextEdits("a: 1\nb: 2\n");
    lf.insert(lf.lineEnd(0), "x: 1\n");
    assertEquals("a: 1\nx: 1\nb: 2\n", lf.apply());
  }
}
