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

  /**
   * The bytes of a file as read for an edit: its text as {@link #read} gives it (no BOM), whether
   * it began with a UTF-8 BOM (written back the same way), and a SHA-256 of the bytes, so a writer
   * can tell whether the file changed since.
   */
  public record Contents(String text, boolean bom, String digest) {
    /** What writing text (with the BOM when bom) leaves in the file. */
    public static Contents of(String text, boolean bom) {
      return new Contents(text, bom, sha256(encode(text, bom)));
    }

    public byte[] bytes() {
      return encode(text, bom);
    }

    /** Whether these bytes are the ones this was read from. */
    public boolean sameAs(byte[] bytes) {
      return digest.equals(sha256(bytes));
    }
  }

  public static String read(Path path) {
    return readForEdit(path).text();
  }

  /** Reads a local file; a user error in one line for a file that is missing, unreadable or not YAML text. */
  public static Contents readForEdit(Path path) {
    return contents(path.toString(), readBytes(path));
  }

  static byte[] readBytes(Path path) {
    try {
      // readAttributes tells a missing file from one behind a folder we may not enter (Debian's
      // /etc/ejabberd is 0750 root:ejabberd); Files.exists says "no" to both.
      if (Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).isDirectory()) {
        throw directory(path);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw UserError.unusable(path + ": no such file",
          "give the path of ejabberd.yml (Debian: /etc/ejabberd/ejabberd.yml)");
    } catch (AccessDeniedException e) {
      throw denied(path);
    } catch (IOException e) {
      throw UserError.unusable(path + ": cannot read: " + e.getMessage(), "check the file and its permissions");
    }
    byte[] bytes;
    try {
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        throw UserError.unusable(path + ": is " + (size / (1024 * 1024)) + " MB, too large for an ejabberd.yml (limit "
            + MAX_BYTES / (1024 * 1024) + " MB)", "check that this is the right file");
      }
      bytes = dev.ejup.model.InputFile.read(path, "config file", MAX_BYTES);
    } catch (AccessDeniedException e) {
      throw denied(path);
    } catch (IOException e) {
      throw UserError.unusable(path + ": cannot read: " + dev.ejup.model.Cause.words(e, path), "check the file and its permissions");
    }
    return bytes;
  }

  static UserError directory(Path path) {
    return UserError.unusable(path + ": is a directory, not a file", "give the file itself, e.g. " + path.resolve("ejabberd.yml"));
  }

  /** The one line for a file this user may not read: what, and the two usual ways in. */
  static UserError denied(Object where) {
    String user = System.getProperty("user.name");
    return UserError.unusable(where + ": permission denied (ejup runs as " + user + ")",
        "run it as root (sudo ejup ...), or add " + user + " to the group that may read it: adduser " + user
            + " ejabberd, then log in again");
  }

  static Contents contents(String name, byte[] bytes) {
    String text = decode(name, bytes);
    boolean bom = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf;
    return new Contents(text, bom, sha256(bytes));
  }

  static byte[] encode(String text, boolean bom) {
    return ((bom ? "\uFEFF" : "") + text).getBytes(StandardCharsets.UTF_8);
  }

  static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
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
