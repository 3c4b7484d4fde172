package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * An ejabberd.yml as ejabberd sees it: the main file plus every {@code include_config_file},
 * with {@code define_macro} values substituted on reading. Each top-level option remembers the
 * file its text is in, so a finding names that file and line.
 */
public final class ConfigTree {
  static final int MAX_INCLUDE_DEPTH = 8;

  /** A top-level option and where it is written. */
  public record Option(String name, NodeTuple tuple, String file) {
    public Node value() {
      return tuple.getValueNode();
    }
  }

  /** Reads a file by path; swapped for SFTP when the file lives on a server. */
  public interface Source {
    String read(Path path);
  }

  private final String mainFile;
  private final Node mainRoot;
  private final Map<String, Option> options = new LinkedHashMap<>();
  private final Map<String, List<Option>> mergedLists = new LinkedHashMap<>();
  private final Map<String, Node> macros = new LinkedHashMap<>();
  /** define_keyword's names: macros too from 25.03 on (before, ejabberd refuses the option). */
  private final Map<String, Node> keywords = new LinkedHashMap<>();
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  /** The ejabberd the verdict is for: which options, macros and placeholders it reads. */
  private EjabberdVersion version = EjabberdVersion.NEWEST;

  private ConfigTree(String mainFile, Node mainRoot) {
    this.mainFile = mainFile;
    this.mainRoot = mainRoot;
  }

  public static ConfigTree load(Path path, Source source) {
    return fromText(path, source.read(path), source);
  }

  /**
   * The file at path as a server's ejabberd.yml, for the commands that read one to act on it
   * (docroot's --config, check's --node-config): a YAML file that parses but has none of
   * ejabberd's {@code hosts}, {@code listen} or {@code modules} (such as /etc/passwd) is refused
   * rather than read as a config with nothing enabled. A file that does not parse is returned, so
   * the caller names the YAML error.
   *
   * @throws UserError UNKNOWN (usage, exit 3) naming the file when it is not an ejabberd.yml, or as
   *     {@link Source#read} when it cannot be read
   */
  public static ConfigTree loadEjabberdYml(Path path, Source source) {
    ConfigTree tree = load(path, source);
    boolean parsed = tree.parseDiagnostics().stream().noneMatch(d -> d.rule().startsWith("yaml."));
    if (parsed && List.of("hosts", "listen", "modules").stream().noneMatch(k -> tree.option(k).isPresent())) {
      throw dev.ejup.model.UserError.unusable(path + " is not an ejabberd.yml: it has no hosts, listen or modules option",
          "give the path of ejabberd's config, e.g. /etc/ejabberd/ejabberd.yml");
    }
    return tree;
  }

  /** The file as the given ejabberd release reads it. */
  public static ConfigTree load(Path path, Source source, EjabberdVersion version) {
    return fromText(path, source.read(path), source).forVersion(version);
  }

  /** Judges this tree for that ejabberd release (default: {@link EjabberdVersion#NEWEST}). */
  public ConfigTree forVersion(EjabberdVersion version) {
    this.version = version;
    return this;
  }

  public EjabberdVersion version() {
    return version;
  }

  /** Parses text as if it were the file at path (used to validate an edit before writing it). */
  public static ConfigTree fromText(Path path, String text, Source source) {
    YamlTree.Parsed parsed = YamlTree.parse(text, path.toString());
    ConfigTree tree = new ConfigTree(path.toString(), parsed.root());
    tree.diagnostics.addAll(parsed.diagnostics());
    if (parsed.root() != null) {
      tree.absorb(path, parsed.root(), source, 0, new java.util.HashSet<>(Set.of(path.toAbsolutePath().normalize())), name -> true);
    }
    return tree;
  }

