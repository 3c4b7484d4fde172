package dev.ejup.playbook;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Targets from an inventory: ejup's own YAML list ({@code - name: x, vars...}) or an Ansible
 * inventory, INI or YAML, with groups, children, host vars, group vars and {@code all:vars}.
 * {@code ansible_host}/{@code ansible_port}/{@code ansible_user} become {@code ssh=user@host:port}
 * unless {@code ssh} is set; {@code ansible_ssh_args}, {@code ansible_ssh_common_args} and
 * {@code ansible_ssh_extra_args} go in front of it as ssh options ({@code -o ProxyJump=bastion user@host}). Precedence, lowest first: all vars, group vars, host vars, -e.
 */
final class Inventory {
  private Inventory() {}

  /** group name -> hosts directly in it, child groups, vars. */
  static final class Group {
    final Set<String> hosts = new LinkedHashSet<>();
    final Set<String> children = new LinkedHashSet<>();
    final Map<String, String> vars = new LinkedHashMap<>();
  }

  static final class Parsed {
    final Map<String, Group> groups = new LinkedHashMap<>();
    final Map<String, Map<String, String>> hosts = new LinkedHashMap<>();
    /** Ansible host names are machines to resolve; ejup list names are only labels. */
    boolean ansible = true;

    Group group(String name) {
      return groups.computeIfAbsent(name, n -> new Group());
    }

    void host(String group, String host, Map<String, String> vars) {
      group(group).hosts.add(host);
      hosts.computeIfAbsent(host, h -> new LinkedHashMap<>()).putAll(vars);
    }
  }

