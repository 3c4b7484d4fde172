package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The type and value rules ejabberd 23.01 applies to each option of mod_http_upload and
 * mod_http_upload_quota (mod_opt_type/1 in their sources), with ejabberd's own wording where it
 * has one, so a user who saw {@code reload_config} fail recognises the message.
 */
final class OptionRules {
  /** Checks one value; reports through the context. */
  private interface Check {
    void check(Ctx ctx, Node value);
  }

  private record Ctx(ConfigTree tree, ModuleSite site, String option, List<Diagnostic> out) {
    void report(Node at, Rule rule, String message, String hint) {
      out.add(ConfigTree.at(site.file(), at, rule,
          "modules->" + site.module() + "->" + option + ": " + message, hint));
    }

    void invalid(Node at, Rule rule, String message, String hint) {
      report(at, rule, "Invalid value: " + message, hint);
    }

    /** The same place one step down: a field ("->fn") or a list item ("->1"), as ejabberd's option paths go. */
    Ctx under(Object step) {
      return new Ctx(tree, site, option + "->" + step, out);
    }
  }

  static final Map<String, Check> UPLOAD = new LinkedHashMap<>();
  static final Map<String, Check> QUOTA = new LinkedHashMap<>();
  /** Options that exist only from some release on (mod_http_upload:mod_options/1 of that release). */
  static final Map<String, EjabberdVersion> SINCE = Map.of(
      "content_types", EjabberdVersion.CONTENT_TYPES,
      "append_module_config", EjabberdVersion.APPEND_MODULE_CONFIG);
  static final Map<String, String> DEPRECATED = Map.of(
      "host", "use 'hosts: [...]' instead",
      "service_url", "ejabberd warns it is deprecated: use 'external_secret' with an external upload server");

  static {
    UPLOAD.put("access", OptionRules::accessRule);
    UPLOAD.put("custom_headers", OptionRules::customHeaders);
    UPLOAD.put("dir_mode", (c, v) -> octal(c, v, true));
    UPLOAD.put("docroot", OptionRules::docroot);
    UPLOAD.put("external_secret", OptionRules::string);
    UPLOAD.put("file_mode", (c, v) -> octal(c, v, false));
    UPLOAD.put("get_url", OptionRules::url);
    UPLOAD.put("host", OptionRules::string);
    UPLOAD.put("hosts", OptionRules::stringList);
    UPLOAD.put("jid_in_url", (c, v) -> oneOf(c, v, Rule.UPLOAD_JID_IN_URL, List.of("node", "sha1")));
    UPLOAD.put("max_size", (c, v) -> positiveOrInfinity(c, v, Rule.UPLOAD_MAX_SIZE));
    UPLOAD.put("name", OptionRules::string);
    UPLOAD.put("put_url", OptionRules::url);
    UPLOAD.put("rm_on_unregister", OptionRules::bool);
    UPLOAD.put("secret_length", OptionRules::secretLength);
    UPLOAD.put("service_url", OptionRules::url);
    UPLOAD.put("thumbnail", OptionRules::thumbnail);
    UPLOAD.put("vcard", OptionRules::vcard);
    UPLOAD.put("content_types", OptionRules::stringMap);
    UPLOAD.put("append_module_config", OptionRules::mapOfMappings);
    QUOTA.put("access_hard_quota", OptionRules::shaperRule);
    QUOTA.put("access_soft_quota", OptionRules::shaperRule);
    QUOTA.put("max_days", (c, v) -> positiveOrInfinity(c, v, Rule.QUOTA_MAX_DAYS));
  }

  private OptionRules() {}

  static void check(ConfigTree tree, ModuleSite site, Map<String, Check> rules, Rule notAMapping, Rule unknownOption,
      List<Diagnostic> out) {
    Node options = tree.resolve(site.options());
    if (options instanceof ScalarNode s && s.getValue().isEmpty()) {
      return; // "mod_http_upload:" with nothing after it: all defaults
    }
    if (!(options instanceof MappingNode mapping)) {
      out.add(ConfigTree.at(site.file(), options, notAMapping,
          site.module() + " must be a mapping of options", "write '" + site.module() + ": {}' for the defaults"));
      return;
    }
    options(tree, site, mapping, rules, unknownOption, "", out);
  }

