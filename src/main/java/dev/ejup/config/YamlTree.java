package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import dev.ejup.model.Severity;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Parses YAML into SnakeYAML's node tree (never into Java objects), keeping marks for positions.
 * Limits make hostile input fail fast: aliases (billion laughs), nesting depth, size.
 */
final class YamlTree {
  static final int MAX_ALIASES = 50;
  static final int MAX_DEPTH = 64;

  record Parsed(Node root, List<Diagnostic> diagnostics) {}

  private YamlTree() {}

  static Parsed parse(String text, String file) {
    List<Diagnostic> diagnostics = new ArrayList<>(tabs(text, file));
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit((int) ConfigFile.MAX_BYTES);
    options.setAllowDuplicateKeys(true); // reported by DuplicateKeys with both positions
    options.setAllowRecursiveKeys(false);
    try {
      Node root = new Yaml(options).compose(new StringReader(text));
      return new Parsed(root, diagnostics);
    } catch (MarkedYAMLException e) {
      if (diagnostics.isEmpty() || !isTabProblem(e)) {
        diagnostics.add(fromYamlError(e, file));
      }
      return new Parsed(null, diagnostics);
    } catch (YAMLException e) {
      diagnostics.add(new Diagnostic(file, 0, 0, Severity.ERROR, rule(e.getMessage()), e.getMessage(),
          hint(rule(e.getMessage()))));
      return new Parsed(null, diagnostics);
    }
  }

  private static boolean isTabProblem(MarkedYAMLException e) {
    return String.valueOf(e.getProblem()).contains("\\t") || String.valueOf(e.getProblem()).contains("TAB");
  }

  private static Diagnostic fromYamlError(MarkedYAMLException e, String file) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
    String context = e.getContext() == null ? "" : e.getContext() + ": ";
    String rule = rule(problem);
    String message = (context + problem).replaceAll("\\s+", " ").trim();
    return new Diagnostic(file, mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1,
        Severity.ERROR, rule, message, hint(rule));
  }

  private static String rule(String problem) {
    String p = String.valueOf(problem);
    if (p.contains("aliases")) {
      return "yaml.aliases";
    }
    if (p.contains("Nesting Depth") || p.contains("nesting")) {
      return "yaml.nesting";
    }
    if (p.contains("code points") || p.contains("exceeds the limit")) {
      return "yaml.too-large";
    }
    return "yaml.syntax";
  }

  private static String hint(String rule) {
    return switch (rule) {
      case "yaml.aliases" -> "an ejabberd.yml needs no more than " + MAX_ALIASES + " aliases; expand them or remove them";
      case "yaml.nesting" -> "the document nests deeper than " + MAX_DEPTH + " levels; an ejabberd.yml needs far fewer";
      case "yaml.too-large" -> "check that this is the right file";
      default -> "fix the YAML at this position: indentation, a missing ':' or an unclosed quote";
    };
  }

  /** ejabberd refuses tabs in indentation; name the exact line even where SnakeYAML would not. */
  private static List<Diagnostic> tabs(String text, String file) {
    List<Diagnostic> found = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      for (int col = 0; col < line.length(); col++) {
        char c = line.charAt(col);
        if (c == '\t') {
          found.add(new Diagnostic(file, i + 1, col + 1, Severity.ERROR, "yaml.tab",
              "tab character in indentation (ejabberd: \"found a tab character that violates indentation\")",
              "indent with spaces only"));
          break;
        }
        if (c != ' ') {
          break;
        }
      }
    }
    return found;
  }
}
