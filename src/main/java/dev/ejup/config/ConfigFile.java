package dev.ejup.config;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a config file as text, refusing what cannot be an ejabberd.yml before YAML sees it:
 * a missing file, a directory, a huge or binary file, bytes that are not UTF-8.
 */
public final class ConfigFile {
  /** Real ejabberd.yml files are a few hundred KB at most; this bounds memory and time. */
  static final long MAX_BYTES = 8L * 1024 * 1024;

  private ConfigFile() {}

  public static String read(Path path) {
    if (Files.isDirectory(path)) {
      throw UserError.unusable(path + ": is a directory, not a file",
          "give the file itself, e.g. " + path.resolve("ejabberd.yml"));
    }
    if (!Files.exists(path)) {
      throw UserError.unusable(path + ": no such file",
          "give the path of ejabberd.yml (Debian: /etc/ejabberd/ejabberd.yml)");
    }
    byte[] bytes;
    try {
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        throw UserError.unusable(path + ": is " + (size / (1024 * 1024)) + " MB, too large for an ejabberd.yml (limit "
            + MAX_BYTES / (1024 * 1024) + " MB)", "check that this is the right file");
      }
      bytes = Files.readAllBytes(path);
    } catch (AccessDeniedException e) {
      throw UserError.unusable(path + ": permission denied", "run as root or as a member of the ejabberd group");
    } catch (IOException e) {
      throw UserError.unusable(path + ": cannot read: " + dev.ejup.model.Cause.words(e, path), "check the file and its permissions");
    }
    return decode(path.toString(), bytes);
  }

  static String decode(String name, byte[] bytes) {
    if (bytes.length == 0 || new String(bytes, StandardCharsets.ISO_8859_1).isBlank()) {
      throw UserError.unusable(name + ": is empty", "an ejabberd.yml needs at least hosts, listen and modules");
    }
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw UserError.unusable(name + ": is a binary file (NUL byte at offset " + i + "), not YAML",
            "check that this is the right file");
      }
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      String text = decoder.decode(ByteBuffer.wrap(bytes)).toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      int offset = firstInvalidUtf8(bytes);
      throw UserError.unusable(name + ": is not UTF-8 (invalid byte 0x"
          + String.format("%02x", bytes[offset] & 0xff) + " on line " + lineAt(bytes, offset) + ")",
          "ejabberd reads UTF-8 only: convert it, e.g. iconv -f LATIN1 -t UTF-8");
    }
  }

  private static int firstInvalidUtf8(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    decoder.decode(in, out, true);
    return Math.min(in.position(), bytes.length - 1);
  }

  private static int lineAt(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}
