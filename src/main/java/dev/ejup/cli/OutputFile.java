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
   * The file --output names. Refuses an empty name, and one ending in '/' (a directory's), which a
   * Path would silently drop.
   *
   * @throws UserError (exit 3)
   */
  static Path path(String given) {
    if (given.isEmpty()) {
      throw UserError.unusable("--output is empty", "give a file name, e.g. --output ejup.prom (or - for standard output)");
    }
    if (given.endsWith("/")) {
      throw UserError.unusable("cannot write " + given + ": it is a directory", "give a file name, e.g. " + given + "ejup.prom");
    }
    return Path.of(given);
  }

  /**
   * Refuses, before anything runs, a target no report can be written to: a directory, or one in a
   * folder that is missing or not writable. A check of many seconds must not end in that.
   *
   * @throws UserError (exit 3)
   */
  static void requireWritable(Path target) {
    refuseDirectory(target);
    Path file = resolved(target); // refuses a loop of links
    if (stream(target)) {
      return;
    }
    Path dir = file.getParent();
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

  /**
   * Something that exists and is no regular file, /dev/stdout, a pipe, /dev/null: written to as it
   * is. A rename over it would put a regular file in its place (as root, /dev/stdout itself).
   */
  private static boolean stream(Path target) {
    return Files.exists(target) && !Files.isRegularFile(target);
  }

  /**
   * The file a symbolic link leads to (followed to the end, even when the last one dangles), so that
   * the rename replaces that file and the link stays, as config apply writes through links.
   */
  private static Path resolved(Path target) {
    Path at = target.toAbsolutePath();
    for (int hops = 0; hops < 40 && Files.isSymbolicLink(at); hops++) {
      try {
        at = at.resolveSibling(Files.readSymbolicLink(at)).normalize();
      } catch (IOException e) {
        return at;
      }
    }
    if (Files.isSymbolicLink(at)) {
      // the rename would replace the last link of the loop with a regular file
      throw UserError.unusable("cannot write " + target + ": its symbolic links lead to each other (a loop)", "point the link at a file");
    }
    return at;
  }

  /** How long a pipe may keep the report waiting for its reader: opening a FIFO nobody reads blocks. */
  static final java.time.Duration STREAM_WAIT = java.time.Duration.ofSeconds(10);

  /**
   * Writes a stream as it is, on a thread of its own: a FIFO nothing reads holds open(2) for ever,
   * and a check must end. What is not written within wait ({@link #STREAM_WAIT}) is a user error.
   */
  private static void written(Path target, String text, java.time.Duration wait) {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    Thread writer = new Thread(() -> {
      try {
        Files.writeString(target, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.WRITE);
        done.complete(null);
      } catch (IOException | RuntimeException e) {
        done.completeExceptionally(e);
      }
    }, "ejup-output");
    writer.setDaemon(true); // held in open(2) by a FIFO nobody reads, which nothing interrupts
    writer.start();
    try {
      done.get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw UserError.unusable("cannot write " + target + ": nothing read it within " + wait.toSeconds() + " s (a pipe no one reads)",
          "start what reads it first, or give a regular file");
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw UserError.unusable("cannot write " + target + ": " + dev.ejup.model.Cause.words(cause, target), "give a file, or a stream this user can write");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw UserError.unusable("cannot write " + target + ": interrupted", "run again");
    }
  }

  static void write(Path target, String text) {
    write(target, text, STREAM_WAIT);
  }

  static void write(Path target, String text, java.time.Duration wait) {
    refuseDirectory(target);
    if (stream(target)) {
      written(target, text, wait);
      return;
    }
    Path file = resolved(target);
    Path dir = file.getParent();
    Path temp = null;
    try {
      temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
