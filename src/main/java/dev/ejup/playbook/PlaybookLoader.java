package dev.ejup.playbook;

import dev.ejup.config.DidYouMean;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Severity;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a playbook and validates all of it before anything runs, collecting every problem as a
 * {@code file:line:col} diagnostic. Rules: {@code yaml.syntax}, {@code playbook.wrong-type},
 * {@code playbook.unknown-step}, {@code playbook.unknown-option}, {@code playbook.missing-variable}.
 */
final class PlaybookLoader {
  private PlaybookLoader() {}

  private static final Set<String> TOP = Set.of("name", "vars", "lock", "steps");
  private static final Set<String> STEP_KEYS = Set.of("when", "on_failure");

  /** @param name the playbook's name as it says it, also when it has problems; "" where it says none */
  public record Result(Playbook playbook, List<Diagnostic> diagnostics, String name) {
    Result(Playbook playbook, List<Diagnostic> diagnostics) {
      this(playbook, diagnostics, "");
    }

    public boolean ok() {
      return diagnostics.isEmpty();
    }
  }

  /**
   * @param given names of variables set on the command line or by the inventory; null skips the
   *     check that every variable without a default is given (used to validate a playbook alone)
   */
  public static Result load(String file, String text, Set<String> given) {
    List<Diagnostic> out = new ArrayList<>();
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark();
      out.add(new Diagnostic(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1,
          Severity.ERROR, dev.ejup.config.Rule.YAML_SYNTAX.id(), "not valid YAML: " + e.getProblem(), "fix the YAML syntax at this place"));
      return new Result(null, out);
    }
    if (!(root instanceof MappingNode top)) {
      out.add(at(file, root, "playbook.wrong-type", "a playbook must be a mapping with name, vars and steps",
          "start from one of the playbooks in playbooks/"));
      return new Result(null, out);
    }
    String name = "";
    String lock = "";
    Map<String, String> defaults = new LinkedHashMap<>();
    Map<String, Node> varNodes = new LinkedHashMap<>();
    List<PlayStep> steps = new ArrayList<>();
    List<Node> stepNodes = new ArrayList<>();
    for (NodeTuple t : top.getValue()) {
      String key = scalar(t.getKeyNode());
      Node value = t.getValueNode();
      switch (key == null ? "" : key) {
        case "name" -> name = expectScalar(file, value, "name", out);
        case "lock" -> lock = expectScalar(file, value, "lock", out);
        case "vars" -> readVars(file, value, defaults, varNodes, out);
        case "steps" -> {
          if (value instanceof SequenceNode seq) {
            stepNodes.addAll(seq.getValue());
          } else {
            out.add(at(file, value, "playbook.wrong-type", "steps must be a list", "write each step as '- action: {options}'"));
          }
        }
        default -> out.add(at(file, t.getKeyNode(), "playbook.unknown-option", "unknown top-level key '" + key + "'",
            suggest(key, TOP)));
      }
    }
    for (Node n : stepNodes) {
      PlayStep step = readStep(file, n, out);
      if (step != null) {
        steps.add(step);
        checkReferences(file, n, defaults.keySet(), out);
      }
    }
    if (given != null) {
      for (Map.Entry<String, String> d : defaults.entrySet()) {
        if (d.getValue() == null && !given.contains(d.getKey())) {
          out.add(at(file, varNodes.get(d.getKey()), "playbook.missing-variable",
              "variable '" + d.getKey() + "' has no default and is not given",
              "add -e " + d.getKey() + "=VALUE (or set it in the inventory)"));
        }
      }
    }
    return new Result(out.isEmpty() ? new Playbook(name, file, defaults, lock, steps) : null, out, name == null ? "" : name);
  }

  private static void readVars(String file, Node value, Map<String, String> defaults, Map<String, Node> nodes,
      List<Diagnostic> out) {
    if (!(value instanceof MappingNode map)) {
      out.add(at(file, value, "playbook.wrong-type", "vars must be a mapping of name: default", "write 'vars: {domain: ~}'"));
      return;
    }
    for (NodeTuple t : map.getValue()) {
      String key = scalar(t.getKeyNode());
      Node v = t.getValueNode();
      if (v instanceof ScalarNode s) {
        defaults.put(key, Tag.NULL.equals(s.getTag()) ? null : s.getValue());
      } else {
        out.add(at(file, v, "playbook.wrong-type", "the default of '" + key + "' must be a plain value", "quote it"));
      }
      nodes.put(key, t.getKeyNode());
    }
  }

  private static PlayStep readStep(String file, Node n, List<Diagnostic> out) {
    if (!(n instanceof MappingNode map)) {
      out.add(at(file, n, "playbook.wrong-type", "a step must be a mapping like '- check: {domain: ${domain}}'",
          "one action key, then optional when: and on_failure:"));
      return null;
    }
    String action = null;
    Node actionKey = null;
    Map<String, String> options = new LinkedHashMap<>();
    String when = "";
    boolean cont = false;
    int errors = out.size();
    for (NodeTuple t : map.getValue()) {
      String key = scalar(t.getKeyNode());
      Node v = t.getValueNode();
      if ("when".equals(key)) {
        when = expectScalar(file, v, "when", out);
      } else if ("on_failure".equals(key)) {
        String f = expectScalar(file, v, "on_failure", out);
        if (!f.equals("stop") && !f.equals("continue")) {
          out.add(at(file, v, "playbook.wrong-type", "on_failure must be stop or continue, not '" + f + "'",
              "write on_failure: stop or on_failure: continue"));
        }
        cont = f.equals("continue");
      } else if (!Actions.OPTIONS.containsKey(key)) {
        out.add(at(file, t.getKeyNode(), "playbook.unknown-step", "unknown step '" + key + "'",
            suggest(key, Actions.OPTIONS.keySet())));
      } else if (action != null) {
        out.add(at(file, t.getKeyNode(), "playbook.wrong-type", "one step has two actions: " + action + " and " + key,
            "make '" + key + "' its own '- ' list item"));
      } else {
        action = key;
        actionKey = t.getKeyNode();
        readOptions(file, key, v, options, out);
      }
    }
    if (action == null) {
      if (out.size() == errors) {
        out.add(at(file, n, "playbook.unknown-step", "step has no action",
            "add one of: " + String.join(", ", Actions.OPTIONS.keySet())));
      }
      return null;
    }
    Mark m = actionKey.getStartMark();
    return new PlayStep(action, options, when, cont, m.getLine() + 1, m.getColumn() + 1);
  }

  private static void readOptions(String file, String action, Node v, Map<String, String> options, List<Diagnostic> out) {
    if (v instanceof ScalarNode s && (Tag.NULL.equals(s.getTag()) || s.getValue().isEmpty())) {
      return;
    }
    if (!(v instanceof MappingNode map)) {
      out.add(at(file, v, "playbook.wrong-type", "the options of '" + action + "' must be a mapping",
          "write '" + action + ": {option: value}' or leave it empty"));
      return;
    }
    Set<String> known = Actions.OPTIONS.get(action);
    for (NodeTuple t : map.getValue()) {
      String key = scalar(t.getKeyNode());
      if (!known.contains(key)) {
        out.add(at(file, t.getKeyNode(), "playbook.unknown-option", "'" + action + "' has no option '" + key + "'",
            Actions.REFUSED.getOrDefault(key, suggest(key, known))));
      } else if (t.getValueNode() instanceof ScalarNode s) {
        options.put(key, s.getValue());
        if (key.equals("timeout") && Vars.references(s.getValue()).isEmpty()) {
          try {
            dev.ejup.model.Seconds.parse("timeout", s.getValue(), false);
          } catch (dev.ejup.model.UserError e) {
            out.add(at(file, s, "playbook.wrong-type", e.getMessage(), e.hint()));
          }
        }
      } else {
        out.add(at(file, t.getValueNode(), "playbook.wrong-type", "option '" + key + "' must be a plain value",
            "quote it, e.g. " + key + ": \"...\""));
      }
    }
  }

  private static void checkReferences(String file, Node n, Set<String> declared, List<Diagnostic> out) {
    if (n instanceof ScalarNode s) {
      for (String ref : Vars.references(s.getValue())) {
        if (!declared.contains(ref)) {
          out.add(at(file, s, "playbook.missing-variable", "variable '" + ref + "' is not declared under vars",
              suggest(ref, declared).isEmpty() ? "declare it: vars: {" + ref + ": ~}" : suggest(ref, declared)));
        }
      }
    } else if (n instanceof MappingNode map) {
      for (NodeTuple t : map.getValue()) {
        checkReferences(file, t.getValueNode(), declared, out);
      }
    } else if (n instanceof SequenceNode seq) {
      seq.getValue().forEach(c -> checkReferences(file, c, declared, out));
    }
  }

  private static String expectScalar(String file, Node v, String what, List<Diagnostic> out) {
    if (v instanceof ScalarNode s) {
      return s.getValue();
    }
    out.add(at(file, v, "playbook.wrong-type", what + " must be a plain value", "write " + what + ": VALUE"));
    return "";
  }

  private static String scalar(Node n) {
    return n instanceof ScalarNode s ? s.getValue() : null;
  }

  private static String suggest(String word, Set<String> known) {
    return word == null ? "" : DidYouMean.closest(word, known).map(s -> "did you mean '" + s + "'?").orElse("");
  }

  private static Diagnostic at(String file, Node n, String rule, String message, String hint) {
    Mark m = n == null ? null : n.getStartMark();
    return new Diagnostic(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1,
        Severity.ERROR, rule, message, hint);
  }
}
