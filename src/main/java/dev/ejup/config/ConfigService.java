package dev.ejup.config;

import dev.ejup.model.Cause;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Severity;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The config capability's one door: validate, plan, write (lock, change check, backup, atomic
 * replace with fsync), reload and restore an ejabberd.yml, on this machine or over SSH (the
 * {@link ConfigStore} says where). The CLI's {@code config} commands and the playbooks both call it;
 * it never prints, it returns values.
 *
 * <p>Source: ejabberd's YAML config as {@code ejabberd_config} reads it (options checked by each
 * module's {@code mod_options/1}, here {@code mod_http_upload}), listeners as {@code
 * ejabberd_listener} opens them, and {@code ejabberdctl reload_config} ({@code
 * ejabberd_admin:reload_config/0}).
 */
public final class ConfigService {
  /** How long a port that answered before a reload may take to answer again. */
  private static final Duration REOPEN = Duration.ofSeconds(3);

  private ConfigService() {}

  /**
   * What {@link #apply} is asked to do.
   *
   * @param path the ejabberd.yml as the store names it (a local path, or a path on the server)
   * @param settings the upload settings to apply
   * @param dryRun plan only: no lock, no write, no reload
   * @param backup keep a timestamped copy ({@code NAME.ejup-yyyyMMdd-HHmmss[-N].bak}) beside the file
   * @param ejabberdctl the command to reload with after a write, or null for no reload
   * @param probeHost where the upload listeners are reached from here after a reload (the host of
   *     the SSH target, or 127.0.0.1), or null to skip the lost-listener check
   */
  public record Request(Path path, UploadSettings settings, boolean dryRun, boolean backup, String ejabberdctl, String probeHost,
      EjabberdVersion version, java.util.Set<String> ignore) {
    /** For the newest ejabberd ejup knows, every rule heeded. */
    public Request(Path path, UploadSettings settings, boolean dryRun, boolean backup, String ejabberdctl, String probeHost) {
      this(path, settings, dryRun, backup, ejabberdctl, probeHost, EjabberdVersion.NEWEST, java.util.Set.of());
    }
  }

  /**
   * What {@link #apply} did. Each stage that ran is non-null; the verdict is {@link #status()}.
   *
   * @param where the file as people read it (e.g. root@xmpp:22:/etc/ejabberd/ejabberd.yml)
   * @param plan the planned edit and what validation found in its result
   * @param written the write (with its backup path, or null without backup), or null when nothing was written
   * @param reload the reload step, or null when no reload ran
   * @param restore the restore after a failed reload, or null when none was tried
   */
  public record Applied(String where, ConfigPlan.Plan plan, AtomicFile.Written written, Step reload, Step restore) {
    /** CRIT when refused; the reload's status when one ran; OK otherwise (nothing to change, planned, written). */
    public Status status() {
      if (!plan.valid()) {
        return Status.CRIT;
      }
      return reload == null ? Status.OK : reload.status();
    }
  }

  /**
   * Reads and validates one ejabberd.yml and the files it includes.
   *
   * <p>Source: the option types of {@code mod_http_upload:mod_opt_type/1} and {@code
   * mod_http_upload_quota:mod_opt_type/1} (ejabberd 23.01), {@code include_config_file} and
   * {@code define_macro} as {@code ejabberd_config} reads them; the rules are {@link Rule}.
   *
   * @return every finding, in file order; empty when it is clean
   * @throws UserError UNKNOWN (3) when the file cannot be read (missing, unreadable, over 8 MB, not
   *     UTF-8; over SSH: no answer)
   */
  /**
   * What {@code config generate} is about to print, judged as the given ejabberd release would read
   * it: a section ejabberd would refuse (a put_url that is no URL, a placeholder the release does not
   * have, a host that is no domain) is refused here, never printed.
   *
   * @param settings the upload options as given (a missing host is judged as example.org)
   * @throws UserError UNKNOWN (3) naming the first error ejabberd would report and its fix
   */
  public static void requireLoadable(UploadSettings settings, String certfile, int c2sPort, EjabberdVersion version) {
    UploadSettings judged = settings.host() != null ? settings : settings.withHost("example.org");
    String text = Generator.full(judged, certfile, c2sPort);
    ConfigTree tree = ConfigTree.fromText(Path.of("generated.yml"), text, path -> {
      throw UserError.unusable("the generated file includes " + path, "generate prints no include_config_file");
    }).forVersion(version);
    for (Diagnostic d : ConfigValidator.validate(tree)) {
      if (d.severity() == Severity.ERROR) {
        throw UserError.unusable("ejabberd " + version + " would refuse what these options generate: " + d.message() + " [" + d.rule() + "]",
            d.hint());
      }
    }
  }