  /**
   * @param admits the top-level keys that reach ejabberd from this file: an include's
   *     {@code allow_only} or {@code disallow}, and those of every include above it (p1_yconf's
   *     read_include_files/3 drops the others, after it has read the file's own includes)
   */
  private void absorb(Path file, Node root, Source source, int depth, Set<Path> chain, java.util.function.Predicate<String> admits) {
    if (!(root instanceof MappingNode mapping)) {
      diagnostics.add(at(file.toString(), root, Rule.CONFIG_NOT_A_MAPPING, "the top level of an ejabberd config must be a mapping of options",
          "start with options such as 'hosts:' and 'listen:'"));
      return;
    }
    diagnostics.addAll(DuplicateKeys.find(mapping, file.toString()));
    for (NodeTuple tuple : mapping.getValue()) {
      String name = Nodes.key(tuple);
      Option option = new Option(name, tuple, file.toString());
      if (name.equals("include_config_file")) {
        include(file, tuple, source, depth, chain, admits);
      } else if (!admits.test(name)) {
        continue;
      } else if (name.equals("define_macro")) {
        for (NodeTuple macro : Nodes.entries(tuple.getValueNode())) {
          macros.putIfAbsent(Nodes.key(macro), macro.getValueNode());
        }
        options.putIfAbsent(name, option);
      } else {
        if (name.equals("define_keyword")) {
          for (NodeTuple keyword : Nodes.entries(tuple.getValueNode())) {
            keywords.putIfAbsent(Nodes.key(keyword), keyword.getValueNode());
          }
        }
        // the main file is absorbed first: its options win over included ones
        options.putIfAbsent(name, option);
        mergedLists.computeIfAbsent(name, n -> new ArrayList<>()).add(option);
      }
    }
  }

  private void include(Path from, NodeTuple tuple, Source source, int depth, Set<Path> chain, java.util.function.Predicate<String> admits) {
    Node value = tuple.getValueNode();
    Map<Node, java.util.function.Predicate<String>> paths = new java.util.LinkedHashMap<>();
    if (value instanceof ScalarNode) {
      paths.put(value, admits);
    } else {
      for (Node item : Nodes.items(value)) {
        if (item instanceof ScalarNode) {
          paths.put(item, admits);
        } else {
          diagnostics.add(at(from.toString(), item, Rule.CONFIG_INCLUDE_OPTIONS,
              "include_config_file: an item of its list is not a file name (ejabberd refuses the file: \"Expected string\")",
              "list file names, or give a mapping of file name to its allow_only or disallow"));
        }
      }
      for (NodeTuple t : Nodes.entries(value)) {
        java.util.function.Predicate<String> filter = filter(from, t);
        if (filter != null) {
          paths.put(t.getKeyNode(), admits.and(filter));
        }
      }
    }
    for (Map.Entry<Node, java.util.function.Predicate<String>> entry : paths.entrySet()) {
      Node pathNode = entry.getKey();
      // as written: p1_yconf expands no macro in an include's path or options
      String name = Nodes.scalar(pathNode).orElse("");
      Path target = from.toAbsolutePath().getParent().resolve(name).normalize();
      if (depth + 1 > MAX_INCLUDE_DEPTH || chain.contains(target)) {
        diagnostics.add(at(from.toString(), pathNode, Rule.CONFIG_INCLUDE_LOOP,
            "include_config_file " + name + " includes itself (directly or through other files)",
            "remove the include that closes the loop"));
        continue;
      }
      String text;
      try {
        text = source.read(target);
      } catch (dev.ejup.model.UserError e) {
        diagnostics.add(at(from.toString(), pathNode, Rule.CONFIG_INCLUDE_UNREADABLE,
            "cannot include " + name + ": " + dev.ejup.model.Cause.words(e), "fix the path or the file; ejabberd will refuse to start"));
        continue;
      }
      YamlTree.Parsed parsed = YamlTree.parse(text, target.toString());
      diagnostics.addAll(parsed.diagnostics());
      if (parsed.root() != null) {
        Set<Path> deeper = new java.util.HashSet<>(chain);
        deeper.add(target);
        absorb(target, parsed.root(), source, depth + 1, deeper, entry.getValue());
      }
    }
  }

