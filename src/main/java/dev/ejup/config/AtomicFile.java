package dev.ejup.config;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that no reader ever sees half of it and no other writer's change is lost:
 * a temporary file beside the real file (after every symlink, so a link from etckeeper, stow or a
 * Kubernetes ConfigMap stays a link and its target gets the change), fsync, the target's owner,
 * group and mode, a check that the file is still what was read, then one rename. A timestamped
 * copy of what was read stays beside the path given.
 */
public final class AtomicFile {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private AtomicFile() {}

  /**
   * What a replace left.
   *
   * @param backup the copy of what was there, or null
   * @param now what the file holds after the write (what a later restore must find to go ahead)
   * @param links how many hard links the file had before the rename (1 when unknown): the others
   *     keep the old text, since a rename makes a new file
   */
  public record Written(Path backup, ConfigFile.Contents now, int links) {
    public Written(Path backup, ConfigFile.Contents now) {
      this(backup, now, 1);
    }
  }

  /** The file a path ends at after every symlink, as a user error when it cannot be reached. */
  static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (NoSuchFileException e) {
      throw UserError.unusable(path + ": no such file" + (Files.isSymbolicLink(path) ? " (it is a symlink to a missing file)" : ""),
          "give the path of ejabberd.yml (Debian: /etc/ejabberd/ejabberd.yml)");
    } catch (AccessDeniedException e) {
      throw ConfigFile.denied(path);
    } catch (IOException e) {
      throw UserError.unusable(path + ": cannot read: " + dev.ejup.model.Cause.words(e), "check the file and its permissions");
    }
  }

  /**
   * Writes text (with the BOM when expected had one) over path, if path still holds exactly the
   * bytes expected was read from; else writes nothing.
   *
   * @throws UserError CRITICAL when the file changed since it was read, or cannot be written; in
   *     both cases the file is as it was, and no temporary file is left
   */
  public static Written replace(Path path, ConfigFile.Contents expected, String text, boolean backup) {
    Path real = realPath(path);
    Path dir = real.getParent();
    ConfigFile.Contents now = ConfigFile.Contents.of(text, expected.bom());
    Path temp = null;
    Path backupPath = null;
    boolean done = false;
    try {
      PosixFileAttributes attrs = Files.readAttributes(real, PosixFileAttributes.class);
      if (backup) {
        backupPath = writeNew(backupName(path), expected.bytes(), attrs);
      }
      temp = writeNew(dir.resolve("." + real.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
          + ".ejup-tmp"), now.bytes(), attrs);
      // last moment before the rename: another writer (an editor, Puppet, an ejup on another
      // machine) may have changed it since it was read; its lines must not be lost
      if (!expected.sameAs(Files.readAllBytes(real))) {
        throw changed(path);
      }
      int links = linkCount(real);
      Files.move(temp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      StrayFiles.keep(temp);
      temp = null;
      syncDirectory(dir);
      done = true;
      return new Written(backupPath, now, links);
    } catch (IOException e) {
      throw UserError.critical("cannot write " + path + ": " + dev.ejup.model.Cause.words(e, path) + "; the original is unchanged",
          "check free space and that you may write to " + dir);
    } finally {
      if (temp != null) {
        StrayFiles.remove(temp);
      }
      if (backupPath != null) {
        if (done) {
          StrayFiles.keep(backupPath);
        } else {
          StrayFiles.remove(backupPath);
        }
      }
    }
  }

  /** The file's hard link count (st_nlink), 1 where the file system does not say. */
  private static int linkCount(Path real) {
    try {
      return ((Number) Files.getAttribute(real, "unix:nlink")).intValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return 1;
    }
  }

  static UserError changed(Object where) {
    return UserError.critical(where + " changed since ejup read it (another editor or tool wrote it meanwhile); nothing was written",
        "look at the file, then run ejup again: it starts from the file as it is then");
  }

  /**
   * A new file with these bytes, fsynced, with attrs' owner, group and mode; removed again (and
   * on a signal) until the caller keeps it.
   */
  private static Path writeNew(Path path, byte[] bytes, PosixFileAttributes attrs) throws IOException {
    FileChannel channel = StrayFiles.create(path);
    try (channel) {
      Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
      chown(path, attrs);
      Files.setPosixFilePermissions(path, attrs.permissions());
      return path;
    } catch (IOException | RuntimeException e) {
      StrayFiles.remove(path);
      throw e;
    }
  }

  static Path backupName(Path target) {
    return backupName(target, candidate -> Files.exists(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  /** The one backup naming, local or remote: {@code NAME.ejup-STAMP[-N].bak}, the first one not taken. */
  static Path backupName(Path target, java.util.function.Predicate<Path> taken) {
    String base = target.getFileName() + ".ejup-" + LocalDateTime.now().format(STAMP);
    Path candidate = target.resolveSibling(base + ".bak");
    for (int i = 1; taken.test(candidate); i++) {
      candidate = target.resolveSibling(base + "-" + i + ".bak");
    }
    return candidate;
  }

  private static void chown(Path path, PosixFileAttributes attrs) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    try {
      view.setOwner(attrs.owner());
      view.setGroup(attrs.group());
    } catch (IOException e) {
      // not root: the file keeps our own user, which is what writing it by hand would give too
      if (!attrs.owner().equals(Files.getOwner(path))) {
        throw new IOException("cannot give " + path + " its original owner " + attrs.owner().getName() + " (run as root)", e);
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException ignored) {
      // some filesystems cannot fsync a directory; the rename itself is still atomic
    }
  }
}
