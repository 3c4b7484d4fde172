package dev.ejup.serve;

import dev.ejup.config.DidYouMean;
import dev.ejup.model.HostPort;
import dev.ejup.model.PasswordFile;
import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * ejup serve's config file: modules (each the options of `ejup check`, blackbox_exporter's word
 * for a named probe set-up) and the targets each module may probe. A target is what Prometheus
 * passes as {@code ?target=}: a domain, put in place of {@code {target}} in the module's jid and
 * server. Passwords come from files only: read when the config is loaded (a bad file stops the
 * start, or a reload keeps the old config) and again at every probe, so a rotated password is used
 * at once and a file gone or unreadable fails the probe that finds it so.
 */
record ServeConfig(Path file, Map<String, Module> modules) {
  static final Set<String> TOP = Set.of("modules");
  static final Set<String> MODULE = Set.of("jid", "password_file", "server", "service", "direct_tls", "insecure", "allow_http",
      "size", "content_type", "probes", "origin", "timeout", "step_timeout", "targets", "prune");
  static final Set<String> PRUNE = Set.of("config", "older_than", "every");

  /**
   * One module.
   *
   * @param jid the account, {@code {target}} standing for the probed domain (e.g. monitor@{target})
   * @param origin a web client's origin ({@code {target}} may stand in it, e.g. https://chat.{target}):
   *     each probe then also does what a browser on it does (check's --origin, the "cors" step); null for none
   * @param timeout the module's own bound on a probe; the scrape timeout minus the offset may lower it
   * @param targets which targets may be probed: exact names, or globs where {@code *} stands for
   *     one or more DNS labels ({@code *.example.org})
   * @param prune the local ejabberd.yml whose upload docroots to prune of old check files, or null
   */
  record Module(String name, String jid, Path passwordFile, String server, String service, boolean directTls, boolean insecure,
      boolean allowHttp, long size, String contentType, boolean probes, String origin, Duration timeout, Duration stepTimeout,
      List<String> targets, List<Pattern> patterns, Prune prune) {

    /** Whether target, as {@link #domain} gives it, is one of the module's targets (case-insensitive, as DNS is). */
    boolean allows(String target) {
      String t = target.toLowerCase(Locale.ROOT);
      return patterns.stream().anyMatch(p -> p.matcher(t).matches());
    }

    /**
     * The password as the file says now: read at every probe, so a changed file is used at once.
     *
     * @throws UserError (UNKNOWN) when the file is gone, unreadable or no longer holds a password
     */
    String password() {
      return PasswordFile.readRegular(passwordFile);
    }

    /** The jid or server with the target in place of {@code {target}}. */
    static String fill(String template, String target) {
      return template == null ? null : template.replace("{target}", target);
    }
  }

  /**
   * Whether names directly under domain belong to different owners: domain is on the Public Suffix
   * List (co.uk, com.au, github.io, ngrok-free.app) as Guava's copy or OkHttp's says (either is
   * enough: each is only as new as its release). Unlisted suffixes (example.internal) are not; a
   * name Guava cannot read as a domain is taken as one (fail closed: list such targets one by one).
   */
  static boolean publicSuffix(String domain) {
    String child = "x." + domain;
    String registrable = okhttp3.internal.publicsuffix.PublicSuffixDatabase.Companion.get().getEffectiveTldPlusOne(child);
    if (registrable == null || registrable.equals(child)) {
      return true;
    }
    try {
      return com.google.common.net.InternetDomainName.from(domain).isPublicSuffix();
    } catch (IllegalArgumentException notADomain) {
      return true;
    }
  }

  /** RFC 1035's limits of a domain name: octets per label, and in all as written with dots (no trailing dot). */
  static final int LABEL_MAX = 63;
  static final int NAME_MAX = 253;

  /** Whether a name (without the root's trailing dot) is longer than DNS allows: a label over 63 characters, or over 253 in all. */
  static boolean beyondDns(String name) {
    return name.length() > NAME_MAX || java.util.Arrays.stream(name.split("\\.")).anyMatch(label -> label.length() > LABEL_MAX);
  }

  /**
   * A domain as targets are compared and filled in: one trailing dot (DNS's root, "example.org.")
   * dropped, so that a dot can neither widen a pattern ('*.com.') nor make a second spelling of a
   * target.
   *
   * @return the name without its trailing dot, or null when it is not a domain name: empty, with
   *     an empty label ('a..org', '.org', 'org..'), a space or a character DNS names do not have, a
   *     label longer than 63 characters or more than 253 in all
   */
  static String domain(String text) {
    String t = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    if (t.isEmpty() || beyondDns(t) || t.startsWith(".") || t.endsWith(".") || t.contains("..") || !HostPort.isName(t)) {
      return null;
    }
    return t;
  }

  /** `docroot prune` on this machine after probes: every {@code every}, files older than {@code olderThan}. */
  record Prune(String config, Duration olderThan, Duration every) {}

