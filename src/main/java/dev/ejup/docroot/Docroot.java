package dev.ejup.docroot;

import dev.ejup.config.UploadDirs;
import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import dev.ejup.ssh.Quote;
import dev.ejup.ssh.RemoteShell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The docroot capability: is the directory mod_http_upload stores files in usable by the user
 * ejabberd runs as (check), make it so (fix), and remove the files `ejup check` left (prune).
 */
public final class Docroot {
  private static final long LOW_SPACE_KB = 1024L * 1024;
  private static final long NO_SPACE_KB = 100L * 1024;

  /**
   * @param config path of ejabberd.yml on the server, or null for the usual places
   * @param owner the user when ejabberd is not running and is not the package's "ejabberd"
   */
  public record Options(String config, String owner, boolean dryRun) {}

  private final RemoteShell shell;
  private final ServerView server;
  private final TimedSteps steps;

  private Docroot(RemoteShell shell, ServerView server, long started) {
    this.shell = shell;
    this.server = server;
    this.steps = new TimedSteps(started);
    steps.add(Step.ok("config", Duration.ZERO, server.configPath() + ": docroot " + String.join(", ", docrootsAsWritten())));
    steps.add(Step.ok("user", Duration.ZERO, "ejabberd runs as " + server.user() + ":" + server.group() + " (from " + server.userSource() + ")"));
  }

  /** Reads the server's config and user, timed from before the first remote command. */
  private static Docroot started(RemoteShell shell, Options options) {
    long started = System.nanoTime();
    return new Docroot(shell, ServerView.read(shell, options.config(), options.owner()), started);
  }

  private List<String> docrootsAsWritten() {
    return server.dirs().stream().map(UploadDirs::docroot).distinct().toList();
  }

  public static Report check(RemoteShell shell, Options options) {
    Docroot docroot = started(shell, options);
    for (UploadDirs dirs : docroot.server.dirs()) {
      for (String path : dirs.paths(docroot.server.home())) {
        docroot.inspect(path);
      }
    }
    return docroot.report();
  }

  public static Report fix(RemoteShell shell, Options options) {
    Docroot docroot = started(shell, options);
    boolean changed = false;
    for (UploadDirs dirs : docroot.server.dirs()) {
      for (String path : dirs.paths(docroot.server.home())) {
        changed |= docroot.repair(path, dirs, options.dryRun());
      }
    }
    if (!changed) {
      docroot.steps.add(Step.ok("fix", Duration.ZERO, "nothing to change"));
    }
    if (!options.dryRun()) {
      for (UploadDirs dirs : docroot.server.dirs()) {
        for (String path : dirs.paths(docroot.server.home())) {
          docroot.inspect(path);
        }
      }
    }
    return docroot.report();
  }

  public static Report prune(RemoteShell shell, Options options, String match, Duration olderThan) {
    if (match.contains("/") || match.isBlank()) {
      throw UserError.unusable("--match '" + match + "' must be a file name pattern", "e.g. --match 'ejup-check-*'");
    }
    Docroot docroot = started(shell, options);
    long minutes = Math.max(1, olderThan.toMinutes());
    for (UploadDirs dirs : docroot.server.dirs()) {
      for (String path : dirs.paths(docroot.server.home())) {
        if (docroot.stat(path, false).filter(PathState::isDirectory).isEmpty()) {
          docroot.steps.add(Step.of("prune", Status.WARN, Duration.ZERO, path + " is not a directory; nothing to prune", ""));
          continue;
        }
        List<String> find = new ArrayList<>(List.of("find", "-P", path, "-type", "f", "-name", match, "-mmin", "+" + minutes, "-print"));
        if (!options.dryRun()) {
          find.add("-delete");
        }
        RemoteShell.Result removed = shell.run(find, true);
        long count = removed.out().lines().filter(l -> !l.isBlank()).count();
        if (!options.dryRun()) {
          shell.run(List.of("find", "-P", path, "-mindepth", "1", "-type", "d", "-empty", "-delete"), true);
        }
        docroot.steps.add(Step.of("prune", removed.ok() ? Status.OK : Status.WARN, Duration.ZERO,
            (options.dryRun() ? "would remove " : "removed ") + count + " file(s) matching " + match + " older than "
                + minutes + " min under " + path + (removed.ok() ? "" : ": " + removed.err().strip()), ""));
      }
    }
    return docroot.report();
  }

