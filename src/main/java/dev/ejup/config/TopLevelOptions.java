package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The top-level options an ejabberd release accepts, and the rules that a file names only those,
 * and only where they may stand. ejabberd refuses a file otherwise ("Unknown option: certfile. Did
 * you mean certfiles?") and does not start: {@code ejabberd_config:validate/1} checks every
 * top-level key, and every key of a host in {@code host_config} and {@code append_host_config},
 * against the keys of {@code ejabberd_options:options()} (those of {@code ejabberd_options:globals()}
 * at the top level only), after {@code ejabberd_config_transformer} has taken over a few older
 * names (moved into another option or dropped, with a warning); {@code hosts} is required, and a
 * host entry must name one of them. The lists are read off the real releases
 * ({@code src/main/resources/ejabberd/}), and DifferentialIT compares each running node's own
 * lists with them.
 */
final class TopLevelOptions {
  /** Each known release's options, oldest release first. */
  private static final Map<EjabberdVersion, Set<String>> BY_RELEASE = load("options");
  /** Each known release's options that only the top level may set (ejabberd_options:globals()). */
  private static final Map<EjabberdVersion, Set<String>> GLOBALS = load("globals");
  /** Keys with a rule of their own for the release they appeared in (ConfigValidator's define_keyword). */
  private static final Set<String> OWN_RULE = Set.of("define_keyword");

  private TopLevelOptions() {}

  private static Map<EjabberdVersion, Set<String>> load(String kind) {
    Map<EjabberdVersion, Set<String>> lists = new TreeMap<>();
    for (EjabberdVersion release : EjabberdVersion.KNOWN) {
      try (InputStream in = TopLevelOptions.class.getResourceAsStream("/ejabberd/" + kind + "-" + release + ".txt")) {
        if (in == null) {
          throw new IllegalStateException("the jar lacks ejabberd " + release + "'s option list");
        }
        Set<String> names = new TreeSet<>();
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank() && !line.startsWith("#")) {
            names.add(line.strip());
          }
        }
        lists.put(release, Collections.unmodifiableSet(names));
      } catch (IOException e) {
        throw new IllegalStateException("the jar's option list of ejabberd " + release + " cannot be read", e);
      }
    }
    return Collections.unmodifiableMap(lists);
  }

  /**
   * What a release accepts: a known release's own list; between two known releases, what either
   * has (an option that came or went in between is not held against the file); outside them, the
   * nearest one's (EjabberdVersion#outsideKnown says so once).
   */
  static Set<String> acceptedBy(EjabberdVersion version) {
    return near(BY_RELEASE, version, true);
  }

  /** The options a release allows at the top level only: between two known releases, only those both keep there. */
  static Set<String> globalsOf(EjabberdVersion version) {
    return near(GLOBALS, version, false);
  }

  /** A known release's list; between two, what either has (union) or what both have; outside them, the nearest one's. */
  private static Set<String> near(Map<EjabberdVersion, Set<String>> lists, EjabberdVersion version, boolean union) {
    EjabberdVersion below = null;
    EjabberdVersion above = null;
    for (EjabberdVersion release : BY_RELEASE.keySet()) {
      if (release.compareTo(version) <= 0) {
        below = release;
      } else if (above == null) {
        above = release;
      }
    }
    if (below != null && below.equals(version) || above == null) {
      return lists.get(below);
    }
    if (below == null) {
      return lists.get(above);
    }
    Set<String> both = new TreeSet<>(lists.get(below));
    if (union) {
      both.addAll(lists.get(above));
    } else {
      both.retainAll(lists.get(above));
    }
    return both;
  }

  /** The first known release newer than version that has the option, if one does. */
  private static Optional<EjabberdVersion> addedAfter(String name, EjabberdVersion version) {
    return BY_RELEASE.entrySet().stream().filter(e -> e.getKey().compareTo(version) > 0 && e.getValue().contains(name))
        .map(Map.Entry::getKey).findFirst();
  }

  /** The last known release older than version that had the option, if one did. */
  private static Optional<EjabberdVersion> removedAfter(String name, EjabberdVersion version) {
    EjabberdVersion last = null;
    for (Map.Entry<EjabberdVersion, Set<String>> e : BY_RELEASE.entrySet()) {
      if (e.getKey().compareTo(version) < 0 && e.getValue().contains(name)) {
        last = e.getKey();
      }
    }
    return Optional.ofNullable(last);
  }

  /** Reports every top-level key, and every key of a host in host_config and append_host_config, the release does not accept. */
  static void check(ConfigTree tree, List<Diagnostic> out) {
    EjabberdVersion version = tree.version();
    Set<String> accepted = acceptedBy(version);
    List<ConfigTree.Option> keys = new ArrayList<>(tree.everyOption());
    if (tree.all("hosts").isEmpty()) {
      out.add(ConfigTree.at(tree.mainFile(), tree.mainRoot(), Rule.CONFIG_HOSTS_MISSING,
          "no hosts option in this file or those it includes (ejabberd " + version + " refuses the file: \"Missing required option: hosts\")",
          "add hosts: [example.org], the domains this server serves; for a file that ejabberd.yml includes, validate ejabberd.yml itself"));
    }
    for (ConfigTree.Option hosts : tree.all("hosts")) {
      Node value = tree.resolve(hosts.value());
      if (tree.fromEnvironment(hosts.value())) {
        continue;
      }
      if (!(value instanceof SequenceNode list) || list.getValue().isEmpty()) {
        out.add(ConfigTree.at(hosts.file(), hosts.value(), Rule.CONFIG_HOSTS_MISSING,
            "hosts is " + (value instanceof SequenceNode ? "an empty list (ejabberd " + version + " refuses the file: \"Empty list is not allowed\")"
                : "not a list (ejabberd " + version + " refuses the file: \"Expected list\")"),
            "write the domains this server serves as a list, e.g. hosts: [example.org]"));
      }
    }
    Set<String> globals = globalsOf(version);
    Optional<List<String>> served = served(tree);
    for (ConfigTree.Option option : keys) {
      if (!OWN_RULE.contains(option.name())) {
        judge(option.name(), option.tuple(), option.file(), "", version, accepted, out);
      }
      if (option.name().equals("host_config") || option.name().equals("append_host_config")) {
        Node value = tree.resolve(option.value());
        if (!(value instanceof MappingNode || empty(value))) {
          out.add(ConfigTree.at(option.file(), option.value(), Rule.CONFIG_HOST_CONFIG_HOST,
              option.name() + ": not a mapping of host names to their options (ejabberd " + version + " refuses the file: \"Expected map\")",
              "write it as a mapping, e.g. " + option.name() + ": {example.org: {OPTION: VALUE}}"));
          continue;
        }
        for (NodeTuple host : Nodes.entries(value)) {
          String where = option.name() + "->" + Nodes.key(host) + ": ";
          if (!servedHere(tree, option, host, served, version, out)) {
            continue;
          }
          for (NodeTuple hostOption : Nodes.entries(tree.resolve(host.getValueNode()))) {
            String name = Nodes.key(hostOption);
            if (globals.contains(name)) {
              out.add(ConfigTree.at(option.file(), hostOption.getKeyNode(), Rule.CONFIG_GLOBAL_IN_HOST,
                  where + "option '" + name + "' is not allowed in this context: only the top level may set it (ejabberd " + version + " refuses the file)",
                  "move it to the top level of the file, where it applies to every host"));
            } else {
              judge(name, hostOption, option.file(), where, version, accepted, out);
            }
          }
        }
      }
    }
  }

  /** The names in hosts, lower-cased as ejabberd compares them (jid:nameprep); none when a name comes from the environment. */
  private static Optional<List<String>> served(ConfigTree tree) {
    List<String> names = new ArrayList<>();
    // every file's hosts: ejabberd joins them into one list
    for (ConfigTree.Option hosts : tree.all("hosts")) {
      if (tree.fromEnvironment(hosts.value())) {
        return Optional.empty();
      }
      for (Node item : Nodes.items(tree.resolve(hosts.value()))) {
        Optional<String> name = tree.scalar(item);
        if (name.isEmpty() || tree.fromEnvironment(item)) {
          return Optional.empty();
        }
        names.add(name.get().toLowerCase(Locale.ROOT));
      }
    }
    return names.isEmpty() ? Optional.empty() : Optional.of(names);
  }

  /**
   * Whether a host entry of host_config or append_host_config can be read further: ejabberd
   * refuses an entry for a name hosts does not list ("Unexpected value: ... Did you mean ...?"; a
   * macro's name is not expanded there) and one whose options are not a mapping ("Expected map").
   */
  private static boolean servedHere(ConfigTree tree, ConfigTree.Option option, NodeTuple host, Optional<List<String>> served,
      EjabberdVersion version, List<Diagnostic> out) {
    String name = Nodes.key(host);
    Node options = tree.resolve(host.getValueNode());
    if (!(host.getKeyNode() instanceof ScalarNode key) || !key.getTag().equals(Tag.STR)) {
      out.add(ConfigTree.at(option.file(), host.getKeyNode(), Rule.CONFIG_HOST_CONFIG_HOST,
          option.name() + "->" + name + ": a host's name is not a string (ejabberd " + version + " refuses the file: \"Expected string\")",
          "write the host's name, e.g. example.org"));
      return false;
    }
    // an entry without options is not checked against hosts: ejabberd loads it (seen on 23.01, 24.12, 26.07)
    if (served.isPresent() && !empty(options) && !served.get().contains(name.toLowerCase(Locale.ROOT))) {
      out.add(ConfigTree.at(option.file(), host.getKeyNode(), Rule.CONFIG_HOST_CONFIG_HOST,
          option.name() + "->" + name + ": not one of hosts (ejabberd " + version + " refuses the file: \"Unexpected value\")",
          DidYouMean.closest(name, served.get()).map(n -> "did you mean '" + n + "'? ").orElse("")
              + "add it to hosts, or remove its entry (a macro's name is not expanded in this place)"));
      return false;
    }
    if (!(options instanceof MappingNode || empty(options) && !(options instanceof ScalarNode))) {
      out.add(ConfigTree.at(option.file(), host.getValueNode(), Rule.CONFIG_HOST_CONFIG_HOST,
          option.name() + "->" + name + ": its options are not a mapping (ejabberd " + version + " refuses the file: \"Expected map\")",
          "write the host's options as a mapping, one 'option: value' a line"));
      return false;
    }
    return true;
  }

  /** {} or [], which p1_yconf reads as an empty map; null is not one. */
  private static boolean empty(Node node) {
    return node instanceof MappingNode m && m.getValue().isEmpty()
        || node instanceof SequenceNode q && q.getValue().isEmpty();
  }

  private static void judge(String name, NodeTuple tuple, String file, String where, EjabberdVersion version, Set<String> accepted,
      List<Diagnostic> out) {
    if (!(tuple.getKeyNode() instanceof ScalarNode)) {
      out.add(ConfigTree.at(file, tuple.getKeyNode(), Rule.CONFIG_UNKNOWN_OPTION,
          where + "an option's name is a list or a mapping, not a word (ejabberd " + version + " refuses the file: \"Expected string\")",
          "write the option's name as a plain word"));
      return;
    }
    if (accepted.contains(name)) {
      return;
    }
    Optional<EjabberdVersion> added = addedAfter(name, version);
    if (added.isPresent()) {
      out.add(ConfigTree.at(file, tuple.getKeyNode(), Rule.CONFIG_NEEDS_NEWER_EJABBERD,
          where + name + " is not an option of ejabberd " + version + " (\"Unknown option\": it refuses the file); " + added.get()
              + ", the next release ejup knows, has it",
          "remove it, or upgrade ejabberd to a release that has it (" + added.get() + " does; pass --ejabberd-version if ejup guessed the release wrong)"));
      return;
    }
    Optional<EjabberdVersion> removed = removedAfter(name, version);
    String hint = DidYouMean.closest(name, accepted).map(n -> "did you mean '" + n + "'?")
        .orElse("remove it, or check its spelling against ejabberd's options; a contrib module's own top-level option is not known to ejup: silence this rule with --ignore "
            + Rule.CONFIG_UNKNOWN_OPTION.id());
    out.add(ConfigTree.at(file, tuple.getKeyNode(), Rule.CONFIG_UNKNOWN_OPTION,
        "Unknown option: " + where + name + " (ejabberd " + version + " refuses the file"
            + removed.map(r -> "; " + r + " still had it").orElse("") + ")",
        hint));
  }
}