  public static List<Target> load(Path file, String limit, Map<String, String> extra) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw UserError.unusable("cannot read inventory " + file + ": " + dev.ejup.model.Cause.words(e, file), "check the -i path");
    }
    return targets(file.toString(), text, limit, extra);
  }

  public static List<Target> targets(String file, String text, String limit, Map<String, String> extra) {
    Parsed parsed = looksLikeIni(text) ? parseIni(file, text) : parseYaml(file, text);
    Set<String> wanted = limit == null || limit.isBlank() ? null : select(parsed, limit);
    List<Target> out = new ArrayList<>();
    for (String host : parsed.hosts.keySet()) {
      if (wanted != null && !wanted.contains(host)) {
        continue;
      }
      Map<String, String> vars = new LinkedHashMap<>();
      Group all = parsed.groups.get("all");
      if (all != null) {
        vars.putAll(all.vars);
      }
      for (Map.Entry<String, Group> g : parsed.groups.entrySet()) {
        if (!g.getKey().equals("all") && members(parsed, g.getKey(), new LinkedHashSet<>()).contains(host)) {
          vars.putAll(g.getValue().vars);
        }
      }
      vars.putAll(parsed.hosts.get(host));
      vars.putAll(extra);
      String sshArgs = sshArgs(vars);
      if (!vars.containsKey("ssh") && (vars.containsKey("ansible_host") || vars.containsKey("ansible_user") || !sshArgs.isEmpty())) {
        String h = vars.getOrDefault("ansible_host", host);
        vars.put("ssh", vars.getOrDefault("ansible_user", "root") + "@" + h
            + (vars.containsKey("ansible_port") ? ":" + vars.get("ansible_port") : ""));
      }
      if (!sshArgs.isEmpty() && !vars.getOrDefault("ssh", "").isBlank()) {
        // the route travels inside the ssh value, so no action can take the address without it
        vars.put("ssh", sshArgs + " " + vars.get("ssh"));
      }
      if (parsed.ansible) {
        vars.putIfAbsent("host", vars.getOrDefault("ansible_host", host));
      }
      out.add(new Target(host, vars));
    }
    if (out.isEmpty()) {
      throw UserError.unusable("no target in " + file + (wanted == null ? "" : " matches --limit " + limit),
          "list the hosts with their groups, or fix --limit");
    }
    return out;
  }

  /**
   * The ssh options Ansible would put on ssh's command line for the host (a bastion as
   * {@code -o ProxyJump=...}), in Ansible's order; ejup's ssh package follows or refuses each.
   */
  private static String sshArgs(Map<String, String> vars) {
    StringBuilder args = new StringBuilder();
    for (String name : List.of("ansible_ssh_args", "ansible_ssh_common_args", "ansible_ssh_extra_args")) {
      String value = vars.getOrDefault(name, "").strip();
      if (!value.isEmpty()) {
        args.append(args.length() == 0 ? "" : " ").append(value);
      }
    }
    return args.toString();
  }

  static Set<String> select(Parsed parsed, String limit) {
    Set<String> wanted = new LinkedHashSet<>();
    for (String name : limit.split("[,:]")) {
      String n = name.trim();
      if (parsed.groups.containsKey(n)) {
        wanted.addAll(members(parsed, n, new LinkedHashSet<>()));
      } else if (parsed.hosts.containsKey(n)) {
        wanted.add(n);
      } else if (!n.isEmpty()) {
        throw UserError.unusable("--limit " + n + " is neither a host nor a group of the inventory",
            "hosts: " + String.join(", ", parsed.hosts.keySet()));
      }
    }
    return wanted;
  }

  static Set<String> members(Parsed parsed, String group, Set<String> seen) {
    Set<String> hosts = new LinkedHashSet<>();
    if (group.equals("all")) {
      return new LinkedHashSet<>(parsed.hosts.keySet());
    }
    Group g = parsed.groups.get(group);
    if (g == null || !seen.add(group)) {
      return hosts;
    }
    hosts.addAll(g.hosts);
    for (String child : g.children) {
      hosts.addAll(members(parsed, child, seen));
    }
    return hosts;
  }

  static boolean looksLikeIni(String text) {
    for (String line : text.split("\n")) {
      String t = line.trim();
      if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
        continue;
      }
      return t.startsWith("[") || !(t.contains(":") || t.startsWith("-") || t.equals("---"));
    }
    return false;
  }

  static Parsed parseIni(String file, String text) {
    Parsed parsed = new Parsed();
    String section = "ungrouped";
    String kind = "hosts";
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].replaceAll("\\s[#;].*$", "").trim();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        String head = line.substring(1, line.length() - 1);
        int colon = head.indexOf(':');
        section = colon < 0 ? head : head.substring(0, colon);
        kind = colon < 0 ? "hosts" : head.substring(colon + 1);
        parsed.group(section);
        continue;
      }
      // host lines are split as Ansible splits them (shlex), so a quoted value may hold spaces
      String[] words = dev.ejup.ssh.Quote.split(line, file + ":" + (i + 1)).toArray(String[]::new);
      switch (kind) {
        case "vars" -> {
          int eq = line.indexOf('=');
          if (eq <= 0) {
            throw UserError.unusable(file + ":" + (i + 1) + ": expected key=value in [" + section + ":vars]", "");
          }
          parsed.group(section).vars.put(line.substring(0, eq).trim(), unquote(line.substring(eq + 1).trim()));
        }
        case "children" -> parsed.group(section).children.add(words[0]);
        case "hosts" -> {
          Map<String, String> vars = new LinkedHashMap<>();
          for (int w = 1; w < words.length; w++) {
            int eq = words[w].indexOf('=');
            if (eq <= 0) {
              throw UserError.unusable(file + ":" + (i + 1) + ": expected key=value after host " + words[0]
                  + ", found '" + words[w] + "'", "write host ansible_host=10.0.0.1 ansible_user=admin");
            }
            vars.put(words[w].substring(0, eq), unquote(words[w].substring(eq + 1)));
          }
          parsed.host(section, words[0], vars);
        }
        default -> throw UserError.unusable(file + ":" + (i + 1) + ": unknown section kind :" + kind,
            "use [group], [group:vars] or [group:children]");
      }
    }
    return parsed;
  }

  @SuppressWarnings("unchecked")
  static Parsed parseYaml(String file, String text) {
    Object root;
    try {
      root = new Yaml(new LoaderOptions()).load(text);
    } catch (YAMLException e) {
      throw UserError.unusable("inventory " + file + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""),
          "fix the YAML or write an Ansible INI inventory");
    }
    Parsed parsed = new Parsed();
    if (root instanceof List<?> list) {
      parsed.ansible = false;
      for (Object item : list) {
        if (!(item instanceof Map<?, ?> m) || m.get("name") == null) {
          throw UserError.unusable("inventory " + file + ": each target needs a name", "- name: xmpp1\n  domain: example.org");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        m.forEach((k, v) -> vars.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        parsed.host("ungrouped", vars.remove("name"), vars);
      }
      return parsed;
    }
    if (!(root instanceof Map<?, ?> groups)) {
      throw UserError.unusable("inventory " + file + " is neither a target list nor an Ansible inventory",
          "see docs: ejup's list is '- name: ...', Ansible's is 'all: {hosts: ...}'");
    }
    groups.forEach((name, body) -> yamlGroup(parsed, String.valueOf(name), (Map<String, Object>) body));
    return parsed;
  }

  @SuppressWarnings("unchecked")
  private static void yamlGroup(Parsed parsed, String name, Map<String, Object> body) {
    Group group = parsed.group(name);
    if (body == null) {
      return;
    }
    if (body.get("vars") instanceof Map<?, ?> vars) {
      vars.forEach((k, v) -> group.vars.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    }
    if (body.get("hosts") instanceof Map<?, ?> hosts) {
      hosts.forEach((h, hv) -> {
        Map<String, String> vars = new LinkedHashMap<>();
        if (hv instanceof Map<?, ?> m) {
          m.forEach((k, v) -> vars.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        parsed.host(name, String.valueOf(h), vars);
      });
    }
    if (body.get("children") instanceof Map<?, ?> children) {
      children.forEach((c, cb) -> {
        group.children.add(String.valueOf(c));
        yamlGroup(parsed, String.valueOf(c), (Map<String, Object>) cb);
      });
    }
  }

  /** A CRITICAL report when the target's host name does not resolve, so it fails in one line before any step. */
  public static java.util.Optional<dev.ejup.model.Report> unresolved(String kind, Target target) {
    return unresolved(kind, target, Inventory::resolves);
  }

  /** The same with the resolver given, so tests never ask a DNS server. */
  static java.util.Optional<dev.ejup.model.Report> unresolved(String kind, Target target, java.util.function.Predicate<String> resolves) {
    String host = target.vars().get("host");
    if (host == null || host.isEmpty() || resolves.test(host)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Fleet.failure(kind, target, dev.ejup.model.Status.CRIT,
        "host " + host + " does not resolve", "fix ansible_host for " + target.name() + " in the inventory, or DNS"));
  }

  private static boolean resolves(String host) {
    try {
      java.net.InetAddress.getByName(host);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String unquote(String v) {
    return v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'")) && v.endsWith(v.substring(0, 1))
        ? v.substring(1, v.length() - 1) : v;
  }
}
