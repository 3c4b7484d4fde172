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
 * inventory, read by {@code ansible-inventory --list} when Ansible is installed, else by the
 * built-in reader: INI or YAML, groups, children, host vars, group vars, {@code all:vars} and host
 * ranges; what it does not parse it refuses with {@code file:line} (README, Inventories). A host is
 * reached by {@code ansible_host}, else by its inventory name, unless {@code ansible_connection=local}.
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
      text = dev.ejup.model.InputFile.readText(file, "inventory", Play.MAX_BYTES);
    } catch (IOException e) {
      throw UserError.unusable("cannot read inventory " + file + ": " + dev.ejup.model.Cause.words(e, file), "check the -i path");
    }
    if (!ejupList(text) && ansibleInventory().isPresent()) {
      return targets(file.toString(), fromAnsible(ansibleInventory().get(), file), limit, extra);
    }
    return targets(file.toString(), text, limit, extra);
  }

  /** ejup's own list is a YAML sequence; Ansible has no such inventory. */
  private static boolean ejupList(String text) {
    return !looksLikeIni(text) && text.lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.equals("---")).findFirst().orElse("").startsWith("-");
  }

  /** ansible-inventory on PATH, the way Ansible itself reads every kind of inventory. */
  static java.util.Optional<Path> ansibleInventory() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "ansible-inventory");
      if (Files.isExecutable(candidate)) {
        return java.util.Optional.of(candidate);
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * Reads the inventory through {@code ansible-inventory -i FILE --list}: dynamic inventories,
   * plugins, vault and ranges as Ansible reads them. Its host vars already hold the group vars.
   *
   * @throws UserError (usage) naming the file and ansible-inventory's own error when it fails
   */
  @SuppressWarnings("unchecked")
  static Parsed fromAnsible(Path command, Path file) {
    ProcessBuilder pb = new ProcessBuilder(command.toString(), "-i", file.toString(), "--list");
    // a file Ansible cannot parse is an error, not an empty inventory with a warning
    pb.environment().put("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True");
    pb.environment().put("ANSIBLE_NOCOLOR", "1");
    String out;
    String err;
    int exit;
    try {
      Path errFile = Files.createTempFile("ejup-ansible-inventory", ".err");
      try {
        pb.redirectError(errFile.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        java.util.concurrent.CompletableFuture<String> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw UserError.unusable("ansible-inventory -i " + file + " gave no answer within 120 s",
              "run it by hand to see what it waits for (a vault password, a slow dynamic inventory)");
        }
        exit = p.exitValue();
        out = read.get(10, java.util.concurrent.TimeUnit.SECONDS);
        err = Files.readString(errFile);
      } finally {
        Files.deleteIfExists(errFile);
      }
    } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw UserError.unusable("cannot run ansible-inventory on " + file + ": " + dev.ejup.model.Cause.words(e, file),
          "check the Ansible installation: ansible-inventory --version");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw UserError.unusable("interrupted while reading inventory " + file, "");
    }
    if (exit != 0) {
      String why = err.lines().map(String::strip).filter(l -> l.startsWith("ERROR!") || l.startsWith("[WARNING]: * Failed"))
          .findFirst().orElse(err.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> b).orElse("exit " + exit));
      throw UserError.unusable("ansible-inventory cannot read " + file + ": " + why, "run: ansible-inventory -i " + file + " --list");
    }
    Object root;
    try {
      root = new Yaml(new LoaderOptions()).load(out);
    } catch (YAMLException e) {
      root = null;
    }
    if (!(root instanceof Map<?, ?> list)) {
      throw UserError.unusable("ansible-inventory -i " + file + " --list did not print an inventory", "run it by hand to see why");
    }
    Parsed parsed = new Parsed();
    Map<String, Object> hostvars = list.get("_meta") instanceof Map<?, ?> meta && meta.get("hostvars") instanceof Map<?, ?> hv
        ? (Map<String, Object>) hv : Map.of();
    ansibleGroup(parsed, (Map<String, Object>) list, "all", hostvars, new java.util.HashSet<>());
    return parsed;
  }

  @SuppressWarnings("unchecked")
  private static void ansibleGroup(Parsed parsed, Map<String, Object> list, String name, Map<String, Object> hostvars,
      Set<String> seen) {
    if (!seen.add(name)) {
      return;
    }
    Group group = parsed.group(name);
    Object body = list.get(name);
    if (!(body instanceof Map<?, ?> b)) {
      return;
    }
    if (b.get("hosts") instanceof List<?> hosts) {
      for (Object h : hosts) {
        Map<String, String> vars = new LinkedHashMap<>();
        if (hostvars.get(String.valueOf(h)) instanceof Map<?, ?> m) {
          m.forEach((k, v) -> vars.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        parsed.host(name, String.valueOf(h), vars);
      }
    }
    if (b.get("children") instanceof List<?> children) {
      for (Object c : children) {
        group.children.add(String.valueOf(c));
        ansibleGroup(parsed, list, String.valueOf(c), hostvars, seen);
      }
    }
  }

  static List<Target> targets(String file, String text, String limit, Map<String, String> extra) {
    return targets(file, looksLikeIni(text) ? parseIni(file, text) : parseYaml(file, text), limit, extra);
  }

  static List<Target> targets(String file, Parsed parsed, String limit, Map<String, String> extra) {
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
      for (String g : ansibleOrder(parsed)) {
        if (members(parsed, g, new LinkedHashSet<>()).contains(host)) {
          vars.putAll(parsed.groups.get(g).vars);
        }
      }
      vars.putAll(parsed.hosts.get(host));
      vars.putAll(extra);
      String sshArgs = sshArgs(vars);
      boolean local = vars.getOrDefault("ansible_connection", "ssh").equals("local");
      if (!vars.containsKey("ssh") && !local && (parsed.ansible || vars.containsKey("ansible_host") || vars.containsKey("ansible_user")
          || !sshArgs.isEmpty())) {
        // as Ansible does: a host without ansible_host is reached by its inventory name
        String h = vars.getOrDefault("ansible_host", host);
        vars.put("ssh", vars.getOrDefault("ansible_user", "root") + "@" + dev.ejup.model.HostPort.bracketed(h)
            + (vars.containsKey("ansible_port") ? ":" + vars.get("ansible_port") : ""));
      }
      if (!sshArgs.isEmpty() && !vars.getOrDefault("ssh", "").isBlank()) {
        // the route travels inside the ssh value, so no action can take the address without it
        vars.put("ssh", sshArgs + " " + vars.get("ssh"));
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
   * The groups other than all in the order Ansible applies their variables: a parent before its
   * children (by depth below all), then by name, so a child's or a later name's value wins.
   */
  private static List<String> ansibleOrder(Parsed parsed) {
    Map<String, Integer> depth = new LinkedHashMap<>();
    for (String g : parsed.groups.keySet()) {
      depth(parsed, g, depth, new LinkedHashSet<>());
    }
    return parsed.groups.keySet().stream().filter(g -> !g.equals("all"))
        .sorted(java.util.Comparator.comparingInt((String g) -> depth.get(g)).thenComparing(g -> g)).toList();
  }

  private static int depth(Parsed parsed, String group, Map<String, Integer> depth, Set<String> path) {
    Integer known = depth.get(group);
    if (known != null) {
      return known;
    }
    int d = group.equals("all") ? 0 : 1;
    if (path.add(group)) {
      for (Map.Entry<String, Group> parent : parsed.groups.entrySet()) {
        if (!parent.getKey().equals("all") && parent.getValue().children.contains(group)) {
          d = Math.max(d, depth(parsed, parent.getKey(), depth, path) + 1);
        }
      }
      path.remove(group);
    }
    depth.put(group, d);
    return d;
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

  /**
   * Ansible's host patterns: terms split on {@code ,} or {@code :}; a name is a group or a host, with
   * {@code *} and {@code ?} as wildcards, or {@code ~regex}; {@code !term} takes hosts away and
   * {@code &term} keeps only hosts also in it. As in Ansible, the unions come first, then the
   * intersections, then the exclusions, whatever their order. A plain name that is neither a host
   * nor a group is refused (a typo would otherwise run nothing, or everything but nothing).
   */
  static Set<String> select(Parsed parsed, String limit) {
    Set<String> wanted = new LinkedHashSet<>();
    List<Set<String>> and = new ArrayList<>();
    Set<String> not = new LinkedHashSet<>();
    boolean onlyRemoved = true;
    for (String term : limit.split(limit.contains(",") ? "," : ":")) {
      String t = term.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (t.startsWith("!")) {
        not.addAll(matching(parsed, t.substring(1)));
      } else if (t.startsWith("&")) {
        and.add(matching(parsed, t.substring(1)));
      } else {
        onlyRemoved = false;
        wanted.addAll(matching(parsed, t));
      }
    }
    if (onlyRemoved) {
      wanted.addAll(parsed.hosts.keySet());
    }
    and.forEach(wanted::retainAll);
    wanted.removeAll(not);
    return wanted;
  }

  private static Set<String> matching(Parsed parsed, String term) {
    if (parsed.groups.containsKey(term) || term.equals("all") || term.equals("*")) {
      return members(parsed, term.equals("*") ? "all" : term, new LinkedHashSet<>());
    }
    if (parsed.hosts.containsKey(term)) {
      return new LinkedHashSet<>(List.of(term));
    }
    boolean regex = term.startsWith("~");
    if (!regex && !term.contains("*") && !term.contains("?")) {
      throw UserError.unusable("--limit " + term + " is neither a host nor a group of the inventory",
          "hosts: " + String.join(", ", parsed.hosts.keySet()));
    }
    java.util.regex.Pattern p;
    try {
      p = java.util.regex.Pattern.compile(regex ? term.substring(1)
          : java.util.regex.Pattern.quote(term).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
    } catch (java.util.regex.PatternSyntaxException e) {
      throw UserError.unusable("--limit " + term + " is not a regular expression: " + e.getDescription(), "e.g. --limit '~web0[12]'");
    }
    Set<String> hosts = new LinkedHashSet<>();
    parsed.groups.keySet().stream().filter(g -> matches(p, g, regex)).forEach(g -> hosts.addAll(members(parsed, g, new LinkedHashSet<>())));
    parsed.hosts.keySet().stream().filter(h -> matches(p, h, regex)).forEach(hosts::add);
    return hosts;
  }

  private static boolean matches(java.util.regex.Pattern p, String name, boolean regex) {
    return regex ? p.matcher(name).lookingAt() : p.matcher(name).matches();
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
          java.util.regex.Matcher port = java.util.regex.Pattern.compile("^([^:\\[\\]]+|\\[[^\\]]*:[^\\]]*\\][^:]*):([0-9]{1,5})$")
              .matcher(words[0]);
          String hostWord = words[0];
          if (port.matches()) {
            // Ansible's host:port, for hosts on a port other than 22
            hostWord = port.group(1);
            vars.putIfAbsent("ansible_port", port.group(2));
          }
          for (String name : expand(hostWord, file + ":" + (i + 1))) {
            parsed.host(section, name, vars);
          }
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
    groups.forEach((name, body) -> yamlGroup(file, parsed, String.valueOf(name), group(file, name, body)));
    return parsed;
  }

  /** A YAML group's body: a mapping of hosts, children and vars, or empty. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> group(String file, Object name, Object body) {
    if (body == null || body instanceof Map<?, ?>) {
      return (Map<String, Object>) body;
    }
    throw UserError.unusable("inventory " + file + ": group " + name + " must be a mapping of hosts, children and vars",
        "write '" + name + ": {hosts: {web1.example.org: }}'");
  }

  @SuppressWarnings("unchecked")
  private static void yamlGroup(String file, Parsed parsed, String name, Map<String, Object> body) {
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
        for (String host : expand(String.valueOf(h), file)) {
          parsed.host(name, host, vars);
        }
      });
    }
    if (body.get("children") instanceof Map<?, ?> children) {
      children.forEach((c, cb) -> {
        group.children.add(String.valueOf(c));
        yamlGroup(file, parsed, String.valueOf(c), group(file, c, cb));
      });
    }
  }

  private static final java.util.regex.Pattern RANGE = java.util.regex.Pattern.compile("\\[([0-9]+|[a-z]):([0-9]+|[a-z])(?::([0-9]+))?]");

  /**
   * A host name with Ansible's ranges, {@code web[01:03].example.org} (zero-padded as written),
   * {@code db-[a:c]}, with an optional step {@code [1:9:2]}: one name per value, several ranges
   * multiplying. Any other bracket is refused, naming where it is.
   */
  static List<String> expand(String name, String where) {
    java.util.regex.Matcher m = RANGE.matcher(name);
    if (!m.find()) {
      if (name.contains("[") || name.contains("]")) {
        throw UserError.unusable(where + ": host " + name + " has a bracket that is not a range [START:END] or [START:END:STEP]",
            "write web[01:09].example.org or [a:f], or list the hosts one by one");
      }
      return List.of(name);
    }
    String from = m.group(1);
    String to = m.group(2);
    int step = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
    boolean letters = Character.isLetter(from.charAt(0));
    if (letters != Character.isLetter(to.charAt(0)) || step < 1) {
      throw UserError.unusable(where + ": host range " + m.group() + " mixes letters and numbers or has a step below 1",
          "write [01:09] or [a:f]");
    }
    long start = letters ? from.charAt(0) : Long.parseLong(from);
    long end = letters ? to.charAt(0) : Long.parseLong(to);
    if (end < start || (end - start) / step > 10_000) {
      throw UserError.unusable(where + ": host range " + m.group() + " is empty or longer than 10000 hosts", "write [01:09] or [a:f]");
    }
    List<String> out = new ArrayList<>();
    String format = from.length() > 1 && from.startsWith("0") ? "%0" + from.length() + "d" : "%d";
    for (long v = start; v <= end; v += step) {
      String value = letters ? String.valueOf((char) v) : String.format(format, v);
      out.addAll(expand(name.substring(0, m.start()) + value + name.substring(m.end()), where));
    }
    return out;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'")) && v.endsWith(v.substring(0, 1))
        ? v.substring(1, v.length() - 1) : v;
  }
}