  public static List<Diagnostic> validate(ConfigStore store, Path path) {
    return validate(store, path, EjabberdVersion.NEWEST);
  }

  /**
   * As {@link #validate(ConfigStore, Path)}, as the given ejabberd release reads the file: the
   * options, placeholders and macros it has ({@link EjabberdVersion}'s facts).
   */
  public static List<Diagnostic> validate(ConfigStore store, Path path, EjabberdVersion version) {
    return ConfigValidator.validate(ConfigTree.load(path, store, version));
  }

  /**
   * Plans the upload edit of a text, pure: text in, text out, validated.
   *
   * @param source where files the config includes are read from
   * @return the plan; {@link ConfigPlan.Plan#valid()} is false when the result would not validate
   */
  public static ConfigPlan.Plan plan(Path path, String original, ConfigTree.Source source, UploadSettings settings) {
    return ConfigPlan.plan(path, original, source, settings);
  }

  /**
   * Plans, and unless a dry run: locks the file (other ejup runs wait), writes it atomically if it
   * still holds what was read, reloads ejabberd if asked, and restores the previous text over what
   * ejup wrote when the reload fails. A refused or unchanged plan writes nothing.
   *
   * @return the stages that ran, as values
   * @throws UserError CRITICAL (2) when the file changed since it was read, or cannot be written
   *     (nothing is written then); UNKNOWN (3) when it cannot be read or locked, or on an internal
   *     error, whose one line says whether the new file was written
   */
  public static Applied apply(ConfigStore store, Request request) {
    String where = store.describe(request.path());
    boolean[] written = {false};
    try {
      if (request.dryRun()) {
        return run(store, request, where, written);
      }
      // from the read to the last write: a second ejup on this file waits, so both changes land
      try (ConfigStore.Held held = store.lock(request.path())) {
        return run(store, request, where, written);
      }
    } catch (UserError e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      // a bug must not pass for success, nor hide whether the file was touched
      throw internal("config apply on " + where, e, written[0] ? "the new file was written: check it" : "nothing was written");
    }
  }

  /**
   * An unexpected failure (a bug) of a config command as one line, never a stack trace.
   *
   * @param what the command and file, e.g. "config apply on /etc/ejabberd/ejabberd.yml"
   * @param state what became of the file, e.g. "nothing was written"
   * @return a UserError with exit code UNKNOWN (3), the cause kept for --debug
   */
  public static UserError internal(String what, Throwable e, String state) {
    return new UserError(Status.UNKNOWN.exitCode(), what + " stopped on an internal error (" + Cause.words(e) + "); " + state,
        "run again with --debug for the stack trace and report it", e);
  }

  private static Applied run(ConfigStore store, Request request, String where, boolean[] written) {
    ConfigFile.Contents original = store.readForEdit(request.path());
    ConfigPlan.Plan plan = ConfigPlan.plan(request.path(), original.text(), store, request.settings(), request.version()).without(request.ignore());
    if (!plan.valid() || !plan.changed() || request.dryRun()) {
      return new Applied(where, plan, null, null, null);
    }
    AtomicFile.Written write = store.replace(request.path(), original, plan.updated(), request.backup());
    written[0] = true;
    if (request.ejabberdctl() == null) {
      return new Applied(where, plan, write, null, null);
    }
    Reloaded reloaded = reloadSteps(store, request.path(), request.ejabberdctl(), request.probeHost());
    Step reload = reloaded.step();
    if (reloaded.accepted()) {
      // a listener lost after an accepted reload is not undone by the old file: ejabberd runs the new one
      return new Applied(where, plan, write, reload, null);
    }
    Step restore;
    try {
      // only over what ejup wrote: a change someone made since stays, and is theirs to sort out
      store.replace(request.path(), write.now(), original.text(), false);
      written[0] = false;
      restore = Step.ok("restore", Duration.ZERO, "restored the previous " + where);
    } catch (UserError e) {
      restore = Step.of("restore", Status.CRIT, Duration.ZERO, e.oneLine(), e.hint());
    }
    return new Applied(where, plan, write, reload, restore);
  }