  /**
   * Each option of a mapping of module options, with its rule; prefix is where the mapping sits
   * under the module ("" for the module's own, "append_module_config->'HOST'->" for a host's).
   */
  private static void options(ConfigTree tree, ModuleSite site, MappingNode mapping, Map<String, Check> rules, Rule unknownOption,
      String prefix, List<Diagnostic> out) {
    for (NodeTuple tuple : mapping.getValue()) {
      String name = Nodes.key(tuple);
      Ctx ctx = new Ctx(tree, site, prefix + name, out);
      Check rule = rules.get(name);
      if (rule == null) {
        String hint = DidYouMean.closest(name, rules.keySet()).map(n -> "did you mean '" + n + "'?")
            .orElse("known options: " + String.join(", ", rules.keySet()));
        out.add(ConfigTree.at(site.file(), tuple.getKeyNode(), unknownOption,
            "unknown option '" + name + "' of " + site.module() + (prefix.isEmpty() ? "" : " (in " + prefix.replaceAll("->$", "") + ")"), hint));
        continue;
      }
      EjabberdVersion since = rules == UPLOAD ? SINCE.get(name) : null;
      if (since != null && !tree.version().atLeast(since)) {
        out.add(ConfigTree.at(site.file(), tuple.getKeyNode(), Rule.CONFIG_NEEDS_NEWER_EJABBERD,
            "option '" + name + "' of " + site.module() + " exists from ejabberd " + since + " on; ejabberd " + tree.version()
                + " refuses the file", "remove it, or upgrade ejabberd to " + since + " or newer (pass --ejabberd-version if ejup guessed the release wrong)"));
        continue;
      }
      if (tree.fromEnvironment(tuple.getValueNode())) {
        String macro = Nodes.scalar(tuple.getValueNode()).orElse("");
        out.add(ConfigTree.at(site.file(), tuple.getValueNode(), Rule.CONFIG_MACRO_FROM_ENVIRONMENT,
            "modules->" + site.module() + "->" + name + ": " + macro + " is no define_macro of this file: ejabberd takes it from the environment variable EJABBERD_MACRO_"
                + macro + " and refuses the file when that is unset; ejup cannot see ejabberd's environment, so this option is not checked",
            "make sure ejabberd's environment sets EJABBERD_MACRO_" + macro + ", or define it under define_macro"));
        continue;
      }
      if (DEPRECATED.containsKey(name) && rules == UPLOAD) {
        ctx.report(tuple.getKeyNode(), Rule.UPLOAD_DEPRECATED_OPTION, "option is deprecated",
            DEPRECATED.get(name));
      }
      rule.check(ctx, tree.resolve(tuple.getValueNode()));
    }
  }

  private static String text(Node v) {
    return Nodes.scalar(v).orElse("a " + (v instanceof SequenceNode ? "list" : "mapping"));
  }

  /** econf:binary/0: any scalar but a number (fast_yaml makes a plain 12345 an integer, which it refuses). */
  private static void string(Ctx c, Node v) {
    if (!(v instanceof ScalarNode)) {
      c.invalid(v, Rule.UPLOAD_TYPE, "Expected string, got: " + text(v), "write a single value");
    } else if (Scalars.number(v)) {
      c.invalid(v, Rule.UPLOAD_TYPE, "Expected string, got number: " + text(v), "quote it: \"" + text(v) + "\"");
    }
  }

  /** econf:bool/0, which reads yes/no, on/off and y/n as well as true/false. */
  private static void bool(Ctx c, Node v) {
    String s = text(v);
    if (!(v instanceof ScalarNode) || Scalars.bool(s).isEmpty()) {
      c.invalid(v, Rule.UPLOAD_TYPE, "Expected boolean, got: " + s, "write true or false");
    }
  }

