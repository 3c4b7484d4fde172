package dev.ejup.config;

import dev.ejup.ssh.Shell;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where ejabberd lives and which release it is, on this machine or over SSH, for the layouts
 * people run: Debian and Ubuntu's package ({@code /etc/ejabberd/ejabberd.yml}, ejabberdctl on
 * PATH), ProcessOne's installer ({@code /opt/ejabberd/conf/ejabberd.yml}, ejabberdctl under
 * {@code /opt/ejabberd-YY.MM/bin}, not on PATH, docroot {@code /opt/ejabberd/upload}) and the
 * containers ({@code /opt/ejabberd/conf} in ejabberd/ecs and the ProcessOne image,
 * {@code /home/ejabberd/conf} in older ones; user uid 9000).
 */
public final class EjabberdInstall {
  /** The config files of the known layouts, most common first. */
  public static final List<String> CONFIGS = List.of("/etc/ejabberd/ejabberd.yml", "/opt/ejabberd/conf/ejabberd.yml",
      "/home/ejabberd/conf/ejabberd.yml");

  /**
   * The release a verdict is for and how ejup knows it.
   *
   * @param version the release
   * @param source where it came from, e.g. "package ejabberd 24.12-3~bpo12+1", for the user to read
   * @param guessed true when nothing said it and it is the newest release ejup knows
   */
  public record Release(EjabberdVersion version, String source, boolean guessed) {
    /** One line for the user: which ejabberd the verdict is for. */
    public String describe() {
      return "verdict for ejabberd " + version + " (" + source + ")";
    }

    /** A note to print beside {@link #describe()} when ejup's rules do not know this release, whether given or found. */
    public Optional<String> note() {
      return version.outsideKnown();
    }
  }

  private EjabberdInstall() {}

  /**
   * The first config of {@link #CONFIGS} that exists where the shell runs, else the first (Debian's).
   *
   * @param shell this machine or the SSH target
   */
  public static String defaultConfig(Shell shell) {
    for (String path : CONFIGS) {
      if (ok(shell, List.of("test", "-e", path))) {
        return path;
      }
    }
    return CONFIGS.get(0);
  }

  /**
   * The ejabberdctl to run where the shell runs: the one on PATH, else the newest ProcessOne
   * installer's {@code /opt/ejabberd-YY.MM/bin/ejabberdctl}, else a container's
   * {@code /home/ejabberd/bin/ejabberdctl} or {@code /opt/ejabberd/bin/ejabberdctl}; empty when none.
   */
  public static Optional<String> findEjabberdctl(Shell shell) {
    Shell.Result onPath = run(shell, List.of("sh", "-c", "command -v ejabberdctl"), false);
    if (onPath.ok() && !onPath.out().isBlank()) {
      return Optional.of(onPath.out().strip());
    }
    Optional<String> installer = installerDirs(shell).stream().findFirst().map(dir -> dir + "/bin/ejabberdctl");
    if (installer.isPresent()) {
      return installer;
    }
    for (String ctl : List.of("/home/ejabberd/bin/ejabberdctl", "/opt/ejabberd/bin/ejabberdctl")) {
      if (ok(shell, List.of("test", "-x", ctl))) {
        return Optional.of(ctl);
      }
    }
    return Optional.empty();
  }

  /**
   * Which release runs where the shell runs, cheapest evidence first: the Debian package's version,
   * the newest {@code /opt/ejabberd-YY.MM} of ProcessOne's installer, then {@code ejabberdctl
   * status} of the running node (about 3 s: it boots an Erlang VM). When none answers: the newest
   * release ejup knows, marked guessed.
   *
   * @param shell this machine or the SSH target
   * @param ejabberdctl the command the user named (--ejabberdctl), or null to look for one
   */
  public static Release detect(Shell shell, String ejabberdctl) {
    Shell.Result pkg = run(shell, List.of("dpkg-query", "-W", "-f=${Status} ${Version}", "ejabberd"), false);
    // a removed package leaves "deinstall ok config-files" and its version behind: not evidence
    if (pkg.ok() && pkg.out().startsWith("install ok installed ")) {
      String version = pkg.out().substring("install ok installed ".length()).strip();
      Optional<EjabberdVersion> v = EjabberdVersion.find(version);
      if (v.isPresent()) {
        return new Release(v.get(), "package ejabberd " + version, false);
      }
    }
    List<String> installers = installerDirs(shell);
    if (!installers.isEmpty()) {
      return new Release(EjabberdVersion.find(installers.get(0)).orElseThrow(), "ProcessOne installer in " + installers.get(0), false);
    }
    Optional<String> ctl = ejabberdctl != null ? Optional.of(ejabberdctl) : findEjabberdctl(shell);
    if (ctl.isPresent()) {
      List<String> argv = new ArrayList<>(List.of(ctl.get().trim().split("\\s+")));
      argv.add("status");
      Shell.Result status = run(shell, argv, true);
      // "ejabberd 24.12-3~bpo12+1 is running in that node"
      Optional<EjabberdVersion> v = status.out().lines().filter(l -> l.startsWith("ejabberd ")).findFirst().flatMap(EjabberdVersion::find);
      if (v.isPresent()) {
        return new Release(v.get(), String.join(" ", argv), false);
      }
    }
    return new Release(EjabberdVersion.NEWEST, "the newest ejup knows: no ejabberd package, installer or running node found;"
        + " pass --ejabberd-version X.Y", true);
  }

  /** The release given as text, or found by {@link #detect} when text is null. */
  public static Release given(String text) {
    return new Release(EjabberdVersion.given(text), "--ejabberd-version", false);
  }

  /** ProcessOne installer directories /opt/ejabberd-YY.MM, newest first. */
  private static List<String> installerDirs(Shell shell) {
    Shell.Result ls = run(shell, List.of("sh", "-c", "for d in /opt/ejabberd-[0-9]*; do [ -d \"$d\" ] && echo \"$d\"; done"), false);
    if (!ls.ok()) {
      return List.of();
    }
    return ls.out().lines().map(String::strip).filter(d -> EjabberdVersion.find(d).isPresent())
        .sorted(Comparator.comparing((String d) -> EjabberdVersion.find(d).orElseThrow()).reversed()).toList();
  }

  private static boolean ok(Shell shell, List<String> argv) {
    return run(shell, argv, false).ok();
  }

  /** A command that cannot run at all (not installed, sudo refused) is an answer too: no evidence. */
  private static Shell.Result run(Shell shell, List<String> argv, boolean asRoot) {
    try {
      return shell.run(argv, asRoot);
    } catch (dev.ejup.model.UserError e) {
      return new Shell.Result(127, "", e.oneLine());
    }
  }
}
