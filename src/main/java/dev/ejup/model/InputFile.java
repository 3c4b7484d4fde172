package dev.ejup.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A file the user names as input (a playbook, an inventory, an ejabberd.yml), read whole: a
 * regular file at once, a pipe or FIFO ({@code -i <(make-inventory)}) within a time bound, and
 * never more than a cap. Opening a FIFO that nothing writes to blocks in open(2), which nothing
 * interrupts, and /dev/zero or a runaway generator never ends: either held a cron job for ever, or
 * filled its memory, where the run must end UNKNOWN in one line.
 */
public final class InputFile {
  /** How long a pipe or FIFO may take to give all of its bytes. */
  public static final Duration PIPE_WAIT = Duration.ofSeconds(10);

  private InputFile() {}

  /**
   * Reads all of a file, a pipe or a FIFO.
   *
   * @param file the path as the user gave it (messages name it so)
   * @param what what the file is, for messages ("playbook", "inventory")
   * @param maxBytes the most it may hold
   * @return its bytes
   * @throws IOException as reading a regular file throws it (missing, permission denied, a directory): the caller words it
   * @throws UserError (UNKNOWN) when it holds more than maxBytes, or a pipe or FIFO gave no end within {@link #PIPE_WAIT}
   */
  public static byte[] read(Path file, String what, long maxBytes) throws IOException {
    return read(file, what, maxBytes, PIPE_WAIT);
  }

  /** As {@link #read(Path, String, long)}, waiting at most wait for a pipe or FIFO. */
  public static byte[] read(Path file, String what, long maxBytes, Duration wait) throws IOException {
    if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
      try {
        return waited(file, wait, () -> capped(file, what, maxBytes), "ejup-read-" + what.replace(' ', '-'));
      } catch (TimeoutException e) {
        throw UserError.unusable(what + " " + file + " gave no end within " + wait.toMillis() / 1000.0 + " s: it is a pipe or FIFO that nothing writes to, "
            + "that is never closed, or whose writer is slower than that", "give a regular file, or start what writes the pipe");
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    try {
      return capped(file, what, maxBytes);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * As {@link #read}, as UTF-8 text.
   *
   * @throws java.nio.charset.CharacterCodingException (an IOException, as Files.readString throws) when it is not UTF-8
   */
  public static String readText(Path file, String what, long maxBytes) throws IOException {
    return java.nio.charset.StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(read(file, what, maxBytes))).toString();
  }

  private static byte[] capped(Path file, String what, long maxBytes) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw UserError.unusable(what + " " + file + " holds more than " + maxBytes / (1024 * 1024) + " MB, more than ejup reads of one",
            "check that this is the right file (not a device such as /dev/zero)");
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Something that reads a file, run on a thread of its own by {@link #waited}. */
  public interface Reading<T> {
    T read();
  }

  /**
   * Runs reading on a daemon thread of its own and waits at most wait for it: a FIFO nobody opens
   * holds the thread in open(2), which nothing interrupts, so it is left behind, not joined.
   *
   * @throws TimeoutException when reading took longer than wait
   * @throws UserError (UNKNOWN) when interrupted while waiting; what reading throws is rethrown as it is
   */
  public static <T> T waited(Path file, Duration wait, Reading<T> reading, String threadName) throws TimeoutException {
    CompletableFuture<T> done = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        done.complete(reading.read());
      } catch (RuntimeException | Error e) {
        done.completeExceptionally(e);
      }
    }, threadName);
    reader.setDaemon(true);
    reader.start();
    try {
      return done.get(Math.max(1, wait.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      reader.interrupt();
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reader.interrupt();
      throw UserError.unusable(file + ": interrupted while waiting for it to be read", "run again");
    }
  }
}