  private static void stringList(Ctx c, Node v) {
    if (!(v instanceof SequenceNode seq) || seq.getValue().stream().anyMatch(i -> !(i instanceof ScalarNode))) {
      c.invalid(v, Rule.UPLOAD_TYPE, "Expected list of strings, got: " + text(v), "write e.g. [\"upload.@HOST@\"]");
    }
  }

  private static void customHeaders(Ctx c, Node v) {
    stringMap(c, v);
    if (v instanceof MappingNode m) {
      for (org.yaml.snakeyaml.nodes.NodeTuple t : m.getValue()) {
        if (Nodes.key(t).equalsIgnoreCase("Access-Control-Allow-Origin") && t.getValueNode() instanceof ScalarNode origin
            && origin.getValue().strip().matches("(?i)[a-z][a-z0-9+.-]*://[^/?#]+[/?#].*")) {
          String bare = origin.getValue().strip().replaceFirst("(?i)^([a-z][a-z0-9+.-]*://[^/?#]+).*$", "$1");
          c.report(origin, Rule.UPLOAD_CORS_ORIGIN_PATH, "Access-Control-Allow-Origin '" + origin.getValue()
              + "' has a path, and a browser's Origin never has one: no web client matches it",
              "write the origin alone: \"" + bare + "\" (check it with ejup check --origin " + bare + ")");
        }
        if (t.getValueNode() instanceof ScalarNode value) {
          unmatchable(c, Nodes.key(t), value);
        }
      }
    }
  }

  /**
   * Headers a browser's check can never pass. ejabberd sends custom_headers as written: 23.01 answers
   * "Access-Control-Allow-Origin: https://@HOST@" literally (seen on the real node), and a browser
   * compares the whole origin, scheme included; a preflight for PUT fails when Allow-Methods lacks it.
   */
  private static void unmatchable(Ctx c, String header, ScalarNode value) {
    String text = value.getValue().strip();
    if (header.equalsIgnoreCase("Access-Control-Allow-Origin") && !text.equals("*")) {
      if (text.contains("@HOST@")) {
        c.report(value, Rule.UPLOAD_CORS_UNMATCHABLE, "Access-Control-Allow-Origin '" + text + "': ejabberd sends @HOST@ here literally, "
            + "so no browser's origin matches it", "write the web client's origin, e.g. \"https://chat.example.org\" (ejup check --origin proves it)");
      } else if (!text.matches("(?i)[a-z][a-z0-9+.-]*://.+")) {
        c.report(value, Rule.UPLOAD_CORS_UNMATCHABLE, "Access-Control-Allow-Origin '" + text + "' has no scheme, and a browser's Origin always has one",
            "write \"https://" + text + "\"");
      }
    } else if (header.equalsIgnoreCase("Access-Control-Allow-Methods") && !text.equals("*")
        && java.util.Arrays.stream(text.split(",")).map(String::strip).noneMatch(m -> m.equalsIgnoreCase("PUT"))) {
      c.report(value, Rule.UPLOAD_CORS_UNMATCHABLE, "Access-Control-Allow-Methods '" + text + "' lacks PUT: a browser's preflight for the upload fails",
          "write \"GET,HEAD,PUT,OPTIONS\"");
    }
  }

  /** econf:map(econf:binary(), econf:binary()): a header whose value YAML reads as a number is refused. */
  private static void stringMap(Ctx c, Node v) {
    if (!(v instanceof MappingNode m) || m.getValue().stream().anyMatch(t -> !(t.getValueNode() instanceof ScalarNode))) {
      c.invalid(v, Rule.UPLOAD_TYPE, "Expected mapping of header names to values, got: " + text(v),
          "write e.g. \"Access-Control-Allow-Origin\": \"https://chat.example.org\" (23.01 answers @HOST@ in custom_headers literally)");
      return;
    }
    for (NodeTuple header : m.getValue()) {
      Node value = c.tree().resolve(header.getValueNode());
      if (Scalars.number(value)) {
        c.report(value, Rule.UPLOAD_TYPE, "Invalid value of " + Nodes.key(header) + ": Expected string, got number: " + text(value),
            "quote it: " + Nodes.key(header) + ": \"" + text(value) + "\"");
      }
    }
  }

