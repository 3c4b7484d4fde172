package dev.ejup.cli;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a report file so a reader (node_exporter's textfile collector) never sees half of it:
 * temp file in the same folder, then rename.
 */
final class OutputFile {
  private OutputFile() {}

  /**
   * Refuses, before anything runs, a target no report can be written to: a directory, or one in a
   * folder that is missing or not writable. A check of many seconds must not end in that.
   *
   * @throws UserError (exit 3)
   */
  static void requireWritable(Path target) {
    refuseDirectory(target);
    Path dir = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw UserError.unusable("cannot write " + target + ": " + dir + " is not a directory", "create it, or give a file in a folder that exists");
    }
    if (!Files.isWritable(dir)) {
      throw UserError.unusable("cannot write " + target + ": " + dir + " is not writable by this user",
          "give a file in a folder this user can write (the report is written beside it, then renamed)");
    }
  }

  private static void refuseDirectory(Path target) {
    if (Files.isDirectory(target)) {
      // the rename would fail with the JDK's words, and the hint would blame the folder above it
      throw UserError.unusable("cannot write " + target + ": it is a directory", "give a file name, e.g. " + target.resolve("ejup.prom"));
    }
  }

  static void write(Path target, String text) {
    refuseDirectory(target);
    Path dir = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
    } catch (IOException e) {
      throw UserError.unusable("cannot write " + target + ": " + dev.ejup.model.Cause.words(e, target), "check that " + dir + " exists and is writable");
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // nothing more to do: the target is untouched
        }
      }
    }
  }
}