  /** An age as sysadmins write it: 30m, 1h, 2d. */
  public static Duration age(String text) {
    String t = text == null ? "" : text.trim();
    try {
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw UserError.unusable("age '" + text + "' is not an age", "write e.g. 30m, 1h or 2d");
    }
  }

  private Report report() {
    return new Report("docroot", shell.where(), steps.all());
  }

  private Optional<PathState> stat(String path, boolean follow) {
    List<String> argv = new ArrayList<>(List.of("stat"));
    if (follow) {
      argv.add("-L");
    }
    argv.addAll(List.of("-c", "%F|%U|%G|%a", "--", path));
    RemoteShell.Result r = shell.run(argv, true);
    return r.ok() ? PathState.parse(path, r.out()) : Optional.empty();
  }

  private void inspect(String path) {
    String user = server.user();
    List<String> groups = server.groups();
    if (!path.startsWith("/")) {
      steps.add(Step.of("docroot", Status.CRIT, Duration.ZERO, "docroot " + path + " is not an absolute path",
          "write an absolute docroot or one starting with @HOME@ (ejup config validate)"));
      return;
    }
    parents(path);
    Optional<PathState> state = stat(path, false);
    if (state.isEmpty()) {
      steps.add(Step.of("docroot", Status.CRIT, Duration.ZERO, path + " does not exist, so every PUT fails",
          "create it for " + user + ": ejup docroot fix"));
      return;
    }
    PathState s = state.get();
    if (s.isSymlink()) {
      Optional<PathState> target = stat(path, true);
      steps.add(Step.of("docroot", Status.WARN, Duration.ZERO, path + " is a symbolic link"
          + target.map(t -> " to a " + t.type() + " (" + t.describe() + ")").orElse(" that points nowhere"),
          "ejup does not chown through links: point docroot at the real directory"));
      return;
    }
    if (!s.isDirectory()) {
      steps.add(Step.of("docroot", Status.CRIT, Duration.ZERO, path + " is a " + s.type() + ", not a directory",
          "move it away; ejup docroot fix then creates the directory"));
      return;
    }
    if (!Mode.canWriteDirectory(user, groups, s.owner(), s.group(), s.mode())) {
      steps.add(Step.of("docroot", Status.CRIT, Duration.ZERO, path + " is " + s.describe() + ": " + user
          + " cannot create files in it, so every PUT fails", "run: ejup docroot fix (chown -R " + user + ":" + server.group() + ")"));
    } else {
      steps.add(Step.ok("docroot", Duration.ZERO, path + " is " + s.describe() + ", writable by " + user));
    }
    RemoteShell.Result foreign = shell.run(List.of("find", "-P", path, "-mindepth", "1", "!", "-user", user, "-print", "-quit"), true);
    String example = foreign.out().strip();
    steps.add(example.isEmpty()
        ? Step.ok("contents", Duration.ZERO, "everything under " + path + " belongs to " + user)
        : Step.of("contents", Status.CRIT, Duration.ZERO, "not everything under " + path + " belongs to " + user + ", e.g. " + example,
            "ejabberd cannot add files for that user: ejup docroot fix"));
    space(path);
    mount(path);
  }

  private void parents(String path) {
    List<String> blocked = new ArrayList<>();
    String parent = path;
    while ((parent = parentOf(parent)) != null) {
      Optional<PathState> p = stat(parent, true);
      if (p.isPresent() && !Mode.canSearch(server.user(), server.groups(), p.get().owner(), p.get().group(), p.get().mode())) {
        blocked.add(parent + " (" + p.get().describe() + ")");
      }
    }
    steps.add(blocked.isEmpty()
        ? Step.ok("parents", Duration.ZERO, "every parent of " + path + " lets " + server.user() + " through")
        : Step.of("parents", Status.CRIT, Duration.ZERO, server.user() + " cannot pass " + String.join(", ", blocked),
            "give it search permission, e.g. chmod o+x " + Quote.arg(blocked.get(0).replaceAll(" \\(.*", ""))));
  }

