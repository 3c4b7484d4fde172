package dev.ejup.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one reader of password files, for {@code --password-file}, {@code --ssh-password-file} and a
 * playbook's {@code password_file}: the same file must give the same password everywhere.
 */
public final class PasswordFile {
  private PasswordFile() {}

  /**
   * @param file the file given by the user (printed in messages as given)
   * @return its first line exactly as written: spaces are part of a password, only the line ending
   *     ({@code \n} or {@code \r\n}) and a leading UTF-8 byte order mark are removed
   * @throws UserError (UNKNOWN) when the file is missing, unreadable, a directory, not UTF-8, or
   *     its first line is empty; the message names the path
   */
  public static String read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw UserError.unusable("password file " + file + " does not exist", "check the path, or write the password on the first line of a new file");
    } catch (AccessDeniedException e) {
      throw UserError.unusable("password file " + file + ": permission denied", "run as a user who may read it, or chmod/chown it for this user");
    } catch (IOException e) {
      String why = Files.isDirectory(file) ? "is a directory, not a file" : "cannot be read";
      throw UserError.unusable("password file " + file + " " + why, "give a file with the password on its first line");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw UserError.unusable("password file " + file + " is not UTF-8 text", "save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    int end = text.indexOf('\n');
    String line = end < 0 ? text : text.substring(0, end);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isEmpty()) {
      throw UserError.unusable("password file " + file + " has no password on its first line", "write the password on its first line");
    }
    return line;
  }
}