  /**
   * Reads and checks the whole file; nothing of it is used unless all of it is right.
   *
   * @throws UserError (UNKNOWN) naming file:line, the key and the fix: unreadable file, YAML error,
   *     unknown key, a module without jid, password_file or targets, an unreadable password file
   */
  static ServeConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw UserError.unusable("serve config " + file + ": " + dev.ejup.model.Cause.words(e, file),
          "give an existing YAML file with a modules: section (see contrib/ejup-serve.yml)");
    }
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setMaxAliasesForCollections(10);
      root = new Yaml(options).compose(new java.io.StringReader(text));
    } catch (MarkedYAMLException e) {
      throw UserError.unusable(file + ":" + (e.getProblemMark().getLine() + 1) + ":" + (e.getProblemMark().getColumn() + 1)
          + ": not valid YAML: " + e.getProblem(), "fix the YAML syntax at that place");
    } catch (RuntimeException e) {
      throw UserError.unusable(file + ": not valid YAML: " + e.getMessage(), "fix the YAML syntax");
    }
    if (!(root instanceof MappingNode top)) {
      throw UserError.unusable(file + ": expected a mapping with modules:", "see contrib/ejup-serve.yml for an example");
    }
    Reader at = new Reader(file);
    Map<String, Node> topKeys = at.keys(top, TOP, "");
    Node modulesNode = topKeys.get("modules");
    if (!(modulesNode instanceof MappingNode modules) || modules.getValue().isEmpty()) {
      throw UserError.unusable(at.where(modulesNode == null ? top : modulesNode) + ": modules: must name at least one module",
          "e.g. modules: {upload: {jid: monitor@{target}, password_file: /etc/ejup/monitor.pass, targets: [example.org]}}");
    }
    Map<String, Module> result = new LinkedHashMap<>();
    for (NodeTuple tuple : modules.getValue()) {
      String name = at.scalar(tuple.getKeyNode(), "module name");
      result.put(name, at.module(name, tuple.getValueNode()));
    }
    return new ServeConfig(file, Map.copyOf(result));
  }

  /** Field readers that name file:line:column in every error. */
  private record Reader(Path file) {
    String where(Node node) {
      return file + ":" + (node.getStartMark().getLine() + 1) + ":" + (node.getStartMark().getColumn() + 1);
    }

    Map<String, Node> keys(MappingNode mapping, Set<String> known, String prefix) {
      Map<String, Node> found = new LinkedHashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        String key = scalar(tuple.getKeyNode(), "key");
        if (!known.contains(key)) {
          throw UserError.unusable(where(tuple.getKeyNode()) + ": unknown key " + prefix + key,
              DidYouMean.nearest(key, known).map(k -> "did you mean " + k + "?").orElse("known keys: " + String.join(", ", new java.util.TreeSet<>(known))));
        }
        if (found.put(key, tuple.getValueNode()) != null) {
          throw UserError.unusable(where(tuple.getKeyNode()) + ": " + prefix + key + " given twice", "keep one");
        }
      }
      return found;
    }

    String scalar(Node node, String what) {
      if (!(node instanceof ScalarNode s)) {
        throw UserError.unusable(where(node) + ": " + what + " must be a plain value", "write it as text on one line");
      }
      if (s.getValue().isBlank()) {
        throw UserError.unusable(where(node) + ": " + what + " is empty", "write its value, or leave the key out where it is optional");
      }
      return s.getValue().strip();
    }

    boolean bool(Node node, String what) {
      String v = node == null ? "false" : scalar(node, what).toLowerCase(Locale.ROOT);
      return switch (v) {
        case "true", "yes", "on" -> true;
        case "false", "no", "off" -> false;
        default -> throw UserError.unusable(where(node) + ": " + what + " is '" + v + "', not true or false", "write true or false");
      };
    }

    Duration seconds(Node node, String what, double fallback) {
      String v = node == null ? Double.toString(fallback) : scalar(node, what).replaceFirst("s$", "");
      try {
        double s = Double.parseDouble(v);
        if (s > 0 && s <= 3600) {
          return Duration.ofMillis((long) (s * 1000));
        }
      } catch (NumberFormatException e) {
        // said below
      }
      throw UserError.unusable(where(node) + ": " + what + " '" + v + "' is not a number of seconds from 0 to 3600", "e.g. " + what + ": 10");
    }

    Module module(String name, Node node) {
      if (!(node instanceof MappingNode mapping)) {
        throw UserError.unusable(where(node) + ": module " + name + " must be a mapping of check options", "e.g. " + name + ": {jid: monitor@{target}, ...}");
      }
      String prefix = "modules->" + name + "->";
      Map<String, Node> k = keys(mapping, MODULE, prefix);
      for (String required : List.of("jid", "password_file", "targets")) {
        if (!k.containsKey(required)) {
          throw UserError.unusable(where(mapping) + ": module " + name + " has no " + required,
              switch (required) {
                case "jid" -> "add jid: monitor@{target} (the account each probe logs in with)";
                case "password_file" -> "add password_file: /etc/ejup/monitor.pass (passwords are read from files only)";
                default -> "add targets: [example.org] (the domains this module may probe; anything else is refused)";
              });
        }
      }
      String jid = scalar(k.get("jid"), prefix + "jid");
      String server = k.containsKey("server") ? scalar(k.get("server"), prefix + "server") : null;
      if (!jid.contains("{target}") && (server == null || !server.contains("{target}"))) {
        throw UserError.unusable(where(k.get("jid")) + ": neither jid nor server of module " + name + " holds {target}",
            "write jid: monitor@{target}, or server: {target}:5222, so that the target chooses what is probed");
      }
      Path passwordFile = Path.of(scalar(k.get("password_file"), prefix + "password_file"));
      try {
        PasswordFile.readRegular(passwordFile); // read again at each probe
      } catch (UserError e) {
        throw UserError.unusable(where(k.get("password_file")) + ": " + e.getMessage(), e.hint());
      }
      long size = 1024;
      if (k.containsKey("size")) {
        String s = scalar(k.get("size"), prefix + "size");
        if (!s.matches("[0-9]{1,10}")) {
          throw UserError.unusable(where(k.get("size")) + ": " + prefix + "size '" + s + "' is not a number of bytes", "e.g. size: 1024");
        }
        size = Long.parseLong(s);
      }
      String origin = null;
      if (k.containsKey("origin")) {
        origin = scalar(k.get("origin"), prefix + "origin");
        // the rule of check's --origin, on the origin as a probe of a sample target would send it
        String problem = dev.ejup.upload.CheckOptions.originProblem(Module.fill(origin, "example.org"));
        if (problem != null) {
          throw UserError.unusable(where(k.get("origin")) + ": " + prefix + "origin '" + origin + "': " + problem,
              "write the web client's origin, e.g. origin: https://chat.example.org (or https://chat.{target})");
        }
      }
      Duration timeout = seconds(k.get("timeout"), prefix + "timeout", 30);
      Duration stepTimeout = seconds(k.get("step_timeout"), prefix + "step_timeout", 10);
      List<String> targets = new ArrayList<>();
      List<Pattern> patterns = new ArrayList<>();
      Node list = k.get("targets");
      List<Node> items = list instanceof SequenceNode seq ? seq.getValue() : List.of(list);
      for (Node item : items) {
        String given = scalar(item, prefix + "targets").toLowerCase(Locale.ROOT);
        String rest = domain(given.startsWith("*.") ? given.substring(2) : given);
        // a pattern names its parent domain in full: '*' or '*.org' would let anyone choose where the exporter logs in
        if (rest == null || rest.contains("*")) {
          throw UserError.unusable(where(item) + ": target '" + given + "' is not a domain name or a *.domain pattern", "e.g. targets: [example.org, '*.example.net']");
        }
        String t = given.startsWith("*.") ? "*." + rest : rest;
        // *.localhost is loopback by definition (RFC 6761); any other single label is a top-level domain,
        // and a public suffix (co.uk, github.io) has as many owners as a top-level domain has
        if (t.startsWith("*.") && !rest.equals("localhost") && (!rest.contains(".") || publicSuffix(rest))) {
          throw UserError.unusable(where(item) + ": target pattern '" + t + "' would allow every domain under ." + rest
                  + (rest.contains(".") ? ", a public suffix (domains of different owners)" : ""),
              "name the parent domain in full, e.g. '*.example." + rest + "'");
        }
        targets.add(t);
        patterns.add(Pattern.compile(Pattern.quote(t).replace("*", "\\E[a-z0-9-]+(\\.[a-z0-9-]+)*\\Q")));
      }
      if (targets.isEmpty()) {
        throw UserError.unusable(where(list) + ": module " + name + " allows no target", "list the domains it may probe, e.g. targets: [example.org]");
      }
      Prune prune = null;
      if (k.get("prune") instanceof MappingNode p) {
        Map<String, Node> pk = keys(p, PRUNE, prefix + "prune->");
        if (!pk.containsKey("config")) {
          throw UserError.unusable(where(p) + ": " + prefix + "prune has no config", "e.g. prune: {config: /etc/ejabberd/ejabberd.yml, older_than: 1h}");
        }
        prune = new Prune(scalar(pk.get("config"), prefix + "prune->config"),
            dev.ejup.docroot.Docroot.age(pk.containsKey("older_than") ? scalar(pk.get("older_than"), "older_than") : "1h"),
            dev.ejup.docroot.Docroot.age(pk.containsKey("every") ? scalar(pk.get("every"), "every") : "10m"));
      } else if (k.containsKey("prune")) {
        throw UserError.unusable(where(k.get("prune")) + ": " + prefix + "prune must be a mapping", "e.g. prune: {config: /etc/ejabberd/ejabberd.yml, older_than: 1h}");
      }
      return new Module(name, jid, passwordFile, server, k.containsKey("service") ? scalar(k.get("service"), prefix + "service") : null,
          bool(k.get("direct_tls"), prefix + "direct_tls"), bool(k.get("insecure"), prefix + "insecure"),
          bool(k.get("allow_http"), prefix + "allow_http"), size,
          k.containsKey("content_type") ? scalar(k.get("content_type"), prefix + "content_type") : "application/octet-stream",
          !k.containsKey("probes") || bool(k.get("probes"), prefix + "probes"), origin, timeout, stepTimeout, List.copyOf(targets),
          List.copyOf(patterns), prune);
    }
  }
}