  /**
   * The service's vCard (econf:vcard_temp/0): a mapping of vCard fields. An empty one ({@code {}})
   * makes 23.01 and 24.12 refuse the file with "Exception occurred during configuration processing"
   * (the validator calls tuple_to_list(undefined)).
   */
  private static void vcard(Ctx c, Node v) {
    if (!(v instanceof MappingNode m)) {
      c.invalid(v, Rule.UPLOAD_TYPE, "Expected map, got " + shown(v) + " instead",
          "leave vcard out, or give it fields, e.g. fn: \"File upload\" on the next line, indented");
    } else if (m.getValue().isEmpty()) {
      c.invalid(v, Rule.UPLOAD_TYPE, "an empty vcard: ejabberd refuses the file (\"Exception occurred during configuration processing\")",
          "leave vcard out, or give it fields, e.g. fn: \"File upload\"");
    } else {
      vcardFields(c, m, VcardSchema.VCARD);
    }
  }

  /** Each field of a vCard record is one ejabberd knows, with a value of its type ({@link VcardSchema}). */
  private static void vcardFields(Ctx c, MappingNode m, VcardSchema.Fields schema) {
    for (NodeTuple t : m.getValue()) {
      String name = Nodes.key(t);
      VcardSchema.Type type = schema.fields().get(name);
      if (type != null) {
        vcardValue(c.under(name), c.tree().resolve(t.getValueNode()), type);
        continue;
      }
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      String hint = schema.fields().containsKey(lower) ? "field names are lower case: " + lower
          : DidYouMean.closest(name, schema.fields().keySet()).map(n -> "did you mean '" + n + "'?")
              .orElse("the fields here are: " + String.join(", ", schema.fields().keySet()));
      c.invalid(t.getKeyNode(), Rule.UPLOAD_TYPE, "Unknown option: " + name + " (ejabberd refuses the file)", hint);
    }
  }

  private static void vcardValue(Ctx c, Node v, VcardSchema.Type type) {
    if (type instanceof VcardSchema.Text) {
      string(c, v);
    } else if (type instanceof VcardSchema.Base64) {
      if (Scalars.number(v)) {
        c.invalid(v, Rule.UPLOAD_TYPE, "Expected string, got number: " + text(v), "quote it, or give the Base64 of the bytes");
      } else if (!(v instanceof ScalarNode) || !VcardSchema.Base64.decodes(text(v))) {
        c.invalid(v, Rule.UPLOAD_TYPE, "Invalid Base64 string", "give the image's bytes in Base64 (base64 -w0 FILE), or extval with its URL");
      }
    } else if (type instanceof VcardSchema.Flag) {
      if (!(v instanceof ScalarNode) || Scalars.bool(text(v)).isEmpty()) {
        c.invalid(v, Rule.UPLOAD_TYPE, "Expected boolean, got " + shown(v), "write true or false");
      }
    } else if (type instanceof VcardSchema.OneOf one) {
      if (!(v instanceof ScalarNode) || !one.values().contains(text(v))) {
        c.invalid(v, Rule.UPLOAD_TYPE, "Unexpected value: " + shown(v), "write one of " + String.join(", ", one.values()));
      }
    } else if (type instanceof VcardSchema.Fields record) {
      if (v instanceof MappingNode nested) {
        vcardFields(c, nested, record);
      } else {
        c.invalid(v, Rule.UPLOAD_TYPE, "Expected map, got " + shown(v), "give its fields on the lines below, indented");
      }
    } else if (!(v instanceof SequenceNode items)) {
      c.invalid(v, Rule.UPLOAD_TYPE, "Expected list, got " + shown(v), "write it as a list: a '- ' line per item");
    } else {
      VcardSchema.Type item = type instanceof VcardSchema.ListOf list ? list.item() : new VcardSchema.Text();
      for (int i = 0; i < items.getValue().size(); i++) {
        // ejabberd counts list items from 1 in its option paths (vcard->tel->1->home)
        vcardValue(c.under(i + 1), c.tree().resolve(items.getValue().get(i)), item);
      }
    }
  }

