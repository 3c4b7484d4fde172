package dev.ejup.config;

import dev.ejup.model.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Splices the upload setup into the original text of an ejabberd.yml: the listener's route, the
 * module block, the quota. Only those blocks change; a commented-out line or block that Debian
 * ships ({@code ## /upload: mod_http_upload}, {@code ## mod_http_upload:}) is replaced where it
 * stands, so the file reads as if the admin had uncommented it.
 */
final class ConfigEditor {
  private static final Pattern COMMENTED_HANDLER =
      Pattern.compile("^(\\s*)#+\\s*(/[^\\s:]*)\\s*:\\s*mod_http_upload\\s*$");

  private final ConfigTree tree;
  private final TextEdits edits;
  private final UploadSettings settings;
  private final List<String> changes = new ArrayList<>();

  private ConfigEditor(ConfigTree tree, String text, UploadSettings settings) {
    this.tree = tree;
    this.edits = new TextEdits(text);
    this.settings = settings;
  }

  record Result(String text, List<String> changes) {}

  static Result edit(ConfigTree tree, String text, UploadSettings settings) {
    ConfigEditor editor = new ConfigEditor(tree, text, settings);
    editor.requireHost();
    if (!settings.external()) {
      editor.listener();
    }
    editor.module("mod_http_upload", Generator.module(settings), settings.moduleOptions(false));
    if (settings.wantsQuota()) {
      editor.shaperRules();
      editor.module("mod_http_upload_quota", Generator.quota(settings), settings.quotaOptions());
    }
    return new Result(editor.edits.apply(), List.copyOf(editor.changes));
  }

  private void requireHost() {
    if (settings.host() != null && !tree.hosts().contains(settings.host())) {
      throw UserError.critical(settings.host() + " is not a virtual host of " + tree.mainFile()
          + " (hosts: " + String.join(", ", tree.hosts()) + ")", "add it under hosts:, or pass --host with one of those");
    }
  }

  private Optional<ConfigTree.Option> ownOption(String name) {
    Optional<ConfigTree.Option> option = tree.option(name);
    if (option.isPresent() && !option.get().file().equals(tree.mainFile())) {
      throw UserError.critical("'" + name + "' is defined in " + option.get().file() + ", not in " + tree.mainFile(),
          "run ejup config apply on " + option.get().file());
    }
    return option;
  }

  /**
   * The listener the upload needs, and only when the file does not have it yet. An option not given
   * is left as the file has it: without --put-url, --port, --path or --scheme the port and path come
   * from the module's existing put_url, so changing --max-size never opens a port. A put_url on a
   * port no ejabberd listener has, whose path a listener routes, is a reverse proxy's: nothing to add
   * (a listener on the proxy's port would take it from the proxy), unless --port asked for one.
   */
  private void listener() {
    UploadSettings wanted = settings;
    if (settings.putUrl() == null && settings.port() == null && settings.path() == null && settings.scheme() == null) {
      List<ModuleSite> sites = ModuleSite.find(tree, "mod_http_upload");
      if (!sites.isEmpty()) {
        Node options = tree.resolve(sites.get(0).options());
        if (settings.externalSecret() == null && Nodes.get(options, "external_secret").flatMap(tree::scalar).filter(x -> !x.isEmpty()).isPresent()) {
          return; // the external upload server serves put_url: no ejabberd route to keep
        }
        wanted = settings.withPutUrl(Nodes.get(options, "put_url").flatMap(tree::scalar).orElse(CrossChecks.DEFAULT_PUT_URL));
      }
    }
    int port = wanted.effectivePort();
    String item = Generator.listener(wanted);
    Optional<ConfigTree.Option> listen = ownOption("listen");
    if (listen.isEmpty()) {
      appendTopLevel("listen:\n" + Indent.by(item, 2));
      changes.add("added 'listen:' with an ejabberd_http listener on port " + port);
      return;
    }
    Node value = listen.get().value();
    if (!(value instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      throw UserError.critical("'listen' in " + tree.mainFile() + " is not a list of listeners",
          "write each listener as a '-' item under listen:");
    }
    if (seq.getFlowStyle() != org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK) {
      throw UserError.critical("'listen' in " + tree.mainFile() + ":" + Nodes.line(seq) + " is written in [...] style, so ejup will not rewrite it",
          "write each listener as a '-' item under listen:, one option per line, then run ejup config apply again");
    }
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      Node candidate = items.get(i);
      int itemPort = Nodes.get(candidate, "port").flatMap(tree::scalar).map(String::trim).map(ConfigEditor::toInt).orElse(-1);
      if (itemPort == port) {
        int endLine = i + 1 < items.size() ? items.get(i + 1).getStartMark().getLine() - 1
            : TextEdits.lastMark(candidate).getLine();
        editListener(candidate, port, endLine, wanted);
        return;
      }
    }
    String path = Listener.handlerPath(wanted.effectivePath());
    if (settings.port() == null && Listener.all(tree).stream().anyMatch(l -> l.isHttp() && l.uploadPath().map(path::equals).orElse(false))) {
      return; // behind a reverse proxy: validate notes what the proxy must forward
    }
    int dash = seq.getStartMark().getColumn();
    int line = TextEdits.lastMark(seq).getLine();
    edits.insert(edits.lineEnd(line), Indent.by(item, dash));
    changes.add("added an ejabberd_http listener on port " + port + " routing " + wanted.effectivePath() + " to mod_http_upload");
  }

  private void editListener(Node item, int port, int endLine, UploadSettings wanted) {
    String module = Nodes.get(item, "module").flatMap(tree::scalar).orElse("");
    if (!module.equals("ejabberd_http")) {
      throw UserError.critical("port " + port + " is already used by " + module + " (" + tree.mainFile() + ":"
          + Nodes.line(item) + ")", "choose another port with --port");
    }
    BlockMapping listener = new BlockMapping(edits, item, "listener on port " + port);
    boolean tls = Nodes.get(item, "tls").flatMap(tree::scalar).flatMap(Scalars::bool).orElse(false);
    boolean https = wanted.effectiveScheme().equals("https");
    if (!https && tls) {
      throw UserError.critical("the listener on port " + port + " speaks TLS but the upload URL would be plain http",
          "use --scheme https, or a --port whose listener has no tls");
    }
    String path = wanted.effectivePath();
    Optional<Node> handlers = Nodes.get(item, "request_handlers");
    boolean routed = handlers.map(h -> Nodes.entries(h).stream().anyMatch(t ->
        tree.scalar(t.getValueNode()).orElse("").equals("mod_http_upload") && samePath(Nodes.key(t), path))).orElse(false);
    if (!routed) {
      int start = item.getStartMark().getLine();
      Optional<Integer> commented = findLine(start, endLine, COMMENTED_HANDLER);
      if (commented.isPresent()) {
        int line = commented.get();
        Matcher m = COMMENTED_HANDLER.matcher(edits.line(line));
        m.matches();
        int column = handlers.filter(h -> h instanceof MappingNode mm && !mm.getValue().isEmpty())
            .map(h -> ((MappingNode) h).getValue().get(0).getKeyNode().getStartMark().getColumn())
            .orElse(m.group(1).length());
        edits.replace(edits.lineStart(line), edits.lineEnd(line), " ".repeat(column) + path + ": mod_http_upload\n");
        changes.add("uncommented '" + path + ": mod_http_upload' in the listener on port " + port);
      } else if (handlers.isPresent()) {
        new BlockMapping(edits, handlers.get(), "request_handlers of the listener on port " + port)
            .add(path + ": mod_http_upload\n");
        changes.add("routed " + path + " to mod_http_upload in the listener on port " + port);
      } else {
        listener.add("request_handlers:\n  " + path + ": mod_http_upload\n");
        changes.add("added request_handlers " + path + ": mod_http_upload to the listener on port " + port);
      }
    }
    if (https && !tls) {
      listener.set("tls", "true", "true");
      changes.add("set 'tls: true' on the listener on port " + port + " (the upload URL is https)");
    }
  }

  private static boolean samePath(String handler, String path) {
    return Listener.handlerPath(handler).equals(Listener.handlerPath(path));
  }

  private void module(String name, String block, Map<String, String> options) {
    Optional<ConfigTree.Option> modules = ownOption("modules");
    if (modules.isEmpty()) {
      appendTopLevel("modules:\n" + Indent.by(block, 2));
      changes.add("added 'modules:' with " + name);
      return;
    }
    BlockMapping mods = new BlockMapping(edits, modules.get().value(), "modules");
    Optional<NodeTuple> existing = mods.entry(name);
    refuseElsewhere(name, existing);
    if (existing.isPresent()) {
      Node value = existing.get().getValueNode();
      boolean emptyCollection = value instanceof MappingNode m && m.getValue().isEmpty()
          || value instanceof SequenceNode sq && sq.getValue().isEmpty();
      if (!(value instanceof ScalarNode) && !emptyCollection) {
        // a {...} mapping (or a list) is refused here: rewriting it whole would drop the options not asked to change
        BlockMapping module = new BlockMapping(edits, value, "modules->" + name);
        options.forEach((key, plain) -> {
          boolean same = Nodes.get(value, key).flatMap(Nodes::scalar).map(plain::equals).orElse(false);
          if (!same) {
            module.set(key, UploadSettings.yaml(key, plain), plain);
            changes.add("set " + name + "->" + key + " to " + plain);
          }
        });
      } else if (!(value instanceof ScalarNode s && !s.getValue().isEmpty())) {
        int first = existing.get().getKeyNode().getStartMark().getLine();
        int last = TextEdits.lastMark(value).getLine();
        edits.replace(edits.lineStart(first), edits.lineEnd(last), Indent.by(block, mods.keyColumn()));
        changes.add("wrote the options of " + name);
      }
      return;
    }
    int from = modules.get().tuple().getKeyNode().getStartMark().getLine();
    int to = TextEdits.lastMark(mods.node()).getLine();
    Optional<int[]> commented = commentedBlock(name, from, to);
    if (commented.isPresent()) {
      String cors = name.equals("mod_http_upload") && !settings.noCors() ? commentedCors(commented.get()) : "";
      edits.replace(edits.lineStart(commented.get()[0]), edits.lineEnd(commented.get()[1]), Indent.by(block + cors, mods.keyColumn()));
      changes.add("enabled " + name + " where its commented-out block was"
          + (cors.isEmpty() ? "" : ", with the CORS custom_headers it shipped (--no-cors leaves them out)"));
      return;
    }
    Optional<NodeTuple> next = alphabeticalSuccessor(mods.node(), name);
    if (next.isPresent()) {
      mods.addBefore(next.get(), block);
    } else {
      mods.add(block);
    }
    changes.add("enabled " + name + " under modules");
  }

  /**
   * The module where apply would not change it: in an included file, or for one host under
   * host_config / append_host_config. A module added to the main file's modules beside it would be
   * ejabberd's "Duplicated option" (an include, append_host_config) or have no effect for that host
   * (host_config's modules replace the global ones), and an edit of the main file's one would leave
   * that one as it is: refused, naming where it is.
   */
  private void refuseElsewhere(String name, Optional<NodeTuple> own) {
    for (ModuleSite site : ModuleSite.find(tree, name)) {
      if (own.isPresent() && site.tuple() == own.get()) {
        continue;
      }
      String where = site.file() + ":" + Nodes.line(site.tuple().getKeyNode());
      if (site.vhost() != null) {
        throw UserError.critical(name + " is " + (own.isPresent() ? "also " : "") + "configured for " + site.vhost() + " alone at " + where
            + " (host_config or append_host_config), which ejup config apply does not edit",
            "change it there by hand, or move it into the modules of " + tree.mainFile() + " and run apply again");
      }
      throw UserError.critical(name + " is configured at " + where + ", an included file ejup config apply does not edit",
          "change it there by hand, or move it into the modules of " + tree.mainFile() + " and run apply again");
    }
  }

  private void shaperRules() {
    Map<String, String> rules = settings.shaperRules();
    if (rules.isEmpty()) {
      return;
    }
    Optional<ConfigTree.Option> existing = ownOption("shaper_rules");
    if (existing.isEmpty()) {
      StringBuilder block = new StringBuilder("shaper_rules:\n");
      rules.forEach((k, v) -> block.append("  ").append(k).append(": ").append(v).append('\n'));
      appendTopLevel(block.toString());
      changes.add("added shaper_rules for the upload quota");
      return;
    }
    BlockMapping mapping = new BlockMapping(edits, existing.get().value(), "shaper_rules");
    rules.forEach((k, v) -> {
      if (mapping.entry(k).isEmpty()) {
        mapping.add(k + ": " + v + "\n");
        changes.add("added shaper rule " + k + ": " + v);
      }
    });
  }

  /** Debian's "## mod_http_upload:" and the more deeply indented "##" lines under it. */
  private Optional<int[]> commentedBlock(String module, int from, int to) {
    Pattern head = Pattern.compile("^(\\s*#+\\s*)" + Pattern.quote(module) + "\\s*:.*$");
    Pattern body = Pattern.compile("^(\\s*#+\\s*)\\S.*$");
    for (int line = from; line <= to; line++) {
      Matcher m = head.matcher(edits.line(line));
      if (m.matches()) {
        int column = m.group(1).length();
        int last = line;
        while (last + 1 <= to) {
          Matcher b = body.matcher(edits.line(last + 1));
          if (!b.matches() || b.group(1).length() <= column) {
            break;
          }
          last++;
        }
        return Optional.of(new int[] {line, last});
      }
    }
    return Optional.empty();
  }

  /**
   * The {@code custom_headers:} lines of Debian's commented upload block, uncommented and indented
   * under the module ("" when it has none). Debian ships them so browser clients (Converse.js,
   * Movim) may upload from another origin: without them the browser blocks the PUT.
   */
  private String commentedCors(int[] block) {
    Pattern comment = Pattern.compile("^(\\s*)#+ ?(.*)$");
    StringBuilder cors = new StringBuilder();
    int keyColumn = -1;
    for (int line = block[0] + 1; line <= block[1]; line++) {
      Matcher m = comment.matcher(edits.line(line));
      if (!m.matches()) {
        break;
      }
      String text = m.group(1) + m.group(2);
      int column = text.length() - text.stripLeading().length();
      if (keyColumn < 0 && text.stripLeading().startsWith("custom_headers:")) {
        keyColumn = column;
      } else if (keyColumn >= 0 && column <= keyColumn) {
        break;
      } else if (keyColumn < 0) {
        continue;
      }
      cors.append("  ").append(" ".repeat(column - keyColumn)).append(text.strip()).append('\n');
    }
    // ejabberd expands @HOST@ in put_url but not in custom_headers (23.01 sends "https://@HOST@" as it
    // stands, and no browser origin matches it): write the host it stands for
    String host = settings.host() != null ? settings.host() : tree.hosts().size() == 1 ? tree.hosts().get(0) : null;
    if (cors.indexOf("@HOST@") >= 0) {
      if (host != null) {
        changes.add("wrote " + host + " for @HOST@ in the CORS headers (ejabberd does not expand it there)");
        return cors.toString().replace("@HOST@", host);
      }
      changes.add("left @HOST@ in the CORS headers: ejabberd sends it as it stands; write your web client's origin there");
    }
    return cors.toString();
  }

  private Optional<Integer> findLine(int from, int to, Pattern pattern) {
    for (int line = from; line <= to && line < edits.lineCount(); line++) {
      if (pattern.matcher(edits.line(line)).matches()) {
        return Optional.of(line);
      }
    }
    return Optional.empty();
  }

  /** Where a new module goes when the file keeps its modules sorted; empty when it does not. */
  private static Optional<NodeTuple> alphabeticalSuccessor(MappingNode modules, String name) {
    List<String> keys = modules.getValue().stream().map(Nodes::key).toList();
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(String.CASE_INSENSITIVE_ORDER);
    if (!sorted.equals(keys)) {
      return Optional.empty();
    }
    return modules.getValue().stream().filter(t -> Nodes.key(t).compareToIgnoreCase(name) > 0).findFirst();
  }

  private void appendTopLevel(String block) {
    String text = edits.text();
    edits.append((text.endsWith("\n") ? "\n" : "\n\n") + block);
  }

  private static int toInt(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
