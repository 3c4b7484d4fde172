package dev.ejup.playbook;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A non-blocking lock so overlapping cron runs never pile up. The holder writes its pid into the
 * file; the OS drops the lock when the holder dies, so a stale file never blocks.
 *
 * <p>A playbook's lock is per target (two runs must not check and prune the same server at once;
 * runs against different servers never wait for each other) and lives in a directory of the
 * user's own ({@link #directory}), so one user's lock never blocks or breaks another's run.
 */
final class RunLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** @return the lock, or empty when another run holds it */
  public static Optional<RunLock> tryTake(Path path) throws IOException {
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      return Optional.empty();
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    return Optional.of(new RunLock(channel, lock));
  }

  /** The pid the holder wrote, or empty when unreadable. */
  public static String holder(Path path) {
    try {
      return Files.readString(path, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The user's lock directory: {@code $XDG_RUNTIME_DIR/ejup}, else {@code /run/user/UID/ejup},
   * else {@code /tmp/ejup-UID}, created 0700. An existing {@code /tmp/ejup-UID} must be a real
   * directory owned by this user with mode 0700, or anyone could hold (or swap) the locks.
   *
   * @throws UserError (UNKNOWN) when no such directory can be made safe
   */
  public static Path directory(Map<String, String> env) {
    int uid = uid();
    String xdg = env.getOrDefault("XDG_RUNTIME_DIR", "");
    for (String base : List.of(xdg, "/run/user/" + uid)) {
      if (!base.isEmpty() && base.startsWith("/") && Files.isDirectory(Path.of(base)) && Files.isWritable(Path.of(base))) {
        return ownDirectory(Path.of(base, "ejup"), uid);
      }
    }
    return ownDirectory(Path.of("/tmp", "ejup-" + uid), uid);
  }

  private static Path ownDirectory(Path dir, int uid) {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      // checked below: it may be someone else's
    } catch (IOException e) {
      throw UserError.unusable("cannot create the lock directory " + dir
          + (e instanceof java.nio.file.AccessDeniedException ? ": permission denied" : ""),
          "make " + dir.getParent() + " writable for this user, or set XDG_RUNTIME_DIR");
    }
    try {
      Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !Integer.valueOf(uid).equals(owner)
          || !mode.equals(PosixFilePermissions.fromString("rwx------"))) {
        throw UserError.unusable("the lock directory " + dir + " is not a directory of this user's with mode 0700",
            "remove it (rm -r " + dir + ") so ejup can make its own, or set XDG_RUNTIME_DIR");
      }
    } catch (IOException e) {
      throw UserError.unusable("cannot inspect the lock directory " + dir, "remove it, or set XDG_RUNTIME_DIR");
    }
    return dir;
  }

  private static int uid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      throw UserError.unusable("cannot tell this process's user id (no /proc/self)", "run ejup on Linux with /proc mounted");
    }
  }

  /**
   * The lock file of one playbook for one target: what two overlapping runs must not do twice is
   * the same playbook against the same server (domain, XMPP server, SSH host).
   *
   * @param name the playbook's {@code lock:} value; only its file name counts (a path from an
   *     older playbook, such as /tmp/ejup-healthcheck.lock, names the lock, not where it lives)
   */
  public static Path fileFor(Path directory, String name, Target target) {
    String base = Path.of(name).getFileName().toString().replaceAll("\\.lock$", "");
    String who = String.join("\n", target.name(), target.vars().getOrDefault("domain", ""),
        target.vars().getOrDefault("server", ""), target.vars().getOrDefault("ssh", ""));
    String hash;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(who.getBytes(StandardCharsets.UTF_8));
      hash = HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String label = target.name().replaceAll("[^A-Za-z0-9._@-]", "_");
    return directory.resolve(safe(base) + "-" + (label.length() > 60 ? label.substring(0, 60) : label) + "-" + hash + ".lock");
  }

  private static String safe(String text) {
    return text.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * Runs the job while holding the target's lock. When another run holds it, or no lock directory
   * can be used, the answer is a report with one UNKNOWN {@code lock} step, rendered like any other.
   */
  public static Report exclusive(Map<String, String> env, String name, String kind, Target target, Supplier<Report> job) {
    Path file;
    Optional<RunLock> lock;
    try {
      file = fileFor(directory(env), name, target);
      lock = tryTake(file);
    } catch (UserError e) {
      return new Report(kind, target.name(), List.of(Step.of("lock", Status.UNKNOWN, Duration.ZERO, e.getMessage(), e.hint())));
    } catch (IOException e) {
      return new Report(kind, target.name(), List.of(Step.of("lock", Status.UNKNOWN, Duration.ZERO,
          "cannot take the run lock for " + target.name() + ": " + dev.ejup.model.Cause.words(e), "check the lock directory's permissions")));
    }
    if (lock.isEmpty()) {
      String pid = holder(file);
      return new Report(kind, target.name(), List.of(Step.of("lock", Status.UNKNOWN, Duration.ZERO,
          "a run of " + kind + " for " + target.name() + " is in progress" + (pid.isEmpty() ? "" : " (pid " + pid + ")")
              + "; lock " + file, "nothing was checked by this run; the running one reports")));
    }
    try (RunLock held = lock.get()) {
      return job.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
