package dev.ejup.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The one reader of password files, for {@code --password-file}, {@code --ssh-password-file}, a
 * playbook's {@code password_file} and ejup serve's: the same file must give the same password
 * everywhere. Only the first line is read, and at most {@link #MAX_LINE} bytes of it, so
 * /dev/zero or a huge file is refused at once instead of filling the memory. A pipe or FIFO
 * ({@code --password-file <(pass show monitor)}) is read too, but within a time bound: one that
 * nobody writes to would otherwise block the run for ever, past its --deadline.
 */
public final class PasswordFile {
  /** Bytes the first line may take, its line end included. */
  public static final int MAX_LINE = 4096;

  private PasswordFile() {}

  /**
   * Reads a regular file, a pipe or a FIFO, waiting at most {@code wait} for its first line.
   *
   * @param file the file given by the user (printed in messages as given)
   * @param wait how long a pipe or FIFO may take to give its first line (a regular file is read at once)
   * @return its first line exactly as written: spaces are part of a password, only the line ending
   *     ({@code \n} or {@code \r\n}) and a leading UTF-8 byte order mark are removed
   * @throws UserError (UNKNOWN) when the file is missing, unreadable, a directory, not UTF-8, its
   *     first line is empty or has no line end in its first {@link #MAX_LINE} bytes, or nothing
   *     came within {@code wait}; the message names the path
   */
  public static String read(Path file, Duration wait) {
    byte[] line;
    if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
      line = waited(file, wait);
    } else {
      line = firstLine(file);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line)).toString();
    } catch (CharacterCodingException e) {
      throw UserError.unusable("password file " + file + " is not UTF-8 text", "save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.isEmpty()) {
      throw UserError.unusable("password file " + file + " has no password on its first line", "write the password on its first line");
    }
    return text;
  }

  /**
   * A regular file only, read at once: for a reader that reads the file again and again (ejup
   * serve, at every probe), where a pipe would give the password once and then nothing.
   *
   * @throws UserError (UNKNOWN) as {@link #read(Path, Duration)}, and when the file is not a regular file
   */
  public static String readRegular(Path file) {
    if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
      throw UserError.unusable("password file " + file + " is not a regular file (a pipe or device?)",
          "give a file with the password on its first line: it is read again at every use");
    }
    return read(file, Duration.ZERO);
  }

  /** The first line of a pipe or FIFO, read on a thread of its own: opening a FIFO blocks until a writer comes. */
  private static byte[] waited(Path file, Duration wait) {
    try {
      return InputFile.waited(file, wait, () -> firstLine(file), "ejup-password-file");
    } catch (java.util.concurrent.TimeoutException e) {
      throw UserError.unusable("password file " + file + " gave no line within " + seconds(wait) + " s: it is a pipe or FIFO that nothing writes to",
          "give a regular file with the password on its first line, or start what writes the pipe (e.g. <(pass show monitor))");
    }
  }

  private static String seconds(Duration wait) {
    long millis = wait.toMillis();
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
  }

  /** The bytes up to the first line end (or the end of the file), at most {@link #MAX_LINE} read. */
  private static byte[] firstLine(Path file) {
    byte[] buf = new byte[MAX_LINE];
    int n = 0;
    try (InputStream in = Files.newInputStream(file)) {
      while (n < buf.length) {
        int got = in.read(buf, n, buf.length - n);
        if (got < 0) {
          return java.util.Arrays.copyOf(buf, n);
        }
        for (int i = n; i < n + got; i++) {
          if (buf[i] == '\n') {
            return java.util.Arrays.copyOf(buf, i);
          }
        }
        n += got;
      }
    } catch (NoSuchFileException e) {
      throw UserError.unusable("password file " + file + " does not exist", "check the path, or write the password on the first line of a new file");
    } catch (AccessDeniedException e) {
      throw UserError.unusable("password file " + file + ": permission denied", "run as a user who may read it, or chmod/chown it for this user");
    } catch (IOException e) {
      String why = Files.isDirectory(file) ? "is a directory, not a file" : "cannot be read: " + Cause.words(e, file);
      throw UserError.unusable("password file " + file + " " + why, "give a file with the password on its first line");
    }
    throw UserError.unusable("password file " + file + " has no line end in the first " + MAX_LINE + " bytes",
        "give a file with the password on its first line (not a device such as /dev/zero)");
  }
}
