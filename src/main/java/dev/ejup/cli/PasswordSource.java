package dev.ejup.cli;

import dev.ejup.model.PasswordFile;
import dev.ejup.model.UserError;
import java.nio.file.Path;

/** Passwords come from a file or the environment, never from an argument `ps` would show. */
final class PasswordSource {
  private PasswordSource() {}

  static String read(Io io, String file, String envName) {
    if (file != null) {
      return PasswordFile.read(Path.of(file));
    }
    String fromEnv = io.env(envName);
    if (fromEnv == null || fromEnv.isEmpty()) {
      throw UserError.unusable("no password given", "use --password-file FILE or set " + envName);
    }
    return fromEnv;
  }
}
