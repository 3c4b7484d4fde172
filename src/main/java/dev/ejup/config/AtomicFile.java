package dev.ejup.config;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Replaces a file so that no reader ever sees half of it: a temporary file in the same folder,
 * fsync, the original's owner, group and mode, then one rename. A timestamped copy of the
 * original stays beside it.
 */
public final class AtomicFile {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private AtomicFile() {}

  /** Writes text over target; returns the backup's path, or null when no backup was asked for. */
  public static Path replace(Path target, String text, boolean backup) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      PosixFileAttributes attrs = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Path backupPath = null;
      if (backup) {
        backupPath = backupName(target);
        Files.copy(target, backupPath, StandardCopyOption.COPY_ATTRIBUTES);
        chown(backupPath, attrs);
      }
      temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".ejup-tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.setPosixFilePermissions(temp, attrs.permissions());
      chown(temp, attrs);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
      syncDirectory(dir);
      return backupPath;
    } catch (IOException e) {
      throw UserError.critical("cannot write " + target + ": " + dev.ejup.model.Cause.words(e, target) + "; the original is unchanged",
          "check free space and that you may write to " + dir);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: a stray temp file is harmless, the original is intact
        }
      }
    }
  }

  static Path backupName(Path target) {
    String base = target.getFileName() + ".ejup-" + LocalDateTime.now().format(STAMP);
    Path candidate = target.resolveSibling(base + ".bak");
    for (int i = 1; Files.exists(candidate); i++) {
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
