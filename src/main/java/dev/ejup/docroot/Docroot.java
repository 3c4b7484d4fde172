package dev.ejup.docroot;

import dev.ejup.config.UploadDirs;
import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import dev.ejup.ssh.Quote;
import dev.ejup.ssh.Shell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The docroot capability: is the directory mod_http_upload stores files in usable by the user
 * ejabberd runs as (check), make it so (fix), and remove the files `ejup check` left (prune).
 *
 * <p>Source: ejabberd's mod_http_upload writes each upload as the user the ejabberd node runs as
 * (Debian: ejabberd) under its {@code docroot} option (default {@code @HOME@/upload}, @HOME@ that
 * user's home, @HOST@ the virtual host), creating folders with {@code dir_mode} and files with
 * {@code file_mode}; a docroot that user cannot write makes every XEP-0363 PUT fail (error.log:
 * "Cannot store file"; see ../shared/ejabberd-facts.md). The docroots come from ejabberd.yml (the
 * global {@code modules} and per host {@code host_config}/{@code append_host_config}), read through the given {@link Shell}, so the same
 * code works on this machine or over SSH.
 *
 * <p>Each entry point returns one {@link Report} whose steps say what was found or done; a failure
 * on the way (no config, unknown user, SSH dropped, sudo refused) becomes a CRITICAL or UNKNOWN
 * step naming where it stopped, never an exception, and a run that judged no docroot is UNKNOWN.
 */
public final class Docroot {
  private static final long LOW_SPACE_KB = 1024L * 1024;
  private static final long NO_SPACE_KB = 100L * 1024;

  /**
   * @param config path of ejabberd.yml on the server, or null for the usual places
   * @param owner the user (name or uid) ejabberd runs as, or null to find it (the running ejabberd
   *     process's user, else the package's user ejabberd)
   * @param dryRun for fix and prune: report the commands that would run, change nothing
   */
  public record Options(String config, String owner, boolean dryRun) {
    /** @throws UserError UNKNOWN (usage, exit 3) for an owner that is neither a user name nor a uid */
    public Options {
      owner = owner == null ? null : owner.strip();
      if (owner != null && !owner.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\\$?")) {
        throw UserError.unusable("--owner '" + owner + "' is not a user name or uid", "e.g. --owner ejabberd or --owner 9000");
      }
    }
  }

  private final Shell shell;
  private final TimedSteps steps;
  private ServerView server;

  private Docroot(Shell shell, long started) {
    this.shell = shell;
    this.steps = new TimedSteps(started);
  }

  /**
   * Reads the server's config and user, then does the work, timed from before the first remote
   * command. Whatever fails on the way becomes a step that names where it stopped, so the report
   * is always whole, in the format asked for, and never OK for work that did not run.
   */
  private static Report run(Shell shell, Options options, String action, Consumer<Docroot> work) {
    Docroot docroot = new Docroot(shell, System.nanoTime());
    ServerView.Config config = docroot.attempt("config", () -> ServerView.config(shell, options.config()));
    if (config != null) {
      docroot.steps.add(Step.ok("config", Duration.ZERO, config.path() + ": docroot "
          + String.join(", ", config.dirs().stream().map(UploadDirs::docroot).distinct().toList())));
      docroot.server = docroot.attempt("user", () -> ServerView.user(shell, config, options.owner()));
    }
    if (docroot.server != null) {
      ServerView s = docroot.server;
      docroot.steps.add(Step.ok("user", Duration.ZERO, "ejabberd runs as " + s.user() + ":" + s.group() + " (from " + s.userSource() + ")"));
      docroot.attempt(action, () -> {
        work.accept(docroot);
        return true;
      });
    }
    return docroot.report(action);
  }

  /**
   * Runs one step's work. A failure becomes that step, CRITICAL or UNKNOWN as the error says
   * (UNKNOWN for anything unexpected), and null tells the caller to stop: what comes after
   * depends on it, and the connection that failed would only fail again.
   */
  private <T> T attempt(String step, Supplier<T> work) {
    try {
      return work.get();
    } catch (UserError e) {
      Status status = e.exitCode() == Status.CRIT.exitCode() ? Status.CRIT : Status.UNKNOWN;
      steps.add(Step.of(step, status, Duration.ZERO, oneLine(e.getMessage()), oneLine(e.hint())));
    } catch (RuntimeException e) {
      steps.add(Step.of(step, Status.UNKNOWN, Duration.ZERO, "the " + step + " step stopped on an internal error in ejup, so its verdict is unknown",
          "report it to the ejup developers with the command you ran"));
    }
    return null;
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** The docroot's directories on disk; a docroot with @HOME@ needs a user with a home. */
  private List<String> paths(UploadDirs dirs) {
    if (server.home() == null && dirs.docroot().contains("@HOME@")) {
      steps.add(Step.of("docroot", Status.CRIT, Duration.ZERO, "docroot " + dirs.docroot() + " is under @HOME@, but "
          + server.user() + " has no user name and so no home on " + shell.where(),
          "write the docroot as an absolute path in " + server.configPath()));
      return List.of();
    }
    return dirs.paths(server.home() == null ? "" : server.home());
  }

  /**
   * Is each docroot usable by ejabberd's user, and safe from other local users.
   *
   * @param shell where ejabberd runs (this machine or over SSH); commands that need root go through sudo -n
   * @param options the config and owner; dryRun is not used
   * @return one report with config, user and per docroot: parents, docroot, contents,
   *     permissions, space (CRITICAL under 100 MiB free, WARNING under 1 GiB), mount; a failure on
   *     the way is a CRITICAL or UNKNOWN step, never a throw
   */
  public static Report check(Shell shell, Options options) {
    return run(shell, options, "check", docroot -> {
      for (UploadDirs dirs : docroot.server.dirs()) {
        for (String path : docroot.paths(dirs)) {
          docroot.inspect(path, dirs);
          docroot.sandbox(path);
        }
      }
    });
  }

  /**
   * Writes the lines that open the sandboxes around ejabberd (systemd's unit, AppArmor's profile)
   * for each docroot they hide, deny or make read-only: a drop-in {@value Sandbox#DROP_IN} with
   * ReadWritePaths= (or ProtectHome=tmpfs and BindPaths= under /home), and rules in the profile's
   * local/ override; then reloads systemd's units and the profile where they run. It changes the
   * service, so the command line makes it a dry run unless asked to write.
   *
   * @param shell where ejabberd runs; writing needs root there (as root, or sudo -n)
   * @param options the config and owner; with dryRun the lines are shown ("would add") and nothing is written
   * @return the sandbox steps before, one "fix" step per file written (or that would be), then the
   *     sandbox steps again (not with dryRun); a write that failed is a CRITICAL or UNKNOWN step
   *     (source: systemd.exec(5), apparmor.d(5), Debian's ejabberd.service and usr.sbin.ejabberdctl)
   */
  public static Report fixSandbox(Shell shell, Options options) {
    return run(shell, options, "fix", docroot -> {
      java.util.Map<String, java.util.LinkedHashSet<String>> files = new java.util.LinkedHashMap<>();
      boolean unfixed = false;
      for (UploadDirs dirs : docroot.server.dirs()) {
        for (String path : docroot.paths(dirs)) {
          if (!path.startsWith("/")) {
            docroot.steps.add(Step.of("docroot", Status.CRIT, Duration.ZERO, notAbsolute(path), NOT_ABSOLUTE_HINT));
          }
          List<Sandbox.Finding> found = docroot.sandbox(path);
          unfixed |= docroot.unitSeen == null || docroot.profilesSeen == null;
          // systemd refuses to start a unit whose BindPaths= or ReadWritePaths= source is missing
          // (status 226/NAMESPACE), so a drop-in for a missing docroot would turn "cannot write" into
          // "does not start"; a '-' prefix would start it but still hide the docroot. The docroot comes first.
          boolean missing = path.startsWith("/") && docroot.stat(path, false).filter(PathState::isDirectory).isEmpty();
          boolean needsDropIn = false;
          for (Sandbox.Finding f : found) {
            if (f.status() == Status.OK) {
              continue;
            }
            if (f.fixFile().isEmpty()) {
              // nothing ejup can write fixes it (a relative docroot, PrivateTmp, InaccessiblePaths)
              docroot.steps.add(Step.of("fix", f.status(), Duration.ZERO, "ejup cannot change this in the sandbox: " + f.detail(), f.hint()));
              unfixed = true;
            } else if (missing && f.fixFile().equals(Sandbox.DROP_IN)) {
              needsDropIn = true;
            } else {
              files.computeIfAbsent(f.fixFile(), k -> new java.util.LinkedHashSet<>()).addAll(f.fixLines());
            }
          }
          if (needsDropIn) {
            docroot.steps.add(Step.of("fix", Status.CRIT, Duration.ZERO, path + " does not exist: systemd refuses to start ejabberd with "
                + "a drop-in that names a missing path, so " + Sandbox.DROP_IN + " is not written for it",
                "create it first: ejup docroot fix; then run ejup docroot fix --sandbox again"));
            unfixed = true;
          }
        }
      }
      if (files.isEmpty()) {
        if (!unfixed) {
          docroot.steps.add(Step.ok("fix", Duration.ZERO, "nothing to change in the sandbox"));
        }
        return;
      }
      for (var entry : files.entrySet()) {
        docroot.attempt("fix", () -> docroot.writeSandbox(entry.getKey(), List.copyOf(entry.getValue()), options.dryRun()));
      }
      if (!options.dryRun()) {
        docroot.sandboxRead = false;
        for (UploadDirs dirs : docroot.server.dirs()) {
          for (String path : docroot.paths(dirs)) {
            docroot.sandbox(path);
          }
        }
      }
    });
  }

  // read once per run: the unit and the profiles are the same for every docroot
  private boolean sandboxRead;
  // null when reading it failed (that step is recorded); empty when the server has no ejabberd.service
  private Optional<Sandbox.Unit> unitSeen;
  private List<Sandbox.Profile> profilesSeen;

  /** The systemd and AppArmor steps for one docroot; returns their findings. */
  private List<Sandbox.Finding> sandbox(String path) {
    if (!sandboxRead) {
      unitSeen = attempt("systemd", () -> Optional.ofNullable(Sandbox.unit(shell)));
      profilesSeen = attempt("apparmor", () -> Sandbox.profiles(shell));
      sandboxRead = true;
    }
    List<Sandbox.Finding> found = new ArrayList<>();
    if (unitSeen != null && unitSeen.isEmpty()) {
      steps.add(Step.ok("systemd", Duration.ZERO, "no " + Sandbox.UNIT + " on " + shell.where() + " (looked in "
          + String.join(", ", Sandbox.UNIT_DIRS) + "): no systemd sandbox around ejabberd"));
    } else if (unitSeen != null) {
      Sandbox.Finding f = Sandbox.judge(unitSeen.get(), path);
      steps.add(Step.of("systemd", f.status(), Duration.ZERO, f.detail(), f.hint()));
      found.add(f);
    }
    if (profilesSeen != null && profilesSeen.isEmpty()) {
      steps.add(Step.ok("apparmor", Duration.ZERO, "no AppArmor profile for ejabberd in " + Sandbox.APPARMOR_DIR));
    } else if (profilesSeen != null) {
      for (Sandbox.Profile profile : profilesSeen) {
        Sandbox.Finding f = Sandbox.judge(profile, path);
        steps.add(Step.of("apparmor", f.status(), Duration.ZERO, f.detail(), f.hint()));
        found.add(f);
      }
    }
    return found;
  }

  /** Adds lines to a sandbox file (a drop-in is ejup's own and rewritten whole), then reloads what reads it. */
  private Boolean writeSandbox(String file, List<String> lines, boolean dryRun) {
    boolean dropIn = file.equals(Sandbox.DROP_IN);
    String existing = shell.run(List.of("cat", "--", file), true).out();
    List<String> add = dropIn ? lines : lines.stream().filter(l -> existing.lines().noneMatch(e -> e.strip().equals(l.strip()))).toList();
    if (add.isEmpty()) {
      steps.add(Step.ok("fix", Duration.ZERO, file + " already has " + String.join(" ", lines)));
      return false;
    }
    String reload = dropIn ? "systemctl daemon-reload" : "apparmor_parser -r " + Sandbox.APPARMOR_DIR + "/" + file.substring(file.lastIndexOf('/') + 1);
    if (dryRun) {
      steps.add(Step.ok("fix", Duration.ZERO, "would " + (dropIn ? "write " : "add to ") + file + ": " + String.join(" | ", add)
          + "; then " + reload + (dropIn ? " and restart ejabberd" : "") + " (run again with --write to do it)"));
      return true;
    }
    String text = (dropIn ? "# written by ejup docroot fix --sandbox: ejabberd's upload docroot\n"
        : (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n") + "# ejup docroot fix --sandbox: ejabberd's upload docroot\n")
        + String.join("\n", add) + "\n";
    Shell.Result mkdir = shell.run(List.of("mkdir", "-p", "--", file.substring(0, file.lastIndexOf('/'))), true);
    Shell.Result write = mkdir.ok() ? shell.run(dropIn ? List.of("tee", "--", file) : List.of("tee", "-a", "--", file), true,
        text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) : mkdir;
    if (!write.ok()) {
      throw UserError.critical("cannot write " + file + " on " + shell.where() + ": " + oneLine(write.err()), "run as root, or give sudo -n rights");
    }
    boolean live = dropIn ? shell.run(List.of("test", "-d", "/run/systemd/system"), false).ok()
        : shell.run(List.of("test", "-d", "/sys/kernel/security/apparmor"), false).ok();
    String after;
    if (live) {
      Shell.Result r = shell.run(List.of(reload.split(" ")), true);
      after = r.ok() ? "; ran " + reload : "; " + reload + " failed: " + oneLine(r.err());
      if (!r.ok()) {
        steps.add(Step.of("fix", Status.CRIT, Duration.ZERO, "wrote " + file + after, "run it by hand and read its error"));
        return true;
      }
    } else {
      after = dropIn ? "; systemd is not running here, so nothing to reload" : "; AppArmor is not running here, so nothing to reload";
    }
    steps.add(Step.of("fix", dropIn && live ? Status.WARN : Status.OK, Duration.ZERO, (dropIn ? "wrote " : "added to ") + file + ": "
        + String.join(" | ", add) + after, dropIn && live ? "restart ejabberd for it to take effect: systemctl restart ejabberd" : ""));
    return true;
  }

  /**
   * Creates each docroot when missing, gives it to ejabberd's user, sets the configured modes
   * (else adds what the user needs and removes group and other write), then checks again.
   *
   * @param shell where ejabberd runs; the fix needs root there (as root, or sudo -n)
   * @param options the config and owner; with dryRun the commands are listed ("would run") and not run
   * @return one "fix" step per command run (or, with dryRun, that would run), "nothing to change"
   *     when all was right, then the check's steps (not with dryRun); a command that failed or was
   *     refused is a CRITICAL or UNKNOWN step, never a throw
   */
  public static Report fix(Shell shell, Options options) {
    return run(shell, options, "fix", docroot -> {
      boolean changed = false;
      boolean failed = false;
      for (UploadDirs dirs : docroot.server.dirs()) {
        for (String path : docroot.paths(dirs)) {
          Boolean did = docroot.attempt("fix", () -> docroot.repair(path, dirs, options.dryRun()));
          changed |= did == null || did;
          failed |= did == null;
        }
      }
      if (!changed && !failed) {
        docroot.steps.add(Step.ok("fix", Duration.ZERO, "nothing to change"));
      }
      if (!options.dryRun()) {
        for (UploadDirs dirs : docroot.server.dirs()) {
          for (String path : docroot.paths(dirs)) {
            docroot.inspect(path, dirs);
          }
        }
      }
    });
  }

  /** The start of every file name ejup check uploads (upload.TestFile names them ejup-check-EPOCH-HEX.bin). */
  public static final String CHECK_FILE_PREFIX = "ejup-check-";

  /**
   * Removes files named like match and older than olderThan under each docroot, and the folders
   * that leaves empty.
   *
   * @param shell where ejabberd runs
   * @param options the config and owner; with dryRun nothing is removed, the count says what would be
   * @param match a file name pattern for find -name, e.g. {@code ejup-check-*}
   * @param olderThan at least a minute (find -mmin, whole minutes), e.g. from {@link #age}
   * @return a "prune" step per docroot with the number of files removed; WARNING where a docroot is
   *     not a directory or find failed
   * @throws UserError UNKNOWN (exit 3), before anything runs, when match is blank or holds a '/'
   *     (it would reach outside the docroot's tree) or olderThan is under a minute
   */
  public static Report prune(Shell shell, Options options, String match, Duration olderThan) {
    return prune(shell, options, match, olderThan, false);
  }

  /**
   * As {@link #prune(Shell, Options, String, Duration)}; anyFile lets match reach names that do not
   * start with {@link #CHECK_FILE_PREFIX}: users' uploads, deleted for good (a dry run needs no
   * anyFile: it only counts).
   *
   * @throws UserError UNKNOWN (exit 3), before anything runs, also when match can name a file
   *     ejup check did not upload ('*', '*.jpg', 'e*') and neither anyFile nor a dry run was asked
   */
  public static Report prune(Shell shell, Options options, String match, Duration olderThan, boolean anyFile) {
    requirePrunable(match, anyFile, options.dryRun());
    if (olderThan.toMinutes() < 1) {
      throw UserError.unusable("age " + olderThan.toMinutes() + " min is less than a minute", "write e.g. 30m, 1h or 2d");
    }
    long minutes = olderThan.toMinutes();
    return run(shell, options, "prune", docroot -> {
      for (UploadDirs dirs : docroot.server.dirs()) {
        for (String path : docroot.paths(dirs)) {
          docroot.attempt("prune", () -> docroot.prune(path, match, minutes, options.dryRun()));
        }
      }
    });
  }

  /**
   * The checks of {@link #prune(Shell, Options, String, Duration, boolean)} on match, for a caller
   * to make before it connects anywhere.
   *
   * @throws UserError UNKNOWN (exit 3) as prune does
   */
  public static void requirePrunable(String match, boolean anyFile, boolean dryRun) {
    if (match.contains("/") || match.isBlank()) {
      throw UserError.unusable("--match '" + match + "' must be a file name pattern", "e.g. --match 'ejup-check-*'");
    }
    // the prefix has no find -name wildcard, so a pattern that starts with it names check files only
    if (!match.startsWith(CHECK_FILE_PREFIX) && !anyFile && !dryRun) {
      throw UserError.unusable("--match '" + match + "' can match files users uploaded, not only ejup check's (" + CHECK_FILE_PREFIX
          + "*): prune would delete them for good", "run it with --dry-run to see what it would remove, then add --force if that is meant;"
          + " to expire users' uploads, mod_http_upload_quota's max_days is ejabberd's own way");
    }
  }

  private Boolean prune(String path, String match, long minutes, boolean dryRun) {
    if (stat(path, false).filter(PathState::isDirectory).isEmpty()) {
      steps.add(Step.of("prune", Status.WARN, Duration.ZERO, path + " is not a directory; nothing to prune", ""));
      return true;
    }
    List<String> find = new ArrayList<>(List.of("find", "-P", path, "-type", "f", "-name", match, "-mmin", "+" + minutes, "-print"));
    if (!dryRun) {
      find.add("-delete");
    }
    Shell.Result removed = shell.run(find, true);
    long count = removed.out().lines().filter(l -> !l.isBlank()).count();
    if (!dryRun) {
      shell.run(List.of("find", "-P", path, "-mindepth", "1", "-type", "d", "-empty", "-delete"), true);
    }
    steps.add(Step.of("prune", removed.ok() ? Status.OK : Status.WARN, Duration.ZERO,
        (dryRun ? "would remove " : "removed ") + count + " file(s) matching " + match + " older than "
            + minutes + " min under " + path + (removed.ok() ? "" : ": " + oneLine(removed.err())), ""));
    return true;
  }

  /**
   * An age as sysadmins write it: 30m, 1h, 2d; at least a minute. Shared by `docroot prune
   * --older-than` and the playbook's docroot prune `older_than`.
   *
   * @param text a whole number with m (minutes), h (hours) or d (days)
   * @return the age, at least a minute
   * @throws UserError (usage, exit 3) naming the text when it is not a positive age
   */
  public static Duration age(String text) {
    String t = text == null ? "" : text.strip();
    if (t.matches("[0-9]{1,9}[mhd]")) {
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      Duration age = switch (t.charAt(t.length() - 1)) {
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      if (n > 0) {
        return age;
      }
    }
    throw UserError.unusable("age '" + text + "' is not a positive age in minutes, hours or days",
        "write e.g. 30m, 1h or 2d (at least 1m)");
  }

  /** The steps so far; a run that judged no docroot at all is UNKNOWN, never OK. */
  private Report report(String action) {
    List<Step> all = steps.all();
    boolean judged = all.stream().anyMatch(s -> !s.name().equals("config") && !s.name().equals("user"));
    if (!judged && all.stream().allMatch(s -> s.status() == Status.OK)) {
      steps.add(Step.of(action, Status.UNKNOWN, Duration.ZERO, "no docroot was " + (action.equals("check") ? "checked" : "looked at")
          + (server == null ? "" : ": " + server.configPath() + " names no host for mod_http_upload"),
          "check the hosts and mod_http_upload in the config: ejup config validate"));
    }
    return new Report("docroot", shell.where(), steps.all());
  }

  private Optional<PathState> stat(String path, boolean follow) {
    List<String> argv = new ArrayList<>(List.of("stat"));
    if (follow) {
      argv.add("-L");
    }
    argv.addAll(List.of("-c", PathState.FORMAT, "--", path));
    Shell.Result r = shell.run(argv, true);
    return r.ok() ? PathState.parse(path, r.out()) : Optional.empty();
  }

  static final String NOT_ABSOLUTE_HINT = "write an absolute docroot or one starting with @HOME@ (ejup config validate)";

  /** The verdict on a relative docroot, shared by check, fix and the sandbox steps. */
  static String notAbsolute(String path) {
    return "docroot " + path + " is not an absolute path";
  }

  /** The check's steps for one docroot, stopping where what follows would only fail again. */
  private void inspect(String path, UploadDirs dirs) {
    if (!path.startsWith("/")) {
      steps.add(Step.of("docroot", Status.CRIT, Duration.ZERO, notAbsolute(path), NOT_ABSOLUTE_HINT));
      return;
    }
    if (attempt("parents", () -> parents(path)) == null) {
      return;
    }
    PathState dir = attempt("docroot", () -> directory(path));
    if (dir == null
        || attempt("contents", () -> contents(path)) == null
        || attempt("permissions", () -> permissions(path, dir, dirs)) == null
        || attempt("space", () -> space(path)) == null) {
      return;
    }
    attempt("mount", () -> mount(path));
  }

  /** The docroot itself; null when it is not a directory to look into. */
  private PathState directory(String path) {
    String user = server.user();
    Optional<PathState> state = stat(path, false);
    if (state.isEmpty()) {
      steps.add(Step.of("docroot", Status.CRIT, Duration.ZERO, path + " does not exist, so every PUT fails",
          "create it for " + user + ": ejup docroot fix"));
      return null;
    }
    PathState s = state.get();
    if (s.isSymlink()) {
      Optional<PathState> target = stat(path, true);
      steps.add(Step.of("docroot", Status.WARN, Duration.ZERO, path + " is a symbolic link"
          + target.map(t -> " to a " + t.type() + " (" + t.describe() + ")").orElse(" that points nowhere"),
          "ejup does not chown through links: point docroot at the real directory"));
      return null;
    }
    if (!s.isDirectory()) {
      steps.add(Step.of("docroot", Status.CRIT, Duration.ZERO, path + " is a " + s.type() + ", not a directory",
          "move it away; ejup docroot fix then creates the directory"));
      return null;
    }
    if (!Mode.canWriteDirectory(user, server.groups(), s.owner(), s.group(), s.mode())) {
      steps.add(Step.of("docroot", Status.CRIT, Duration.ZERO, path + " is " + s.describe() + ": " + user
          + " cannot create files in it, so every PUT fails", "run: ejup docroot fix (chown -R " + user + ":" + server.group() + ")"));
    } else {
      steps.add(Step.ok("docroot", Duration.ZERO, path + " is " + s.describe() + ", writable by " + user));
    }
    return s;
  }

  private Boolean contents(String path) {
    String user = server.user();
    Shell.Result foreign = shell.run(List.of("find", "-P", path, "-mindepth", "1", "!", "-user", user, "-print", "-quit"), true);
    String example = foreign.out().strip();
    steps.add(example.isEmpty()
        ? Step.ok("contents", Duration.ZERO, "everything under " + path + " belongs to " + user)
        : Step.of("contents", Status.CRIT, Duration.ZERO, "not everything under " + path + " belongs to " + user + ", e.g. " + example,
            "ejabberd cannot add files for that user: ejup docroot fix"));
    return true;
  }

  /**
   * Group or other write on the docroot or anything in it lets someone besides ejabberd replace
   * or delete what XMPP users download. Group write is fine where the config asks for it
   * (dir_mode/file_mode, a deliberately shared group); other write never is.
   */
  private Boolean permissions(String path, PathState dir, UploadDirs dirs) {
    int dirMask = Mode.SHARED_WRITE & ~groupWriteAskedFor(dirs.dirMode());
    int fileMask = Mode.SHARED_WRITE & ~groupWriteAskedFor(dirs.fileMode());
    PathState found = (dir.mode() & dirMask) != 0 ? dir : null;
    if (found == null) {
      List<String> find = new ArrayList<>(List.of("find", "-P", path, "-mindepth", "1", "(", "-type", "d", "-perm",
          String.format("/%03o", dirMask), "-o", "-type", "f", "-perm", String.format("/%03o", fileMask), ")", "-print", "-quit"));
      String example = shell.run(find, true).out().strip();
      found = example.isEmpty() ? null : stat(example, false).orElse(new PathState(example, "file", "?", "?", Mode.SHARED_WRITE));
    }
    if (found == null) {
      steps.add(Step.ok("permissions", Duration.ZERO, "only " + server.user() + " may change what is under " + path
          + (dirMask == Mode.SHARED_WRITE && fileMask == Mode.SHARED_WRITE ? "" : " (and the group, as the config's modes ask)")));
      return true;
    }
    String mode = found.isDirectory() ? dirs.dirMode() : dirs.fileMode();
    boolean configured = mode != null && (Mode.parse(mode) & (found.isDirectory() ? dirMask : fileMask)) != 0;
    String what = found == dir ? path : found.path() + " under " + path;
    steps.add(Step.of("permissions", Status.WARN, Duration.ZERO, what + " is " + found.describe() + ": "
        + Mode.otherWriters(found.mode() & Mode.SHARED_WRITE, found.group()) + " may replace or delete what XMPP users download",
        configured
            ? (found.isDirectory() ? "dir_mode " : "file_mode ") + mode + " in " + server.configPath()
                + " asks for it: set dir_mode \"0750\" and file_mode \"0640\", then run ejup docroot fix"
            : "run: ejup docroot fix (removes group and other write" + (mode == null ? "" : ", sets the configured modes") + ")"));
    return true;
  }

  /** The group-write bit a configured mode asks for, else 0. */
  private static int groupWriteAskedFor(String configured) {
    int mode = configured == null ? -1 : Mode.parse(configured);
    return mode < 0 ? 0 : mode & 0020;
  }

  private Boolean parents(String path) {
    List<String> blocked = new ArrayList<>();
    List<String> unseen = new ArrayList<>();
    String parent = path;
    while ((parent = parentOf(parent)) != null) {
      Optional<PathState> p = stat(parent, true);
      if (p.isEmpty()) {
        unseen.add(0, parent);
      } else if (!Mode.canSearch(server.user(), server.groups(), p.get().owner(), p.get().group(), p.get().mode())) {
        blocked.add(parent + " (" + p.get().describe() + ")");
      }
    }
    if (!blocked.isEmpty()) {
      steps.add(Step.of("parents", Status.CRIT, Duration.ZERO, server.user() + " cannot pass " + String.join(", ", blocked),
          "give it search permission, e.g. chmod o+x " + Quote.arg(blocked.get(0).replaceAll(" \\(.*", ""))));
    } else if (!unseen.isEmpty()) {
      // a parent that is missing (or that stat cannot read) has no modes to judge: not a pass
      steps.add(Step.of("parents", Status.WARN, Duration.ZERO, "cannot judge whether " + server.user() + " can pass "
          + String.join(", ", unseen) + ": missing or unreadable on " + shell.where(),
          "create the docroot with its parents: ejup docroot fix; then check again"));
    } else {
      steps.add(Step.ok("parents", Duration.ZERO, "every parent of " + path + " lets " + server.user() + " through"));
    }
    return true;
  }

  static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    if (slash <= 0) {
      return path.equals("/") || slash < 0 ? null : "/";
    }
    return path.substring(0, slash);
  }

  private Boolean space(String path) {
    Shell.Result df = shell.run(List.of("df", "-P", "-k", "--", path), true);
    String[] lines = df.out().strip().split("\n");
    String[] cols = lines[lines.length - 1].trim().split("\\s+");
    if (!df.ok() || cols.length < 6 || !cols[3].matches("[0-9]{1,18}")) {
      steps.add(Step.of("space", Status.WARN, Duration.ZERO, "cannot read free space of " + path
          + (df.ok() ? " from df's answer" : ": " + oneLine(df.err())), "check that df -P -k works on the server"));
      return true;
    }
    long freeKb = Long.parseLong(cols[3]);
    Status status = freeKb < NO_SPACE_KB ? Status.CRIT : freeKb < LOW_SPACE_KB ? Status.WARN : Status.OK;
    steps.add(Step.of("space", status, Duration.ZERO, (freeKb / 1024) + " MiB free on " + cols[5],
        status == Status.OK ? "" : "free some space, or prune old uploads (mod_http_upload_quota max_days, ejup docroot prune)"));
    return true;
  }

  private Boolean mount(String path) {
    Shell.Result r = shell.run(List.of("findmnt", "-n", "-o", "TARGET,OPTIONS", "-T", path), false);
    String[] cols = r.out().strip().split("\\s+");
    if (!r.ok() || cols.length < 2) {
      steps.add(Step.of("mount", Status.OK, Duration.ZERO, "mount options unknown (no findmnt)", ""));
      return true;
    }
    List<String> opts = Arrays.asList(cols[1].split(","));
    if (opts.contains("ro")) {
      steps.add(Step.of("mount", Status.CRIT, Duration.ZERO, path + " is on " + cols[0] + ", mounted read-only",
          "remount it read-write, or move the docroot"));
    } else {
      steps.add(Step.ok("mount", Duration.ZERO, cols[0] + " mounted " + (opts.contains("noexec") ? "rw,noexec (fine for uploads)" : "rw")));
    }
    return true;
  }

  /** Returns whether anything was (or, with dryRun, would be) changed. */
  private Boolean repair(String path, UploadDirs dirs, boolean dryRun) {
    if (!path.startsWith("/")) {
      steps.add(Step.of("fix", Status.CRIT, Duration.ZERO, notAbsolute(path) + "; not touching it", NOT_ABSOLUTE_HINT));
      return false;
    }
    String owner = server.user() + ":" + server.group();
    Optional<PathState> state = stat(path, false);
    List<List<String>> commands = new ArrayList<>();
    if (state.isPresent() && state.get().isSymlink()) {
      steps.add(Step.of("fix", Status.CRIT, Duration.ZERO, path + " is a symbolic link; not followed, nothing changed",
          "point docroot at the real directory, then run ejup docroot fix again"));
      return false;
    }
    if (state.isPresent() && !state.get().isDirectory()) {
      steps.add(Step.of("fix", Status.CRIT, Duration.ZERO, path + " is a " + state.get().type() + "; nothing changed",
          "move it away, then run ejup docroot fix again"));
      return false;
    }
    String dirMode = dirs.dirMode();
    String fileMode = dirs.fileMode();
    if (state.isEmpty()) {
      commands.add(List.of("mkdir", "-p", "--", path));
      commands.add(List.of("chown", "--", owner, path));
      commands.add(List.of("chmod", "--", dirMode != null ? dirMode : "0750", path));
    } else {
      if (any(List.of("find", "-P", path, "(", "!", "-user", server.user(), "-o", "!", "-group", server.group(), ")", "-print", "-quit"))) {
        commands.add(List.of("chown", "-R", "-P", "--", owner, path));
      }
      modes(commands, path, "d", dirMode, "-0700", "u+rwx");
      modes(commands, path, "f", fileMode, "-0600", "u+rw");
    }
    for (List<String> command : commands) {
      String text = Quote.command(command);
      if (dryRun) {
        steps.add(Step.ok("fix", Duration.ZERO, "would run: " + text));
        continue;
      }
      Shell.Result r = shell.run(command, true);
      if (!r.ok()) {
        steps.add(Step.of("fix", Status.CRIT, Duration.ZERO, "`" + text + "` failed: " + oneLine(r.err()),
            "the commands before this one were done; fix the cause and run ejup docroot fix again"));
        return true;
      }
      steps.add(Step.ok("fix", Duration.ZERO, "ran: " + text));
    }
    return !commands.isEmpty();
  }

  /**
   * Adds a chmod over find for the entries of a type that need it: the configured mode exactly,
   * else the owner's bits added and group and other write taken away.
   */
  private void modes(List<List<String>> commands, String path, String type, String exact, String atLeast, String symbolic) {
    List<String> test = exact != null ? List.of("!", "-perm", exact)
        : List.of("(", "!", "-perm", atLeast, "-o", "-perm", String.format("/%03o", Mode.SHARED_WRITE), ")");
    List<String> probe = new ArrayList<>(List.of("find", "-P", path, "-type", type));
    probe.addAll(test);
    probe.addAll(List.of("-print", "-quit"));
    if (any(probe)) {
      List<String> change = new ArrayList<>(List.of("find", "-P", path, "-type", type));
      change.addAll(test);
      change.addAll(List.of("-exec", "chmod", exact != null ? exact : symbolic + ",go-w", "{}", "+"));
      commands.add(change);
    }
  }

  private boolean any(List<String> find) {
    return !shell.run(find, true).out().isBlank();
  }
}
