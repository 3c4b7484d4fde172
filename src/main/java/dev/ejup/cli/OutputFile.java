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

  static void write(Path target, String text) {
    if (Files.isDirectory(target)) {
      // the rename would fail with the JDK's words, and the hint would blame the folder above it
      throw UserError.unusable("cannot write " + target + ": it is a directory", "give a file name, e.g. " + target.resolve("ejup.prom"));
    }
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