  /** A value as ejabberd's messages name it: an empty one is "empty string". */
  private static String shown(Node v) {
    String t = text(v);
    return t.isEmpty() ? "empty string" : t;
  }

  /**
   * append_module_config (26.07): upload hosts, each with options of mod_http_upload's own, which
   * ejabberd checks as it checks the module's ("append_module_config->'localhost'->vcard: Unknown
   * option: fnx").
   */
  private static void mapOfMappings(Ctx c, Node v) {
    if (!(v instanceof MappingNode m) || m.getValue().stream().anyMatch(t -> !(c.tree().resolve(t.getValueNode()) instanceof MappingNode))) {
      c.invalid(v, Rule.UPLOAD_TYPE, "Expected mapping of upload hosts to options, got: " + text(v),
          "write e.g. \"upload.example.org\": {name: \"Files\"}");
      return;
    }
    Map<String, Check> hostRules = new LinkedHashMap<>(UPLOAD);
    hostRules.remove("append_module_config");
    for (NodeTuple host : m.getValue()) {
      options(c.tree(), c.site(), (MappingNode) c.tree().resolve(host.getValueNode()), hostRules, Rule.UPLOAD_UNKNOWN_OPTION,
          c.option() + "->'" + Nodes.key(host) + "'->", c.out());
    }
  }

  private static void oneOf(Ctx c, Node v, Rule rule, List<String> allowed) {
    String s = text(v);
    if (!allowed.contains(s)) {
      String guess = DidYouMean.nearest(s, allowed).map(g -> " Did you mean " + g + "?").orElse("");
      c.invalid(v, rule, "Unexpected value: " + s + "." + guess + " Possible values are: " + String.join(", ", allowed),
          "write one of " + String.join(", ", allowed));
    }
  }