  /**
   * Puts the text of a backup back over what ejup wrote, under the lock; a change made since is
   * kept (the write is refused).
   *
   * @param expected what ejup wrote (from {@link AtomicFile.Written#now()}), or null to restore over the file as it is now
   * @param backup the backup to restore from, a path where the store is
   * <p>The restore is the same atomic replace as a write (temp file, fsync, rename, owner and mode
   * kept), without a backup of its own.
   *
   * @return an OK step naming the file and the backup
   * @throws UserError CRITICAL (2) when the file changed since ejup wrote it or cannot be written;
   *     UNKNOWN (3) when it or the backup cannot be read, or the lock not taken
   */
  public static Step restore(ConfigStore store, Path path, ConfigFile.Contents expected, Path backup) {
    long start = System.nanoTime();
    try (ConfigStore.Held held = store.lock(path)) {
      ConfigFile.Contents now = expected != null ? expected : store.readForEdit(path);
      store.replace(path, now, store.read(backup), false);
    }
    return Step.ok("restore", Duration.ofNanos(System.nanoTime() - start), "restored " + store.describe(path) + " from " + backup);
  }

  /**
   * Runs {@code ejabberdctl reload_config} where the file lives, as a step. When probeHost is given,
   * every upload port of the file (an ejabberd_http listener routing to mod_http_upload), new ones
   * included, must answer on TCP within 3 s after the reload: ejabberd (23.01 to 26.07, whose reload
   * code is the same) restarts a changed listener by closing and reopening its port at once, and the
   * reopen can fail with "address already in use"; a second reload then opens it (WARN), and a port
   * still closed after it is CRIT. The step's detail names the ports that answered. When none of
   * them answered before the reload nor after it (a firewall, a fake ejabberdctl, a server not
   * running), nothing is judged here, and the detail says so: the upload check sees it.
   *
   * @param ejabberdctl the command, split on spaces (e.g. {@code ejabberdctl --node ejabberd@host})
   * @param probeHost host to probe the listeners' ports on, or null for no probe
   * <p>Source: {@code ejabberdctl reload_config} ({@code ejabberd_admin:reload_config/0}); listeners
   * as {@code ejabberd_listener} restarts them, upload ports as {@code ejabberd_http} listeners whose
   * {@code request_handlers} route to {@code mod_http_upload}.
   *
   * @return a step named reload: OK, WARN (a second reload was needed), CRIT (ejabberd refused the
   *     file, or a listener stayed closed) or UNKNOWN (ejabberdctl could not run)
   */
  public static Step reload(ConfigStore store, Path path, String ejabberdctl, String probeHost) {
    return reloadSteps(store, path, ejabberdctl, probeHost).step();
  }

  /** @param accepted whether ejabberd took the file (its first reload_config succeeded) */
  private record Reloaded(Step step, boolean accepted) {}

