package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import dev.ejup.model.UserError;
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
    if (text.codePointCount(0, text.length()) > ConfigFile.MAX_BYTES) {
      // the file's size is refused as it is read (ConfigFile, exit 3), so no finding can be about it;
      // this is the same refusal for text that came another way
      throw UserError.unusable(file + ": too large for an ejabberd.yml (limit " + ConfigFile.MAX_BYTES / (1024 * 1024) + " MB)",
          "check that this is the right file");
    }
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit((int) ConfigFile.MAX_BYTES);
    options.setAllowDuplicateKeys(true); // reported by DuplicateKeys with both positions
    options.setAllowRecursiveKeys(false);
    try {
      Node root = new Yaml(options).compose(new StringReader(text));
      List<org.yaml.snakeyaml.events.AliasEvent> aliases = aliases(text, options);
      aliases.forEach(alias -> diagnostics.add(unresolved(alias, file)));
      if (!aliases.isEmpty()) {
        // every rule judges what ejabberd reads: the string 'name' where *name stands
        root = new Yaml(options).compose(new StringReader(aliasesAsStrings(text, aliases)));
      }
      return new Parsed(root, diagnostics);
    } catch (MarkedYAMLException e) {
      if (diagnostics.isEmpty() || !atTab(e, text)) {
        diagnostics.add(fromYamlError(e, file));
      }
      return new Parsed(null, diagnostics);
    } catch (YAMLException e) {
      // an unmarked YAMLException is one of the Composer's limits set above (aliases, nesting)
      Rule rule = limit(e);
      diagnostics.add(Rule.diagnostic(rule, file, 0, 0, e.getMessage(), hint(rule)));
      return new Parsed(null, diagnostics);
    }
  }

  /**
   * Every alias in a file that composed. SnakeYAML resolves {@code *name} to the anchored node, but
   * ejabberd's fast_yaml (p1_yaml 1.0.34 in 23.01, 1.0.37 in 24.12, 1.0.40 in 26.07, each decoded
   * here) returns the alias as the string "name": what ejabberd reads is not what the author meant.
   */
  private static List<org.yaml.snakeyaml.events.AliasEvent> aliases(String text, LoaderOptions options) {
    List<org.yaml.snakeyaml.events.AliasEvent> found = new ArrayList<>();
    for (org.yaml.snakeyaml.events.Event event : new Yaml(options).parse(new StringReader(text))) {
      if (event instanceof org.yaml.snakeyaml.events.AliasEvent alias) {
        found.add(alias);
      }
    }
    return found;
  }

  private static Diagnostic unresolved(org.yaml.snakeyaml.events.AliasEvent alias, String file) {
    Mark mark = alias.getStartMark();
    return Rule.diagnostic(Rule.YAML_ALIAS_UNRESOLVED, file, mark.getLine() + 1, mark.getColumn() + 1,
        "alias *" + alias.getAnchor() + ": ejabberd's YAML reader does not resolve aliases and reads the string '"
            + alias.getAnchor() + "' here, not the value anchored as &" + alias.getAnchor(),
        "write the value out in place of *" + alias.getAnchor() + " (or use define_macro and the macro's name)");
  }

  /**
   * The text as fast_yaml reads it: each alias {@code *name} becomes the plain string {@code name}
   * and a space, so every other character keeps its line and column.
   */
  private static String aliasesAsStrings(String text, List<org.yaml.snakeyaml.events.AliasEvent> aliases) {
    StringBuilder out = new StringBuilder(text);
    for (org.yaml.snakeyaml.events.AliasEvent alias : aliases) {
      // SnakeYAML counts code points; the text's indexes are UTF-16 units (an emoji before it is two)
      int start = text.offsetByCodePoints(0, alias.getStartMark().getIndex());
      int end = text.offsetByCodePoints(0, alias.getEndMark().getIndex());
      if (end - start == alias.getAnchor().length() + 1 && out.charAt(start) == '*') {
        out.replace(start, end, alias.getAnchor() + " ");
      }
    }
    return out.toString();
  }

  /** Whether SnakeYAML stopped on a tab character, which {@link #tabs} already named with its line. */
  private static boolean atTab(MarkedYAMLException e, String text) {
    Mark mark = e.getProblemMark();
    return mark != null && mark.getIndex() >= 0 && mark.getIndex() < text.length() && text.charAt(mark.getIndex()) == '\t';
  }

  private static Diagnostic fromYamlError(MarkedYAMLException e, String file) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
    String context = e.getContext() == null ? "" : e.getContext() + ": ";
    String message = (context + problem).replaceAll("\\s+", " ").trim();
    return Rule.diagnostic(Rule.YAML_SYNTAX, file, mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1,
        message, hint(Rule.YAML_SYNTAX));
  }

  /**
   * Which Composer limit an unmarked YAMLException is. SnakeYAML 2.2 throws the same class, with no
   * mark, for both (Composer.composeNode for aliases, increaseNestingDepth for depth), so its message
   * is the only thing that tells them apart; this is the one place that reads it, and the
   * yaml.aliases and yaml.nesting fixtures pin it. Anything else is a syntax error: never OK.
   */
  private static Rule limit(YAMLException e) {
    String p = String.valueOf(e.getMessage());
    if (p.startsWith("Number of aliases")) {
      return Rule.YAML_ALIASES;
    }
    if (p.startsWith("Nesting Depth")) {
      return Rule.YAML_NESTING;
    }
    return Rule.YAML_SYNTAX;
  }

  private static String hint(Rule rule) {
    return switch (rule) {
      case YAML_ALIASES -> "an ejabberd.yml needs no more than " + MAX_ALIASES + " aliases; expand them or remove them";
      case YAML_NESTING -> "the document nests deeper than " + MAX_DEPTH + " levels; an ejabberd.yml needs far fewer";
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
          found.add(Rule.diagnostic(Rule.YAML_TAB, file, i + 1, col + 1,
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
