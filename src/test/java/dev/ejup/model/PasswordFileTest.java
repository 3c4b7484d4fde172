package dev.ejup.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The password is the first line exactly, for the CLI and playbooks alike. */
class PasswordFileTest {
  private static String read(Path dir, byte[] bytes) throws Exception {
    Path file = dir.resolve("pw");
    Files.write(file, bytes);
    return PasswordFile.read(file);
  }

  @Test
  void theFirstLineExactlySpacesIncluded(@TempDir Path dir) throws Exception {
    assertEquals("  se cret ", read(dir, "  se cret \n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("secret\t", read(dir, "secret\t\r\nsecond line\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("no newline", read(dir, "no newline".getBytes(StandardCharsets.UTF_8)));
    assertEquals("pässwörd", read(dir, "pässwörd\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aByteOrderMarkIsNotPartOfThePassword(@TempDir Path dir) throws Exception {
    assertEquals("secret", read(dir, "\uFEFFsecret\r\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void problemsSaySoInWordsWithThePath(@TempDir Path dir) throws Exception {
    Path latin1 = dir.resolve("latin1.pw");
    Files.write(latin1, "p\u00e4sswort\n".getBytes(StandardCharsets.ISO_8859_1));
    UserError notUtf8 = assertThrows(UserError.class, () -> PasswordFile.read(latin1));
    assertEquals("password file " + latin1 + " is not UTF-8 text", notUtf8.getMessage());
    Path missing = dir.resolve("missing.pw");
    UserError gone = assertThrows(UserError.class, () -> PasswordFile.read(missing));
    assertEquals("password file " + missing + " does not exist", gone.getMessage());
    UserError folder = assertThrows(UserError.class, () -> PasswordFile.read(dir));
    assertEquals("password file " + dir + " is a directory, not a file", folder.getMessage());
    UserError empty = assertThrows(UserError.class, () -> read(dir, "\nsecond\n".getBytes(StandardCharsets.UTF_8)));
    assertTrue(empty.getMessage().contains("no password on its first line"), empty.getMessage());
  }

  /** One reader: the command line says the same as the reader, before anything connects. */
  @Test
  void checkAndPlayReadTheSameWay(@TempDir Path dir) throws Exception {
    Path latin1 = dir.resolve("latin1.pw");
    Files.write(latin1, "p\u00e4sswort\n".getBytes(StandardCharsets.ISO_8859_1));
    Ejup.Result check = Ejup.runCaptured(Map.of(), "check", "--jid", "hc@localhost", "--server", "127.0.0.1:1",
        "--password-file", latin1.toString());
    assertEquals(3, check.exitCode(), check.err());
    assertTrue(check.err().contains("password file " + latin1 + " is not UTF-8 text"), check.err());
    Path book = dir.resolve("c.yml");
    Files.writeString(book, "name: c\nvars: {pw: ~}\nsteps:\n  - check: {domain: localhost, jid: hc@localhost, password_file: \"${pw}\", server: '127.0.0.1:1'}\n");
    Ejup.Result play = Ejup.runCaptured(Map.of(), "play", book.toString(), "-e", "pw=" + latin1);
    assertEquals(3, play.exitCode(), play.out() + play.err());
    assertTrue(play.out().contains("password file " + latin1 + " is not UTF-8 text"), play.out());
  }
}
