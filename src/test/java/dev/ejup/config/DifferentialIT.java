package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential harness: every config of the corpus (the rule fixtures under config/rules and
 * the cases under config/differential) goes to ejup ({@code config validate --ejabberd-version V})
 * AND to a real ejabberd V ({@code ejabberd_admin:reload_config} on a running node; when it loads,
 * a real upload with {@code ejup check}). The expected verdict is what ejabberd did, never written
 * by hand:
 * <ul>
 *   <li>ejabberd refuses the file: ejup exits 2 with an error at the line ejabberd's message points
 *       at (its "line N", or the key its option path ends in);
 *   <li>ejabberd loads it and the upload works: ejup exits 0 or 1;
 *   <li>ejabberd loads it and the upload fails: ejup exits 2 (a stricter rule, proven needed here).
 * </ul>
 * A file ejabberd loads but ejup refuses while the upload works, or the reverse, is a disagreement.
 * Disagreements listed in config/differential/known-disagreements.txt (owned by another change,
 * e.g. the listen-section rules) are reported but do not fail the run; any other fails it. The
 * per-version tally is printed and written to target/differential-V.txt.
 *
 * <p>A cold start (node stopped, file written, node started) runs for the files named in
 * config/differential/cold-start.txt only: a start costs seconds where a reload costs 0.15 s.
 */
class DifferentialIT {
  private static final Path RULES = Path.of("src/test/resources/config/rules");
  private static final Path CASES = Path.of("src/test/resources/config/differential");
  /** Offsets from a node's port base for the ports the fixtures spell out (local-ejabberd's layout first). */
  private static final Map<Integer, Integer> PORTS = Map.of(5222, 0, 5443, 1, 5280, 2, 5223, 3, 5269, 4, 3478, 5, 1883, 6, 443, 7, 80, 8);
  private static final Pattern PORT = Pattern.compile("(port: |:)(\\d{2,5})(?=[\\s/\"',}\\]]|$)", Pattern.MULTILINE);

  enum Ejabberd { REFUSED, LOADED_WORKS, LOADED_FAILS, LOADED_NO_UPLOAD }

  record Outcome(String file, Ejabberd ejabberd, int ejup, boolean agree, String why) {}

  /**
   * The versions are judged side by side, each on a node of its own: most of a file's time is
   * waiting on its node (a reload, an upload). Those that run as the host's ejabberd user (23.01,
   * 24.12) share its home, and so the default docroot @HOME@/upload with the account's directory
   * in it: they take turns (seen: a mode fixture on one made the other's PUT answer 500). 26.07
   * runs in its chroot, with a home of its own. A node starts and stops only under {@link #LIFECYCLE}.
   */
  @TestFactory
  Stream<DynamicTest> ejupAgreesWithEachEjabberdVersion() {
    List<String> versions = List.of(System.getProperty("differential.versions", String.join(",", LocalEjabberd.VERSIONS)).split(","));
    Map<Boolean, ExecutorService> lanes = Map.of(true, Executors.newSingleThreadExecutor(), false, Executors.newSingleThreadExecutor());
    Map<String, Future<?>> runs = new LinkedHashMap<>();
    versions.forEach(v -> runs.put(v, lanes.get(v.equals("26.07")).submit(() -> {
      runCorpus(v);
      return null;
    })));
    lanes.values().forEach(ExecutorService::shutdown);
    return versions.stream().map(v -> DynamicTest.dynamicTest("ejabberd " + v, () -> {
      try {
        runs.get(v).get();
      } catch (ExecutionException e) {
        throw e.getCause();
      }
    }));
  }

  /**
   * Held while a node starts or stops: ejabberdctl's "stopped" kills epmd when no node is
   * registered with it, which fails a node that is starting at that moment (seen with the three
   * versions' cold starts at once: a node that never came up, nothing in its log), and
   * scripts/local-ejabberd mounts the 26.07 chroot's folders.
   */
  private static final Object LIFECYCLE = new Object();