  private static void positiveOrInfinity(Ctx c, Node v, Rule rule) {
    String s = text(v);
    if (s.equals("infinity")) {
      return;
    }
    try {
      if (Long.parseLong(s) > 0 && !Nodes.quoted(v)) {
        return;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    c.invalid(v, rule, "Expected positive integer or 'infinity', got: " + s,
        "write a number of bytes such as 104857600 (100 MiB), or infinity");
  }

  private static void secretLength(Ctx c, Node v) {
    String s = text(v);
    try {
      long n = Long.parseLong(s);
      if (n >= 8 && n <= 1000 && !Nodes.quoted(v)) {
        return;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    c.invalid(v, Rule.UPLOAD_SECRET_LENGTH, "Expected integer from 8 to 1000, got: " + s,
        "leave it out for the default 40, or write a number from 8 to 1000");
  }

  private static void octal(Ctx c, Node v, boolean directory) {
    String s = text(v);
    if (!(v instanceof ScalarNode)) {
      c.invalid(v, Rule.UPLOAD_MODE, "Expected octal string, got: " + s, "write e.g. \"0640\"");
      return;
    }
    if (!s.matches("[0-7]{3,4}")) {
      c.invalid(v, Rule.UPLOAD_MODE, "Expected octal string such as \"0640\", got: " + s,
          "write the mode as four octal digits in quotes");
      return;
    }
    if (!Nodes.quoted(v)) {
      c.report(v, Rule.UPLOAD_MODE_UNQUOTED,
          "Expected string, got integer instead: YAML reads the unquoted mode " + s + " as a number, and ejabberd refuses the file",
          "write it in quotes: \"" + s + "\"");
      return;
    }
    int mode = Integer.parseInt(s, 8);
    if (directory && (mode & 0700) != 0700) {
      c.report(v, Rule.UPLOAD_MODE_UNUSABLE,
          "directory mode " + s + " does not give ejabberd's user read, write and search (0700)",
          "write at least \"0750\"");
    } else if (!directory && (mode & 0600) != 0600) {
      c.report(v, Rule.UPLOAD_MODE_UNUSABLE,
          "file mode " + s + " does not let ejabberd's user read and write the files it stores",
          "write at least \"0640\"");
    } else if ((mode & 0002) != 0) {
      c.report(v, Rule.UPLOAD_MODE_WORLD_WRITABLE,
          "mode " + s + " makes uploads world-writable", "drop the write bit for others, e.g. \"0644\"");
    }
  }

  private static void docroot(Ctx c, Node v) {
    String s = text(v);
    if (!(v instanceof ScalarNode) || s.isBlank()) {
      c.invalid(v, Rule.UPLOAD_DOCROOT, "Expected a directory path, got: " + s, "write e.g. \"@HOME@/upload\"");
    } else if (!s.startsWith("/") && !s.startsWith("@HOME@")) {
      c.report(v, Rule.UPLOAD_DOCROOT_RELATIVE,
          "docroot '" + s + "' is relative: it resolves against ejabberd's working directory, which differs between init systems",
          "write an absolute path or start it with @HOME@, e.g. \"@HOME@/upload\"");
    }
  }

  private static void url(Ctx c, Node v) {
    String s = text(v);
    if (!(v instanceof ScalarNode)) {
      c.invalid(v, Rule.UPLOAD_URL, "Expected URL, got: " + s, "write e.g. https://@HOST@:5443/upload");
      return;
    }
    if (s.contains("@HOST_URL_ENCODE@") && !c.tree().version().atLeast(EjabberdVersion.HOST_URL_ENCODE)) {
      c.report(v, Rule.CONFIG_NEEDS_NEWER_EJABBERD, "@HOST_URL_ENCODE@ is replaced from ejabberd " + EjabberdVersion.HOST_URL_ENCODE
          + " on; ejabberd " + c.tree().version() + " refuses the URL", "write @HOST@ instead, or upgrade ejabberd to "
          + EjabberdVersion.HOST_URL_ENCODE + " or newer (pass --ejabberd-version if ejup guessed the release wrong)");
      return;
    }
    int colon = s.indexOf("://");
    String scheme = colon > 0 ? s.substring(0, colon).toLowerCase(java.util.Locale.ROOT) : "";
    if (colon > 0 && !scheme.equals("http") && !scheme.equals("https")) {
      c.invalid(v, Rule.UPLOAD_URL_SCHEME, "Unsupported scheme '" + scheme + "' in the URL: " + s,
          "use https://, e.g. https://@HOST@:5443/upload");
      return;
    }
    if (UploadUrl.parse(s, "example.org").isEmpty()) {
      c.invalid(v, Rule.UPLOAD_URL, "Malformed URL: " + s, "write e.g. https://@HOST@:5443/upload");
      return;
    }
    if (scheme.equals("http")) {
      c.report(v, Rule.UPLOAD_PLAIN_HTTP,
          "plain http URL: uploads travel unencrypted and clients such as Conversations refuse it on many setups",
          "serve uploads over https (a listener with tls: true), e.g. https://@HOST@:5443/upload");
    }
  }

  private static void thumbnail(Ctx c, Node v) {
    bool(c, v);
    if (Scalars.bool(text(v)).orElse(false)) {
      c.report(v, Rule.UPLOAD_THUMBNAIL,
          "thumbnails need ejabberd built with image support (eimp); without it ejabberd refuses the option",
          "check 'ejabberdctl' logs after reload, or set thumbnail: false");
    }
  }

  private static void accessRule(Ctx c, Node v) {
    if (!(v instanceof ScalarNode)) {
      return; // an inline rule (list of allow/deny) is checked by ejabberd's ACL code
    }
    CrossChecks.requireAccessRule(c.tree(), c.site(), v, Nodes.scalar(v).orElse(""), c.out());
  }

  private static void shaperRule(Ctx c, Node v) {
    String name = text(v);
    Set<String> defined = new java.util.HashSet<>();
    c.tree().all("shaper_rules").forEach(o -> Nodes.entries(c.tree().resolve(o.value()))
        .forEach(t -> defined.add(Nodes.key(t))));
    if (!defined.contains(name)) {
      c.report(v, Rule.QUOTA_RULE_UNDEFINED,
          "shaper rule '" + name + "' is not defined in shaper_rules, so no quota applies",
          "add under shaper_rules: " + name + ": {1000: all}  (MiB per user)");
    }
  }
}