  /**
   * An include's options (p1_yconf's read_include_files/3): allow_only's keys when it names any
   * (disallow is then not read), else all but disallow's; both lists of names as written (no macro
   * is expanded there). Null, with a finding, when the options are not such (ejabberd refuses the file).
   */
  private java.util.function.Predicate<String> filter(Path from, NodeTuple include) {
    Node options = include.getValueNode();
    if (!(options instanceof MappingNode)) {
      diagnostics.add(at(from.toString(), options, Rule.CONFIG_INCLUDE_OPTIONS,
          "include_config_file->" + Nodes.key(include) + ": its options are not a mapping (ejabberd refuses the file: \"Expected map\")",
          "give allow_only: [OPTION, ...] or disallow: [OPTION, ...]"));
      return null;
    }
    List<String> allowOnly = List.of();
    List<String> disallow = List.of();
    boolean usable = true;
    for (NodeTuple option : Nodes.entries(options)) {
      String key = Nodes.key(option);
      Node list = option.getValueNode();
      if (!key.equals("allow_only") && !key.equals("disallow")) {
        diagnostics.add(at(from.toString(), option.getKeyNode(), Rule.CONFIG_INCLUDE_OPTIONS,
            "include_config_file->" + Nodes.key(include) + ": Unknown option: " + key + " (ejabberd refuses the file)",
            DidYouMean.closest(key, List.of("allow_only", "disallow")).map(n -> "did you mean '" + n + "'?").orElse("an include takes allow_only or disallow")));
        usable = false;
      } else if (!(list instanceof SequenceNode) || Nodes.items(list).stream().anyMatch(n -> !(n instanceof ScalarNode))) {
        diagnostics.add(at(from.toString(), list, Rule.CONFIG_INCLUDE_OPTIONS,
            "include_config_file->" + Nodes.key(include) + "->" + key + ": not a list of option names (ejabberd refuses the file: \"Expected list\")",
            "write it as a list, e.g. " + key + ": [loglevel]; a macro is not expanded there"));
        usable = false;
      } else if (key.equals("allow_only")) {
        allowOnly = Nodes.items(list).stream().map(n -> Nodes.scalar(n).orElse("")).toList();
      } else {
        disallow = Nodes.items(list).stream().map(n -> Nodes.scalar(n).orElse("")).toList();
      }
    }
    if (!usable) {
      return null;
    }
    if (!allowOnly.isEmpty()) {
      return allowOnly::contains;
    }
    List<String> dropped = disallow;
    return name -> !dropped.contains(name);
  }

  static Diagnostic at(String file, Node node, Rule rule, String message, String hint) {
    return Rule.diagnostic(rule, file, Nodes.line(node), Nodes.column(node), message, hint);
  }

  /** A macro name written as a plain value stands for the macro's value. */
  public Node resolve(Node node) {
    if (node instanceof ScalarNode s && macros.containsKey(s.getValue())) {
      return macros.get(s.getValue());
    }
    if (node instanceof ScalarNode s && version.atLeast(EjabberdVersion.KEYWORDS) && keywords.containsKey(s.getValue())) {
      return keywords.get(s.getValue());
    }
    return node;
  }

  /**
   * A plain value that is a macro name (upper case) no define_macro of the file defines: from
   * 24.12 on, ejabberd takes it from the environment variable EJABBERD_MACRO_NAME, which ejup
   * cannot see (ejabberd_config's macro expansion).
   */
  public boolean fromEnvironment(Node node) {
    return version.atLeast(EjabberdVersion.ENV_MACROS) && node instanceof ScalarNode s && !Nodes.quoted(s)
        && s.getValue().matches("[A-Z][A-Z0-9_]*") && resolve(s) == s;
  }

  public Optional<String> scalar(Node node) {
    return node == null ? Optional.empty() : Nodes.scalar(resolve(node));
  }

  public Optional<Option> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  /** Every definition of a top-level option over main file and includes, main file first. */
  public List<Option> all(String name) {
    return mergedLists.getOrDefault(name, List.of());
  }

  /** Every top-level key of every file (the main one, then those it includes) but include_config_file and define_macro, in file order. */
  public List<Option> everyOption() {
    return mergedLists.values().stream().flatMap(List::stream).toList();
  }

  public Map<String, Option> options() {
    return options;
  }

  public String mainFile() {
    return mainFile;
  }

  public Node mainRoot() {
    return mainRoot;
  }

  public List<Diagnostic> parseDiagnostics() {
    return diagnostics;
  }

  /**
   * The virtual hosts, the main file's first: ejabberd joins the hosts lists of every file into one
   * (econf:group_dups); [localhost] when there are none.
   */
  public List<String> hosts() {
    List<String> hosts = new ArrayList<>();
    all("hosts").forEach(o -> Nodes.items(resolve(o.value())).forEach(n -> scalar(n).ifPresent(hosts::add)));
    return hosts.isEmpty() ? List.of("localhost") : hosts;
  }
}