  private static Reloaded reloadSteps(ConfigStore store, Path path, String ejabberdctl, String probeHost) {
    long start = System.nanoTime();
    List<Integer> ports = probeHost == null ? List.of() : uploadPorts(store, path);
    List<Integer> before = answering(probeHost, ports, Duration.ZERO);
    Step reloaded = store.reload(ejabberdctl);
    if (reloaded.status() != Status.OK || ports.isEmpty()) {
      return new Reloaded(reloaded, reloaded.status() == Status.OK);
    }
    List<Integer> closed = closed(probeHost, ports);
    if (closed.size() == ports.size() && before.isEmpty()) {
      // none answered before nor after: a firewall, a monitoring host, a server not running yet
      return new Reloaded(said(reloaded, "; upload port(s) " + ports + " do not answer on " + probeHost
          + " before or after the reload: not judged here (ejup check is)"), true);
    }
    if (closed.isEmpty()) {
      return new Reloaded(said(reloaded, "; upload port(s) " + ports + " answer on " + probeHost
          + " after the reload"), true);
    }
    Step again = store.reload(ejabberdctl);
    List<Integer> still = again.status() == Status.OK ? closed(probeHost, closed) : closed;
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    if (still.isEmpty()) {
      return new Reloaded(Step.of("reload", Status.WARN, took, reloaded.detail() + "; port(s) " + closed
          + " stayed closed after the reload (ejabberd could not reopen them: address already in use), a second reload opened them",
          "ejabberd 23.01 can lose a changed listener on reload_config; restart it at a quiet time if it happens again"), true);
    }
    return new Reloaded(Step.of("reload", Status.CRIT, took, reloaded.detail() + "; upload port(s) " + still
        + " do not accept connections after two reloads", "look for 'Failed to open socket' in ejabberd's error.log; restart ejabberd"),
        true);
  }

  /**
   * A cluster node's own upload endpoint, read from that node's ejabberd.yml: the ejabberd_http
   * listener that routes a path to mod_http_upload (one with {@code tls: true} first, what clients
   * use), as {@code scheme://ip:port}.
   *
   * <p>Source: ejabberd's {@code listen} option ({@code ejabberd_http}, {@code request_handlers}).
   *
   * @throws UserError UNKNOWN (3) when the file cannot be read, has no such listener, or binds it to
   *     every address (the file cannot say at which address other machines reach the node)
   */
  public static String uploadEndpoint(ConfigStore store, Path path) {
    Listener chosen = null;
    for (Listener listener : Listener.all(ConfigTree.loadEjabberdYml(path, store))) {
      if (listener.isHttp() && listener.uploadPath().isPresent() && listener.port() > 0 && (chosen == null || (listener.tls() && !chosen.tls()))) {
        chosen = listener;
      }
    }
    if (chosen == null) {
      throw UserError.unusable(path + ": no ejabberd_http listener routes a path to mod_http_upload",
          "give this node's upload endpoint as --node-url scheme://host:port, or enable upload: ejup config apply " + path);
    }
    String ip = chosen.ip().strip();
    if (ip.isEmpty() || ip.equals("::") || ip.equals("0.0.0.0")) {
      throw UserError.unusable(path + ": the upload listener on port " + chosen.port() + " binds every address (ip: " + (ip.isEmpty() ? "::" : ip)
          + "), so the file does not say where the node is reached", "give it as --node-url " + (chosen.tls() ? "https" : "http")
          + "://NODE-ADDRESS:" + chosen.port());
    }
    return (chosen.tls() ? "https" : "http") + "://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + chosen.port();
  }

  /** The step with what the probe found after its detail. */
  private static Step said(Step step, String more) {
    return new Step(step.name(), step.status(), step.duration(), step.detail() + more, step.hint());
  }

  private static List<Integer> uploadPorts(ConfigStore store, Path path) {
    List<Integer> ports = new ArrayList<>();
    for (Listener listener : Listener.all(ConfigTree.load(path, store))) {
      if (listener.isHttp() && listener.uploadPath().isPresent() && !ports.contains(listener.port())) {
        ports.add(listener.port());
      }
    }
    return ports;
  }

  private static List<Integer> closed(String host, List<Integer> ports) {
    List<Integer> answering = answering(host, ports, REOPEN);
    return ports.stream().filter(p -> !answering.contains(p)).toList();
  }

  /** The ports that accept a TCP connection (1 s per try) within the time, retried every 200 ms; one try for zero. */
  private static List<Integer> answering(String host, List<Integer> ports, Duration within) {
    List<Integer> answering = new ArrayList<>();
    for (int port : ports) {
      long deadline = System.nanoTime() + within.toNanos();
      while (true) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(host, port), 1000);
          answering.add(port);
          break;
        } catch (IOException e) {
          if (System.nanoTime() >= deadline || Thread.currentThread().isInterrupted()) {
            break;
          }
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return answering;
  }
}
