package dev.ejup.config;

import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import dev.ejup.ssh.Shell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * ejabberd.yml on a server, through a {@link Shell}: read over SFTP (or with sudo cat when
 * the login may not read it), written with the same care as locally (readlink -e to the real
 * file, dd into a temp file beside it with fsync, owner and mode copied with --reference, the
 * file read again to see that nobody changed it meanwhile, one mv), every step as root through
 * sudo -n when the login is not root. The original is untouched until the final rename, so a
 * dropped connection changes nothing.
 */
public final class RemoteStore implements ConfigStore {
  private final Shell shell;

  public RemoteStore(Shell shell) {
    this.shell = shell;
  }

  @Override
  public String read(Path path) {
    return readForEdit(path).text();
  }

  @Override
  public ConfigFile.Contents readForEdit(Path path) {
    return ConfigFile.contents(describe(path), readBytes(path));
  }

  private byte[] readBytes(Path path) {
    byte[] direct = shell.readDirectly(path.toString(), ConfigFile.MAX_BYTES);
    if (direct != null) {
      return direct;
    }
    Shell.Result r = shell.run(List.of("cat", "--", path.toString()), true);
    if (!r.ok()) {
      String why = r.err().strip();
      if (why.contains("No such file")) {
        throw UserError.unusable(describe(path) + ": no such file", "give the path of ejabberd.yml on the server");
      }
      if (why.contains("Is a directory")) {
        throw UserError.unusable(describe(path) + ": is a directory, not a file", "give the file itself");
      }
      if (why.contains("Permission denied")) {
        throw UserError.unusable(describe(path) + ": permission denied",
            "log in as root, or as a user with sudo for cat (README: sudoers), or one in the group that may read it (ejabberd)");
      }
      throw UserError.unusable(describe(path) + ": cannot read: " + why, "check the path and permissions on the server");
    }
    byte[] bytes = r.out().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > ConfigFile.MAX_BYTES) {
      throw UserError.unusable(describe(path) + ": too large for an ejabberd.yml", "check that this is the right file");
    }
    return bytes;
  }

  @Override
  public String describe(Path path) {
    return shell.where() + ":" + path;
  }

  /**
   * Nothing is held on the server (a lock there would need a process that lives as long as the
   * run); two runs on one remote file are kept apart by the check before the rename instead: the
   * second one refuses and writes nothing.
   */
  @Override
  public Held lock(Path path) {
    return () -> { };
  }

  @Override
  public AtomicFile.Written replace(Path path, ConfigFile.Contents expected, String text, boolean backup) {
    // the file a symlink (etckeeper, stow, a ConfigMap's ..data chain) ends at gets the change;
    // the link stays a link
    String target = realPath(path);
    Path real = Path.of(target);
    String dir = real.getParent() == null ? "/" : real.getParent().toString();
    String temp = dir + "/." + real.getFileName() + ".ejup-" + Long.toHexString(System.nanoTime()) + ".tmp";
    ConfigFile.Contents now = ConfigFile.Contents.of(text, expected.bom());
    Path backupPath = backup ? freeBackupName(path) : null;
    // on a signal: the temp file (and a backup not yet complete) go, and no command runs after
    boolean[] stopped = {false};
    boolean[] kept = {false};
    Runnable cleanup = () -> {
      synchronized (shell) {
        stopped[0] = true;
        shell.run(List.of("rm", "-f", "--", temp), true);
        if (backupPath != null && !kept[0]) {
          shell.run(List.of("rm", "-f", "--", backupPath.toString()), true);
        }
      }
    };
    StrayFiles.onExit(cleanup);
    boolean done = false;
    try {
      if (backupPath != null) {
        step(stopped, List.of("cp", "-p", "--", target, backupPath.toString()), null, "keep a backup");
      }
      step(stopped, List.of("dd", "of=" + temp, "conv=fsync", "status=none"), now.bytes(), "write the new file");
      step(stopped, List.of("chown", "--reference=" + target, "--", temp), null, "give it the original's owner");
      step(stopped, List.of("chmod", "--reference=" + target, "--", temp), null, "give it the original's mode");
      if (!expected.sameAs(readBytes(real))) {
        throw AtomicFile.changed(describe(path));
      }
      synchronized (shell) {
        step(stopped, List.of("mv", "-f", "--", temp, target), null, "move it into place");
        kept[0] = true;
      }
      done = true;
      return new AtomicFile.Written(backupPath, now);
    } finally {
      StrayFiles.done(cleanup);
      if (!done) {
        try {
          shell.run(List.of("rm", "-f", "--", temp), true);
          if (backupPath != null) {
            shell.run(List.of("rm", "-f", "--", backupPath.toString()), true);
          }
        } catch (UserError e) {
          // the connection is gone: the error that got us here is the one to report
        }
      }
    }
  }

  /** One write step, unless a signal's cleanup has begun: then the step would leave a file behind. */
  private void step(boolean[] stopped, List<String> argv, byte[] stdin, String what) {
    synchronized (shell) {
      if (stopped[0]) {
        throw UserError.critical("ejup is stopping (a signal); " + shell.where() + " is unchanged", "");
      }
      must(argv, stdin, what);
    }
  }

  /** The file path ends at after every symlink: as the login first (no sudo rule needed), then as root. */
  private String realPath(Path path) {
    List<String> argv = List.of("readlink", "-e", "--", path.toString());
    Shell.Result r = shell.run(argv, false);
    if (!r.ok() || r.out().isBlank()) {
      r = must(argv, null, "find the file " + path + " is (after symlinks)");
    }
    return r.out().strip();
  }

  private Path freeBackupName(Path path) {
    return AtomicFile.backupName(path, candidate -> shell.run(List.of("test", "-e", candidate.toString()), true).ok());
  }

  private Shell.Result must(List<String> argv, byte[] stdin, String what) {
    Shell.Result r = shell.run(argv, true, stdin);
    if (!r.ok()) {
      throw UserError.critical("could not " + what + " on " + shell.where() + ": " + r.err().strip()
          + "; the original file is unchanged", "check free space and permissions in that folder");
    }
    return r;
  }

  @Override
  public Step reload(String ejabberdctl) {
    List<String> argv = new ArrayList<>(List.of(ejabberdctl.trim().split("\\s+")));
    argv.add("reload_config");
    long start = System.nanoTime();
    Shell.Result r = shell.run(argv, true);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return Ejabberdctl.answered(String.join(" ", argv) + " on " + shell.where(), r.exit(), r.out() + " " + r.err(), took);
  }
}