  static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    if (slash <= 0) {
      return path.equals("/") || slash < 0 ? null : "/";
    }
    return path.substring(0, slash);
  }

  private void space(String path) {
    RemoteShell.Result df = shell.run(List.of("df", "-P", "-k", "--", path), true);
    String[] lines = df.out().strip().split("\n");
    String[] cols = lines[lines.length - 1].trim().split("\\s+");
    if (!df.ok() || cols.length < 6) {
      steps.add(Step.of("space", Status.WARN, Duration.ZERO, "cannot read free space of " + path + ": " + df.err().strip(), ""));
      return;
    }
    long freeKb = Long.parseLong(cols[3]);
    Status status = freeKb < NO_SPACE_KB ? Status.CRIT : freeKb < LOW_SPACE_KB ? Status.WARN : Status.OK;
    steps.add(Step.of("space", status, Duration.ZERO, (freeKb / 1024) + " MiB free on " + cols[5],
        status == Status.OK ? "" : "free some space, or prune old uploads (mod_http_upload_quota max_days, ejup docroot prune)"));
  }

  private void mount(String path) {
    RemoteShell.Result r = shell.run(List.of("findmnt", "-n", "-o", "TARGET,OPTIONS", "-T", path), false);
    String[] cols = r.out().strip().split("\\s+");
    if (!r.ok() || cols.length < 2) {
      steps.add(Step.of("mount", Status.OK, Duration.ZERO, "mount options unknown (no findmnt)", ""));
      return;
    }
    List<String> opts = Arrays.asList(cols[1].split(","));
    if (opts.contains("ro")) {
      steps.add(Step.of("mount", Status.CRIT, Duration.ZERO, path + " is on " + cols[0] + ", mounted read-only",
          "remount it read-write, or move the docroot"));
    } else {
      steps.add(Step.ok("mount", Duration.ZERO, cols[0] + " mounted " + (opts.contains("noexec") ? "rw,noexec (fine for uploads)" : "rw")));
    }
  }

  /** Returns whether anything was (or, with dryRun, would be) changed. */
  private boolean repair(String path, UploadDirs dirs, boolean dryRun) {
    if (!path.startsWith("/")) {
      steps.add(Step.of("fix", Status.CRIT, Duration.ZERO, "docroot " + path + " is not absolute; not touching it", "fix the config first"));
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
    String dirMode = dirs.dirMode() != null ? dirs.dirMode() : null;
    String fileMode = dirs.fileMode() != null ? dirs.fileMode() : null;
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
      RemoteShell.Result r = shell.run(command, true);
      if (!r.ok()) {
        steps.add(Step.of("fix", Status.CRIT, Duration.ZERO, "`" + text + "` failed: " + r.err().strip(),
            "the commands before this one were done; fix the cause and run ejup docroot fix again"));
        return true;
      }
      steps.add(Step.ok("fix", Duration.ZERO, "ran: " + text));
    }
    return !commands.isEmpty();
  }

  /** Adds a chmod over find when some entry of the type lacks the wanted bits (exact mode when configured). */
  private void modes(List<List<String>> commands, String path, String type, String exact, String atLeast, String symbolic) {
    List<String> test = exact != null ? List.of("!", "-perm", exact) : List.of("!", "-perm", atLeast);
    List<String> probe = new ArrayList<>(List.of("find", "-P", path, "-type", type));
    probe.addAll(test);
    probe.addAll(List.of("-print", "-quit"));
    if (any(probe)) {
      List<String> change = new ArrayList<>(List.of("find", "-P", path, "-type", type));
      change.addAll(test);
      change.addAll(List.of("-exec", "chmod", exact != null ? exact : symbolic, "{}", "+"));
      commands.add(change);
    }
  }

  private boolean any(List<String> find) {
    return !shell.run(find, true).out().isBlank();
  }
}
