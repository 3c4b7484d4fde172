package dev.ejup.cli;

import dev.ejup.model.PasswordFile;
import dev.ejup.model.UserError;
import java.nio.file.Path;

/** Passwords come from a file or the environment, never from an argument `ps` would show. */
final class PasswordSource {
  private PasswordSource() {}

  /** @param wait how long a pipe or FIFO given as the file may take to give the password */
  static String read(Io io, String file, String envName, java.time.Duration wait) {
    if (file != null) {
      return PasswordFile.read(Path.of(file), wait);
    }
    String fromEnv = io.env(envName);
    if (fromEnv == null || fromEnv.isEmpty()) {
      throw UserError.unusable("no password given", "use --password-file FILE or set " + envName);
    }
    return fromEnv;
  }
}
