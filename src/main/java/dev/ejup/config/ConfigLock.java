package dev.ejup.config;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One ejup at a time changes a given ejabberd.yml: an exclusive lock on {@code .NAME.ejup-lock}
 * beside the real file (after every symlink), held from the read to the last write (the restore
 * after a failed reload included). Beside the file, not in a per-user folder, so that root's run
 * and an admin's run, or two installs of ejup, meet on the same lock; the kernel drops it when the
 * process dies, so a killed run never leaves a stale lock. The lock file itself stays (deleting
 * it would let two runs lock two different files) and has the config's owner and mode.
 */
public final class ConfigLock implements ConfigStore.Held {
  /** Longer than a reload (ejabberdctl gets 60 s) plus a restore, so a queued run waits its turn. */
  static final Duration WAIT = Duration.ofSeconds(90);
  private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock lock;

  private ConfigLock(ReentrantLock local, FileChannel channel, FileLock lock) {
    this.local = local;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file for a config: same folder as the real file, so on the same machine and disk. */
  static Path lockFile(Path real) {
    return real.resolveSibling("." + real.getFileName() + ".ejup-lock");
  }

  /**
   * Waits up to {@link #WAIT} for other ejup runs on the same file (after symlinks).
   *
   * @throws UserError when the file cannot be reached or another run holds the lock too long
   */
  public static ConfigLock acquire(Path path) {
    Path real = AtomicFile.realPath(path);
    if (Files.isDirectory(real)) {
      throw ConfigFile.directory(path);
    }
    if (!Files.isReadable(real)) {
      // the reason to give first: the lock beside it is most likely closed to this user too
      throw ConfigFile.denied(path);
    }
    // threads of one process (a playbook over several targets) exclude each other here: the
    // kernel lock belongs to the process and would let them all in
    ReentrantLock local = IN_THIS_JVM.computeIfAbsent(real, p -> new ReentrantLock());
    long deadline = System.nanoTime() + WAIT.toNanos();
    try {
      if (!local.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw busy(path, real);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw UserError.critical("interrupted while waiting to change " + path + "; nothing was written", "");
    }
    FileChannel channel = null;
    try {
      channel = open(real);
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock != null) {
          return new ConfigLock(local, channel, lock);
        }
        if (System.nanoTime() > deadline) {
          throw busy(path, real);
        }
        Thread.sleep(50);
      }
    } catch (AccessDeniedException e) {
      close(channel);
      local.unlock();
      throw UserError.critical(path + ": " + System.getProperty("user.name") + " may not write in " + real.getParent()
          + " (permission denied on its lock file " + lockFile(real).getFileName() + "); nothing was written",
          "run it as the file's owner or as root (sudo ejup ...)");
    } catch (IOException e) {
      close(channel);
      local.unlock();
      throw UserError.critical("cannot lock " + lockFile(real) + " to change " + path + ": " + dev.ejup.model.Cause.words(e)
          + "; nothing was written", "run as a user who may write " + real.getParent());
    } catch (InterruptedException e) {
      close(channel);
      local.unlock();
      Thread.currentThread().interrupt();
      throw UserError.critical("interrupted while waiting to change " + path + "; nothing was written", "");
    } catch (RuntimeException e) {
      close(channel);
      local.unlock();
      throw e;
    }
  }

  private static FileChannel open(Path real) throws IOException {
    Path file = lockFile(real);
    FileChannel created;
    try {
      created = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }
    copyOwnerAndMode(real, file);
    return created;
  }

  /** The config's owner, group and mode (minus execute bits): whoever may change it may lock it. */
  private static void copyOwnerAndMode(Path real, Path file) {
    try {
      PosixFileAttributes attrs = Files.readAttributes(real, PosixFileAttributes.class);
      Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
      mode.addAll(attrs.permissions());
      mode.removeAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
      Files.setPosixFilePermissions(file, mode);
      PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
      view.setGroup(attrs.group());
      view.setOwner(attrs.owner());
    } catch (IOException ignored) {
      // a lock file with our own group and the umask's mode still locks
    }
  }

  private static UserError busy(Path path, Path real) {
    return UserError.critical("another ejup run has been changing " + path + " for over " + WAIT.toSeconds()
        + " s (it holds " + lockFile(real) + "); nothing was written",
        "wait for it to finish (ps -ef | grep ejup), then run this again");
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing releases the lock anyway
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel below releases it too
    }
    close(channel);
    local.unlock();
  }
}
