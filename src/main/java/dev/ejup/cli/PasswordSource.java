package dev.ejup.cli;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Passwords come from a file or the environment, never from an argument `ps` would show. */
final class PasswordSource {
  private PasswordSource() {}

  static String read(Io io, String file, String envName) {
    if (file != null) {
      try {
        String text = Files.readString(Path.of(file)).strip();
        if (text.isEmpty()) {
          throw UserError.unusable("password file " + file + " is empty", "write the password on its first line");
        }
        return text.lines().findFirst().orElse("");
      } catch (IOException e) {
        throw UserError.unusable("cannot read password file " + file + ": " + dev.ejup.model.Cause.words(e, file), "check the path and its permissions");
      }
    }
    String fromEnv = io.env(envName);
    if (fromEnv == null || fromEnv.isEmpty()) {
      throw UserError.unusable("no password given", "use --password-file FILE or set " + envName);
    }
    return fromEnv;
  }
}