  static List<Path> corpus() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path dir : List.of(RULES, CASES)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.toString().endsWith(".yml")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  private void runCorpus(String version) throws IOException {
    Map<String, String> known = known(version);
    Set<String> cold = new TreeSet<>(Files.readAllLines(CASES.resolve("cold-start.txt")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
    LocalEjabberd node;
    synchronized (LIFECYCLE) {
      node = LocalEjabberd.up("i11diff" + version.replace(".", ""), version);
    }
    List<String> optionDrift;
    try {
      optionDrift = optionDrift(node, version);
    } catch (IOException | RuntimeException e) {
      synchronized (LIFECYCLE) {
        node.down();
      }
      throw e;
    }
    long start = System.nanoTime();
    long coldNanos = 0;
    List<Outcome> outcomes = new ArrayList<>();
    StringBuilder coldReport = new StringBuilder();
    try {
      String pristine = Files.readString(node.config());
      for (Path file : corpus()) {
        String text = adapt(Files.readString(file), file, node);
        outcomes.add(judge(node, file, text, version));
        if (cold.contains(file.getFileName().toString())) {
          long coldStart = System.nanoTime();
          coldReport.append(coldStart(node, file, text, outcomes.get(outcomes.size() - 1))).append('\n');
          coldNanos += System.nanoTime() - coldStart;
        }
      }
      node.write(pristine);
      node.rpc("ejabberd_admin reload_config");
    } finally {
      synchronized (LIFECYCLE) {
        node.down();
      }
    }
    // where the run's time goes, for whoever trims it next
    coldReport.append(String.format("time: %d files in %.0f s, of which %d cold starts %.0f s%n", outcomes.size(),
        (System.nanoTime() - start) / 1e9, cold.size(), coldNanos / 1e9));
    String report = report(version, outcomes, known) + coldReport;
    System.out.println(report);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/differential-" + version + ".txt"), report);
    List<String> unexpected = outcomes.stream().filter(o -> !o.agree() && !known.containsKey(o.file()))
        .map(o -> o.file() + ": " + o.why()).toList();
    assertTrue(unexpected.isEmpty(), "ejup disagrees with ejabberd " + version + " on:\n" + String.join("\n", unexpected));
    assertTrue(optionDrift.isEmpty(), "src/main/resources/ejabberd/ differs from the running ejabberd " + version
        + "'s own lists (+ the node has it, - only the file): " + optionDrift);
    assertTrue(!coldReport.toString().contains("DISAGREE"), "a cold start disagrees with the reload:\n" + coldReport);
  }

  /**
   * The top-level options the running node accepts (ejabberd_config:validate/1: the keys of
   * ejabberd_options:options(), and the older names whose clauses ejabberd_config_transformer's
   * transform/4 and filter/4 have) against the list ejup ships for that release: what differs, as
   * "+name" (the node has it, ejup's file does not) and "-name".
   */
  static List<String> optionDrift(LocalEjabberd node, String version) throws IOException {
    String asked = String.join("\n",
        "Opts = [case O of {K, _} -> K; K -> K end || O <- ejabberd_options:options()],",
        "{ok, {_, [{abstract_code, {raw_abstract_v1, Forms}}]}} = beam_lib:chunks(code:which(ejabberd_config_transformer), [abstract_code]),",
        "Eq = fun Eq(V, {op, _, '==', {var, _, V}, {atom, _, A}}) -> [A]; Eq(V, {op, _, _, L, R}) -> Eq(V, L) ++ Eq(V, R); Eq(_, _) -> [] end,",
        "Heads = [case Arg of {atom, _, A} -> [A]; {var, _, V} -> lists:flatmap(fun(G) -> Eq(V, G) end, lists:flatten(Gs)); _ -> [] end",
        "  || {function, _, N, 4, Cs} <- Forms, lists:member(N, [transform, filter]), {clause, _, [_, Arg | _], Gs, _} <- Cs],",
        "lists:usort([atom_to_list(K) || K <- Opts ++ lists:append(Heads)]).", "");
    List<String> drift = new ArrayList<>(drift(node, asked, "options-" + version + ".txt"));
    drift.addAll(drift(node, "lists:usort([atom_to_list(G) || G <- ejabberd_options:globals()]).\n", "globals-" + version + ".txt"));
    return drift;
  }

  /** What the node's list (the names the expressions give) and the shipped file differ by, each name "+" (the node's only) or "-". */
  private static List<String> drift(LocalEjabberd node, String asked, String file) throws IOException {
    LocalEjabberd.Shell.Result answer = node.eval(asked).requireOk("the node's list for " + file);
    Set<String> live = new TreeSet<>();
    Matcher names = Pattern.compile("\"([a-z0-9_]+)\"").matcher(answer.out());
    while (names.find()) {
      live.add(names.group(1));
    }
    assertTrue(live.size() > 30 && answer.out().startsWith("{ok,"), "the node's list for " + file + ": " + answer.out());
    Set<String> shipped = new TreeSet<>(Files.readAllLines(Path.of("src/main/resources/ejabberd/" + file)).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
    List<String> drift = new ArrayList<>();
    live.stream().filter(n -> !shipped.contains(n)).forEach(n -> drift.add(file + ": +" + n));
    shipped.stream().filter(n -> !live.contains(n)).forEach(n -> drift.add(file + ": -" + n));
    return drift;
  }

  /** One file: ejabberd's verdict (reload, then an upload when it loaded) beside ejup's. */
  private static Outcome judge(LocalEjabberd node, Path file, String text, String version) throws IOException {
    String name = file.getFileName().toString();
    // what ejabberd logs from this file's reload on (a listener that could not reopen its port)
    Path errors = Path.of(node.get("ROOT"), "log", "error.log");
    long logged = Files.exists(errors) ? Files.size(errors) : 0;
    LocalEjabberd.Shell.Result reload = load(node, text);
    Ejup.Result ours = Ejup.runCaptured(Map.of(), "config", "validate", node.config().toString(), "--ejabberd-version", version);
    if (!reload.out().strip().equals("ok")) {
      // {error, "..."}: ejabberd refused the file and runs the previous one
      String message = reload.out().strip();
      if (ours.exitCode() != 2) {
        return new Outcome(name, Ejabberd.REFUSED, ours.exitCode(), false, "ejabberd refuses (" + message + ") but ejup exits "
            + ours.exitCode() + ":\n" + ours.out());
      }
      Set<Integer> lines = linesNamed(message, text);
      Set<Integer> ejupLines = errorLines(ours.out());
      boolean near = lines.isEmpty() || ejupLines.stream().anyMatch(l -> lines.stream().anyMatch(k -> l >= k && l <= k + 6));
      return new Outcome(name, Ejabberd.REFUSED, 2, near, near ? "both refuse" + (lines.isEmpty() ? " (line not named by ejabberd)" : "")
          : "ejabberd points at line(s) " + lines + " (" + message + "), ejup at " + ejupLines + ":\n" + ours.out());
    }
    if (ModuleSite.find(ConfigTree.load(node.config(), new LocalStore()), "mod_http_upload").isEmpty()) {
      // nothing to upload through: the file is judged on whether ejabberd takes it
      boolean agree = ours.exitCode() <= 1;
      return new Outcome(name, Ejabberd.LOADED_NO_UPLOAD, ours.exitCode(), agree,
          agree ? "both accept (no upload module)" : "ejabberd loads it, ejup exits " + ours.exitCode() + ":\n" + ours.out());
    }
    Ejup.Result check = upload(node);
    boolean works = check.exitCode() == 0;
    if (!works) {
      if (busyPort(errors, logged)) {
        // a changed listener could not reopen its port, its old socket not yet closed ("address
        // already in use" in ejabberd's log; seen at a load of 5, three nodes at once), and a reload
        // of the same file retries nothing (no listener changed): the node starts on this file
        synchronized (LIFECYCLE) {
          try {
            node.restart();
          } catch (IllegalStateException refusedAtStart) {
            node.reset(); // it does not start on it: the verdict stays the reload's, on a running node
          }
        }
      } else {
        // ejabberd may answer ok and still fail to reopen a changed listener: one more reload before the verdict
        load(node, text);
      }
      check = upload(node);
      works = check.exitCode() == 0;
    }
    if (!works && !answers(node)) {
      throw new IllegalStateException("ejabberd " + version + " stopped answering during the upload of " + name
          + ": the harness cannot judge this file (see the node's log)");
    }
    if (works) {
      boolean agree = ours.exitCode() <= 1;
      return new Outcome(name, Ejabberd.LOADED_WORKS, ours.exitCode(), agree,
          agree ? "both accept" : "ejabberd loads it and uploads work, ejup exits " + ours.exitCode() + ":\n" + ours.out());
    }
    boolean agree = ours.exitCode() == 2;
    return new Outcome(name, Ejabberd.LOADED_FAILS, ours.exitCode(), agree,
        agree ? "ejabberd loads it, uploads fail, ejup refuses it" : "ejabberd loads it but uploads fail, ejup exits " + ours.exitCode()
            + "; the upload's check said:\n" + check.out() + check.err());
  }

  /**
   * Writes the file and asks the node to reload it; ejabberd's answer. An erl_call that cannot reach
   * the node is the harness's failure, not ejabberd's verdict (seen once on 26.07 at load 17: five
   * files in a row "refused" with erl_call's "failed to connect to node"): the file is loaded again,
   * after a restart when the node is gone, and a node that still does not answer fails the run
   * instead of judging the file.
   */
  private static LocalEjabberd.Shell.Result load(LocalEjabberd node, String text) {
    for (int attempt = 1; ; attempt++) {
      node.write(text);
      copyIncludes(node);
      LocalEjabberd.Shell.Result reload = node.rpc("ejabberd_admin reload_config");
      // erl_call's own failure ("erl_call: failed to connect to node ...") is no answer from ejabberd,
      // even when the node answers the next call (seen: five files in two seconds, node up before and after)
      if (!reload.out().contains("erl_call:") && answers(node)) {
        return reload;
      }
      if (attempt == 3) {
        throw new IllegalStateException("the ejabberd node stopped answering erl_call (" + reload.out().strip()
            + ") and did not come back after a restart: the harness cannot judge this file");
      }
      sleepQuietly(2000);
      if (!answers(node)) {
        synchronized (LIFECYCLE) {
          node.reset(); // starts the node on the pristine file; the loop writes this one again
        }
      }
    }
  }

  /** Whether ejabberd logged, after offset, that a listener could not open its port. */
  private static boolean busyPort(Path errors, long offset) {
    try {
      byte[] all = Files.readAllBytes(errors);
      return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset), java.nio.charset.StandardCharsets.UTF_8)
          .contains("address already in use");
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the node answers erl_call at all (its name back), whatever config it runs. */
  private static boolean answers(LocalEjabberd node) {
    return node.rpc("erlang node").out().contains(node.get("NODE").split("@")[0]);
  }

  /** A real XEP-0363 upload through the node as it runs now; the exit code of ejup check. */
  private static Ejup.Result upload(LocalEjabberd node) {
    return Ejup.runCaptured(Map.of("EJUP_PASSWORD", node.password()), "check", "--jid", node.get("JID"),
        "--server", "127.0.0.1:" + node.get("XMPP_PORT"), "--allow-http", "--no-probes", "--deadline", "20", "--size", "100");
  }

  /**
   * The same file from a stopped node: does it start? Must agree with what the reload said. A node
   * that started is left running the file (the next file is reloaded into it as into any other);
   * one that did not is started again on the pristine file.
   */
  private static String coldStart(LocalEjabberd node, Path file, String text, Outcome reloaded) {
    synchronized (LIFECYCLE) {
      String name = file.getFileName().toString();
      node.down();
      node.write(text);
      node.ctl("start");
      boolean started = false;
      boolean halted = false;
      for (int i = 0; i < 180 && !started && !halted; i++) { // 90 s: a start on 2 loaded cores
        // the ejabberd application itself, not just its Erlang node (erl_call prints status's text as numbers)
        started = node.rpc("application which_applications").out().contains("{ejabberd,");
        // the node itself, not an erl_call or ejabberdctl naming it
        halted = !started && LocalEjabberd.Shell.run(List.of("pgrep", "-f", "--", "-sname " + node.get("NODE") + "( |$)"), 10).exit() != 0;
        if (!started && !halted) {
          sleepQuietly(500);
        }
      }
      if (!started) {
        if (!halted) {
          node.down();
        }
        node.reset(); // the pristine file, started
      }
      boolean reloadLoaded = reloaded.ejabberd() != Ejabberd.REFUSED;
      return "cold start " + name + ": " + (started ? "started" : "refused") + (started == reloadLoaded ? " (agrees with reload)" : " DISAGREE with reload");
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The fixture as this node can run it: its listeners on the node's own 127.0.0.1 ports, its
   * certificate, its includes by absolute path. Every edit stays on its line, so ejup's line
   * numbers and ejabberd's mean the same line.
   */
  static String adapt(String text, Path file, LocalEjabberd node) {
    int base = node.portBase();
    Map<Integer, Integer> others = new LinkedHashMap<>();
    Matcher m = PORT.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int port = Integer.parseInt(m.group(2));
      Integer offset = PORTS.get(port);
      int mapped = offset != null ? base + offset : base + 10 + others.computeIfAbsent(port, p -> others.size()) % 80;
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + mapped));
    }
    m.appendTail(out);
    String etc = node.get("ROOT") + "/etc";
    return out.toString()
        .replace("ip: \"::\"", "ip: \"127.0.0.1\"").replace("ip: \"0.0.0.0\"", "ip: \"127.0.0.1\"")
        .replace("/etc/ejabberd/ejabberd.pem", etc + "/ejabberd.pem")
        .replace("include_config_file: " + file.getFileName(), "include_config_file: " + node.config())
        .replace("include_config_file: include/", "include_config_file: " + etc + "/include/")
        .replace("include_config_file: ../rules/include/", "include_config_file: " + etc + "/include/")
        .replaceAll("(?m)^(\\s+)(?:\\.\\./rules/)?include/", "$1" + Matcher.quoteReplacement(etc) + "/include/");
  }

  private static void copyIncludes(LocalEjabberd node) {
    Path target = Path.of(node.get("ROOT"), "etc", "include");
    try {
      Files.createDirectories(target);
      try (Stream<Path> s = Files.list(RULES.resolve("include"))) {
        for (Path p : s.toList()) {
          // adapted as the main file is: a module an include configures must name the node's ports too
          Files.writeString(target.resolve(p.getFileName()), adapt(Files.readString(p), p, node));
        }
      }
      LocalEjabberd.Shell.run(List.of("chown", "-R", "ejabberd:ejabberd", target.toString()), 10);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The lines ejabberd's refusal names: "line N" of a syntax error, else the key its option path
   * ends in ("modules->mod_http_upload->max_size" -> the max_size: lines), or the option it calls
   * unknown. Empty when its message names neither.
   */
  static Set<Integer> linesNamed(String message, String text) {
    Set<Integer> lines = new TreeSet<>();
    // "line N" of a YAML error; not "(econf.erl, line 589)" of a stack trace, ejabberd's own source line
    Matcher line = Pattern.compile("(?<!\\.erl, )\\bline (\\d+)").matcher(message);
    if (line.find()) {
      lines.add(Integer.parseInt(line.group(1)));
      return lines;
    }
    List<String> keys = new ArrayList<>();
    Matcher unknown = Pattern.compile("Unknown (?:option|parameter|listener option)s?:? '?([\\w@/-]+)").matcher(message);
    if (unknown.find()) {
      keys.add(unknown.group(1));
    }
    Matcher path = Pattern.compile("option ([^:\\s]+)").matcher(message);
    if (path.find()) {
      String[] parts = path.group(1).split("->");
      keys.add(parts[parts.length - 1]);
    }
    String[] all = text.split("\n", -1);
    for (String key : keys) {
      Pattern k = Pattern.compile("^\\s*(?:-\\s*)?\"?" + Pattern.quote(key) + "\"?\\s*:");
      for (int i = 0; i < all.length; i++) {
        if (k.matcher(all[i]).find()) {
          lines.add(i + 1);
        }
      }
    }
    return lines;
  }

  private static Set<Integer> errorLines(String validateOut) {
    Set<Integer> lines = new TreeSet<>();
    Matcher m = Pattern.compile("\\.yml:(\\d+):\\d+: error:").matcher(validateOut);
    while (m.find()) {
      lines.add(Integer.parseInt(m.group(1)));
    }
    return lines;
  }

  /** known-disagreements.txt: FILE VERSIONS(comma list or *) WHY; the ones that apply to version. */
  private static Map<String, String> known(String version) throws IOException {
    Map<String, String> known = new LinkedHashMap<>();
    for (String l : Files.readAllLines(CASES.resolve("known-disagreements.txt"))) {
      String[] parts = l.strip().split("\\s+", 3);
      if (l.isBlank() || l.startsWith("#") || parts.length < 3) {
        continue;
      }
      if (parts[1].equals("*") || List.of(parts[1].split(",")).contains(version)) {
        known.put(parts[0], parts[2]);
      }
    }
    return known;
  }

  private static String report(String version, List<Outcome> outcomes, Map<String, String> known) {
    StringBuilder r = new StringBuilder();
    long agree = outcomes.stream().filter(Outcome::agree).count();
    Map<Ejabberd, Long> byVerdict = new LinkedHashMap<>();
    for (Ejabberd e : Ejabberd.values()) {
      byVerdict.put(e, outcomes.stream().filter(o -> o.ejabberd() == e).count());
    }
    r.append(String.format("differential ejabberd %s: corpus %d, agree %d, disagree %d (known %d); ejabberd refused %d, loaded+upload ok %d, loaded+upload failed %d, loaded without upload module %d%n",
        version, outcomes.size(), agree, outcomes.size() - agree,
        outcomes.stream().filter(o -> !o.agree() && known.containsKey(o.file())).count(),
        byVerdict.get(Ejabberd.REFUSED), byVerdict.get(Ejabberd.LOADED_WORKS), byVerdict.get(Ejabberd.LOADED_FAILS), byVerdict.get(Ejabberd.LOADED_NO_UPLOAD)));
    for (Outcome o : outcomes) {
      String mark = o.agree() ? (known.containsKey(o.file()) ? "AGREE-NOW" : "agree") : (known.containsKey(o.file()) ? "KNOWN" : "DISAGREE");
      r.append(String.format("  %-9s %-14s ejup=%d %s: %s%n", mark, o.ejabberd(), o.ejup(), o.file(),
          o.agree() ? o.why() : o.why().lines().findFirst().orElse("") + (known.containsKey(o.file()) ? " [" + known.get(o.file()) + "]" : "")));
    }
    return r.toString();
  }

  @org.junit.jupiter.api.Test
  void theCorpusCoversEveryRuleAndTheIssuesCases() throws IOException {
    List<Path> files = corpus();
    for (Rule rule : Rule.values()) {
      if (Files.exists(RULES.resolve(rule.id() + ".bad.yml"))) {
        assertTrue(files.contains(RULES.resolve(rule.id() + ".bad.yml")), rule.id());
      }
    }
    assertEquals(files.size(), new TreeSet<>(files).size());
  }
}
