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
    return PasswordFile.read(file, java.time.Duration.ofSeconds(1));
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
    UserError notUtf8 = assertThrows(UserError.class, () -> PasswordFile.read(latin1, java.time.Duration.ofSeconds(1)));
    assertEquals("password file " + latin1 + " is not UTF-8 text", notUtf8.getMessage());
    Path missing = dir.resolve("missing.pw");
    UserError gone = assertThrows(UserError.class, () -> PasswordFile.read(missing, java.time.Duration.ofSeconds(1)));
    assertEquals("password file " + missing + " does not exist", gone.getMessage());
    UserError folder = assertThrows(UserError.class, () -> PasswordFile.read(dir, java.time.Duration.ofSeconds(1)));
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

  private static Path fifo(Path dir) throws Exception {
    Path fifo = dir.resolve("fifo.pw");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    return fifo;
  }

  /** A FIFO nobody writes to blocks open(2) for ever: the read gives up at its bound, naming the file and the fix. */
  @Test
  void aFifoNobodyWritesToIsRefusedAtTheBound(@TempDir Path dir) throws Exception {
    Path fifo = fifo(dir);
    long start = System.nanoTime();
    UserError e = assertThrows(UserError.class, () -> PasswordFile.read(fifo, java.time.Duration.ofMillis(300)));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds >= 0.3 && seconds < 3, "gave up at the bound: " + seconds);
    assertEquals("password file " + fifo + " gave no line within 0.3 s: it is a pipe or FIFO that nothing writes to", e.getMessage());
    assertTrue(e.hint().contains("regular file"), e.hint());
  }

  /** A pipe is legitimate (--password-file <(pass show monitor)): its first line is the password, the rest is not waited for. */
  @Test
  void aFifoThatIsWrittenGivesItsFirstLine(@TempDir Path dir) throws Exception {
    Path fifo = fifo(dir);
    Thread writer = new Thread(() -> {
      try (java.io.OutputStream out = Files.newOutputStream(fifo)) {
        out.write("from a pipe\nsecond line\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(5000); // holds the pipe open: the first line must be enough
      } catch (Exception ignored) {
        // the reader closed its end
      }
    });
    writer.setDaemon(true);
    writer.start();
    long start = System.nanoTime();
    assertEquals("from a pipe", PasswordFile.read(fifo, java.time.Duration.ofSeconds(10)));
    assertTrue(System.nanoTime() - start < 3_000_000_000L, "did not wait for the writer to close");
  }

  /** /dev/zero, /dev/urandom or a huge file: at most the first 4 KiB is read, then refused in one line. */
  @Test
  void aFirstLineWithoutEndInItsFirst4KiBIsRefusedAtOnce(@TempDir Path dir) throws Exception {
    long start = System.nanoTime();
    UserError zero = assertThrows(UserError.class, () -> PasswordFile.read(Path.of("/dev/zero"), java.time.Duration.ofSeconds(5)));
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "at once");
    assertEquals("password file /dev/zero has no line end in the first 4096 bytes", zero.getMessage());
    // random bytes have a line end soon, before which they are not UTF-8 (a refusal too, at once)
    for (int i = 0; i < 20; i++) {
      try {
        PasswordFile.read(Path.of("/dev/urandom"), java.time.Duration.ofSeconds(5));
      } catch (UserError e) {
        assertTrue(e.getMessage().startsWith("password file /dev/urandom "), e.getMessage());
      }
    }
    assertTrue(System.nanoTime() - start < 4_000_000_000L, "at once");
    Path big = dir.resolve("big.pw");
    Files.write(big, new byte[64 * 1024 * 1024]);
    UserError e = assertThrows(UserError.class, () -> PasswordFile.read(big, java.time.Duration.ofSeconds(5)));
    assertEquals("password file " + big + " has no line end in the first 4096 bytes", e.getMessage());
    // a long first line that ends in time is a password; what follows it is not read
    String long4k = "p".repeat(4095);
    assertEquals(long4k, read(dir, (long4k + "\n" + "x".repeat(100_000)).getBytes(StandardCharsets.UTF_8)));
  }

  /** The check with a FIFO: UNKNOWN within --deadline, in the requested format, naming the file. */
  @Test
  void checkGivesUpOnAFifoWithinItsDeadline(@TempDir Path dir) throws Exception {
    Path fifo = fifo(dir);
    long start = System.nanoTime();
    Ejup.Result check = Ejup.runCaptured(Map.of(), "check", "--jid", "hc@localhost", "--server", "127.0.0.1:1",
        "--password-file", fifo.toString(), "--deadline", "1", "--format", "nagios");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(3, check.exitCode(), check.err());
    assertTrue(seconds < 5, "within the deadline: " + seconds);
    assertEquals("EJUP UNKNOWN - password file " + fifo + " gave no line within 1 s: it is a pipe or FIFO that nothing writes to"
        + " (hint: give a regular file with the password on its first line, or start what writes the pipe (e.g. <(pass show monitor)))\n",
        check.out());
  }
}
