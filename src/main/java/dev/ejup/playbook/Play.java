package dev.ejup.playbook;

import dev.ejup.model.Cause;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The playbook capability's one door: loads a playbook and an inventory, then runs the playbook
 * against every target (in parallel, each under its deadline and, when the playbook names a lock,
 * the per-user per-target run lock) and returns one report per target. The cli only parses flags
 * into a {@link Request} and renders the reports.
 *
 * <pre>
 *   Play play = Play.prepare(request);       // UserError for files that cannot be read
 *   if (!play.problems().isEmpty()) { ... }  // file:line:col diagnostics; nothing ran
 *   List&lt;Report&gt; reports = play.run();
 * </pre>
 */
public final class Play {
  /** The most a playbook or an inventory may hold (ejabberd.yml's cap, ConfigFile.MAX_BYTES). */
  static final long MAX_BYTES = 8L * 1024 * 1024;
  /**
   * What to run.
   *
   * @param playbook the playbook file (YAML)
   * @param inventory an Ansible inventory (INI or YAML) or ejup's target list; null for one target
   *     named by the {@code ssh} or {@code domain} variable (else localhost)
   * @param limit Ansible's host pattern ({@code web*}, {@code all:!eu}, {@code a:&b}, groups); null or blank for all
   * @param extraVars {@code -e} variables, over the inventory's and the playbook's defaults
   * @param parallel targets run at the same time (at least 1)
   * @param deadline how long one target may take from its start before it is UNKNOWN
   * @param dryRun change nothing; say what would change
   * @param env the process environment (HOME, XDG_RUNTIME_DIR for the run lock, EJUP_SSH_PASSWORD)
   * @param judge applied to each target's report when it is done (e.g. time thresholds); identity for none
   */
  public record Request(Path playbook, Path inventory, String limit, Map<String, String> extraVars, int parallel,
      Duration deadline, boolean dryRun, Map<String, String> env, UnaryOperator<Report> judge) {
    public Request {
      extraVars = Map.copyOf(extraVars);
      env = Map.copyOf(env);
      judge = judge == null ? UnaryOperator.identity() : judge;
    }
  }

  private final Request request;
  private final Playbook book;
  /** The name the playbook says, also when it has problems ("" for none). */
  private final String said;
  private final List<Target> targets;
  private final List<Diagnostic> problems;
  private final Capabilities caps;
  private final Waiter waiter;
  /** The targets done so far, for {@link #soFar()}. */
  private final Map<Target, Report> done = Collections.synchronizedMap(new IdentityHashMap<>());

  private Play(Request request, Playbook book, String said, List<Target> targets, List<Diagnostic> problems, Capabilities caps, Waiter waiter) {
    this.request = request;
    this.book = book;
    this.said = said;
    this.targets = targets;
    this.problems = problems;
    this.caps = caps;
    this.waiter = waiter;
  }

  /**
   * Reads and validates the playbook against the variables the inventory and {@code -e} give.
   *
   * @throws UserError (usage, exit 3) when the playbook or the inventory cannot be read, the
   *     inventory cannot be parsed, or the limit matches nothing
   */
  public static Play prepare(Request request) {
    return prepare(request, new LiveCapabilities(request.env()), new TcpWaiter());
  }

  static Play prepare(Request request, Capabilities caps, Waiter waiter) {
    String text;
    try {
      text = dev.ejup.model.InputFile.readText(request.playbook(), "playbook", MAX_BYTES);
    } catch (NoSuchFileException e) {
      throw UserError.unusable("playbook " + request.playbook() + " does not exist", "the shipped ones are in playbooks/");
    } catch (IOException e) {
      throw UserError.unusable("cannot read playbook " + request.playbook() + ": " + Cause.words(e, request.playbook()),
          "check the path and its permissions");
    }
    Map<String, String> extra = request.extraVars();
    List<Target> targets = request.inventory() == null
        ? List.of(new Target(targetName(extra), extra))
        : Inventory.load(request.inventory(), request.limit(), extra);
    Set<String> given = new HashSet<>(extra.keySet());
    targets.forEach(t -> given.addAll(t.vars().keySet()));
    PlaybookLoader.Result loaded = PlaybookLoader.load(request.playbook().toString(), text, given);
    return new Play(request, loaded.playbook(), loaded.name(), targets, loaded.diagnostics(), caps, waiter);
  }

  /** The one target of a play without an inventory: the server -e ssh names, else -e domain, else localhost. */
  public static String targetName(Map<String, String> extra) {
    return extra.getOrDefault("ssh", extra.getOrDefault("domain", "localhost"));
  }

  /** What is wrong with the playbook, as {@code file:line:col} diagnostics; when not empty, {@link #run} refuses. */
  public List<Diagnostic> problems() {
    return problems;
  }

  /** The report kind, {@code playbook:NAME}; where the playbook has problems, the name it says all the same, else its file's ({@link #name}). */
  public String kind() {
    return "playbook:" + (book != null ? book.name() : !said.isEmpty() ? said : name(request.playbook()));
  }

  /**
   * A playbook's name for the reports of a run that could not start, so that they land in the
   * series a run writes: its {@code name:} where the file is a readable playbook file of at most
   * 1 MiB (a pipe is not read), else the file name without .yml or .yaml (the shipped ones are
   * named so: healthcheck.yml is healthcheck).
   */
  public static String name(Path file) {
    try {
      if (Files.isRegularFile(file) && Files.size(file) <= 1 << 20) {
        String said = PlaybookLoader.load(file.toString(), Files.readString(file), null).name();
        if (!said.isEmpty()) {
          return said;
        }
      }
    } catch (IOException | RuntimeException e) {
      // unreadable or no playbook: the file's name
    }
    Path last = file.getFileName();
    return last == null ? "" : last.toString().replaceAll("\\.ya?ml$", "");
  }

  /**
   * Runs the playbook on every target.
   *
   * @return one report per target, in inventory order; a target that overran its deadline or whose
   *     lock was held is one UNKNOWN step, never missing
   * @throws IllegalStateException when {@link #problems()} is not empty
   */
  public List<Report> run() {
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the playbook has problems; nothing runs");
    }
    Engine engine = new Engine(caps, waiter);
    String kind = kind();
    // Fleet counts each target's deadline from when its job starts, as this does
    Function<Target, Report> once = t -> request.judge().apply(engine.run(book, t, request.dryRun(), System.nanoTime() + request.deadline().toNanos()));
    Function<Target, Report> job = book.lock().isEmpty() ? once
        : t -> RunLock.exclusive(request.env(), book.lock(), kind, t, () -> once.apply(t));
    return Fleet.run(kind, targets, request.parallel(), request.deadline(), t -> {
      // no up-front name lookup: a host is reached by its name only by the steps that connect to it
      Report result = job.apply(t);
      done.put(t, result);
      return result;
    });
  }

  /**
   * The reports as they stand now, safe to call from any thread (a signal's): a target not done
   * yet is one UNKNOWN step with {@code why} and {@code hint}.
   */
  public List<Report> soFar(String why, String hint) {
    return targets.stream().map(t -> done.getOrDefault(t, new Report(kind(), t.name(),
        List.of(Step.of("target", Status.UNKNOWN, Duration.ZERO, why, hint))))).toList();
  }
}
