package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * The module lists as ejabberd merges them (ejabberd_config_transformer, verified on 23.01): the
 * {@code modules} of the main file and of every included file are one list, in which a module
 * written twice is "Duplicated option"; a host's {@code host_config -> modules} replaces that
 * host's whole list (the host loads only what it names); {@code append_host_config -> modules}
 * adds to the host's list, so a module it already has is "Duplicated option" again.
 */
final class ModuleLists {
  /** A module entry and the file it is written in. */
  record Entry(NodeTuple tuple, String file) {
    String where() {
      return file + ":" + Nodes.line(tuple.getKeyNode());
    }
  }

  private ModuleLists() {}

  /** The global modules over main file and includes, first definition of each name. */
  static Map<String, Entry> global(ConfigTree tree) {
    Map<String, Entry> modules = new LinkedHashMap<>();
    for (ConfigTree.Option option : tree.all("modules")) {
      for (NodeTuple t : Nodes.entries(tree.resolve(option.value()))) {
        modules.putIfAbsent(Nodes.key(t), new Entry(t, option.file()));
      }
    }
    return modules;
  }

  /** The modules host_config gives the host, which replace the global ones for it; empty when it sets none. */
  static Optional<Map<String, Entry>> hostConfig(ConfigTree tree, String host) {
    return perHost(tree, "host_config", host);
  }

  /** The modules a host loads: host_config's when it sets modules, else the global ones; append_host_config's added. */
  static Map<String, Entry> effective(ConfigTree tree, String host) {
    Map<String, Entry> modules = new LinkedHashMap<>(hostConfig(tree, host).orElseGet(() -> global(tree)));
    perHost(tree, "append_host_config", host).ifPresent(m -> m.forEach(modules::putIfAbsent));
    return modules;
  }

  private static Optional<Map<String, Entry>> perHost(ConfigTree tree, String option, String host) {
    Map<String, Entry> modules = null;
    for (ConfigTree.Option o : tree.all(option)) {
      for (NodeTuple h : Nodes.entries(tree.resolve(o.value()))) {
        Optional<Node> mods = tree.scalar(h.getKeyNode()).filter(host::equals).flatMap(k -> Nodes.get(h.getValueNode(), "modules"));
        if (mods.isPresent()) {
          modules = modules == null ? new LinkedHashMap<>() : modules;
          for (NodeTuple t : Nodes.entries(tree.resolve(mods.get()))) {
            modules.putIfAbsent(Nodes.key(t), new Entry(t, o.file()));
          }
        }
      }
    }
    return Optional.ofNullable(modules);
  }

  static void check(ConfigTree tree, List<Diagnostic> out) {
    Map<String, Entry> global = globalDuplicates(tree, out);
    List<String> hosts = new ArrayList<>(tree.hosts());
    for (String host : hosts) {
      Optional<Map<String, Entry>> own = hostConfig(tree, host);
      own.ifPresent(mods -> {
        List<String> lost = global.keySet().stream().filter(m -> !mods.containsKey(m)).toList();
        if (!lost.isEmpty()) {
          Entry first = mods.values().stream().findFirst().orElse(null);
          Node at = first != null ? first.tuple().getKeyNode() : null;
          if (at != null) {
            out.add(ConfigTree.at(first.file(), at, Rule.CONFIG_HOST_MODULES_REPLACED,
                "host_config's modules for " + host + " replace the global modules list for that host: " + host
                    + " loads only the modules listed here and loses " + String.join(", ", lost),
                "list every module " + host + " needs under host_config (or add modules with append_host_config)"));
          }
        }
      });
      Map<String, Entry> base = own.orElse(global);
      perHost(tree, "append_host_config", host).ifPresent(appended -> appended.forEach((name, entry) -> {
        Entry earlier = base.get(name);
        if (earlier != null) {
          out.add(ConfigTree.at(entry.file(), entry.tuple().getKeyNode(), Rule.CONFIG_DUPLICATE_MODULE,
              "append_host_config->" + host + "->modules->" + name + ": Duplicated option: append_host_config adds to the modules "
                  + host + " already has, and " + name + " is one of them (" + earlier.where() + "); ejabberd refuses the file",
              "change " + name + "'s options at " + earlier.where() + ", or remove it here"));
        }
      }));
      Map<String, Entry> loaded = effective(tree, host);
      Entry upload = loaded.get("mod_http_upload");
      if (upload != null && !loaded.containsKey("mod_disco")) {
        out.add(ConfigTree.at(upload.file(), upload.tuple().getKeyNode(), Rule.UPLOAD_DISCO_MISSING,
            "mod_http_upload is enabled for " + host + " but mod_disco is not" + (own.isPresent() ? " (host_config's modules replace the global ones)" : "")
                + ": clients cannot discover the upload service",
            "add 'mod_disco: {}' to the modules list that enables mod_http_upload"));
      }
    }
  }

  /**
   * A module in the modules of two files (main and included): ejabberd's "Duplicated option".
   * Returns the global modules, as {@link #global} does.
   */
  private static Map<String, Entry> globalDuplicates(ConfigTree tree, List<Diagnostic> out) {
    Map<String, Entry> seen = new LinkedHashMap<>();
    for (ConfigTree.Option option : tree.all("modules")) {
      Map<String, Entry> here = new LinkedHashMap<>();
      for (NodeTuple t : Nodes.entries(tree.resolve(option.value()))) {
        String name = Nodes.key(t);
        Entry earlier = seen.get(name);
        if (earlier != null) {
          out.add(ConfigTree.at(option.file(), t.getKeyNode(), Rule.CONFIG_DUPLICATE_MODULE,
              "modules->" + name + ": Duplicated option: " + name + " is also configured at " + earlier.where()
                  + " (ejabberd merges the modules of included files into one list and refuses the file)",
              "keep one " + name + ": remove this one or the one at " + earlier.where()));
        }
        here.putIfAbsent(name, new Entry(t, option.file()));
      }
      here.forEach(seen::putIfAbsent);
    }
    return seen;
  }
}
