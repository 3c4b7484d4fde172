package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that is not an ejabberd.yml: one clear line, non-zero exit, no stack trace, no hang,
 * and (for apply) the file untouched.
 */
class BadInputTest {
  @TempDir
  Path dir;

  private Ejup.Result validate(Path file) {
    return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Ejup.runCaptured(Map.of(), "config", "validate", file.toString()));
  }

  private static void assertOneCleanLine(Ejup.Result r, String expected) {
    String all = r.out() + r.err();
    assertTrue(all.contains(expected), all);
    assertFalse(all.contains("\tat "), "no stack trace: " + all);
    assertFalse(all.contains("internal error"), all);
  }

  @Test
  void missingFile() {
    Ejup.Result r = validate(dir.resolve("nope.yml"));
    assertEquals(3, r.exitCode());
    assertEquals(1, r.err().lines().count());
    assertOneCleanLine(r, "nope.yml: no such file");
  }

  @Test
  void directory() {
    Ejup.Result r = validate(dir);
    assertEquals(3, r.exitCode());
    assertOneCleanLine(r, "is a directory, not a file");
  }

  @Test
  void emptyFile() throws IOException {
    Ejup.Result r = validate(Files.writeString(dir.resolve("empty.yml"), "\n  \n"));
    assertEquals(3, r.exitCode());
    assertOneCleanLine(r, "empty.yml: is empty");
  }

  @Test
  void binaryFile() throws IOException {
    Ejup.Result r = validate(Files.write(dir.resolve("bin.yml"), new byte[] {0x7f, 'E', 'L', 'F', 0, 1, 2}));
    assertEquals(3, r.exitCode());
    assertOneCleanLine(r, "is a binary file (NUL byte at offset 4), not YAML");
  }

  @Test
  void fiftyMegabytes() throws IOException {
    Path big = dir.resolve("big.yml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(50L * 1024 * 1024);
    }
    Ejup.Result r = validate(big);
    assertEquals(3, r.exitCode());
    assertOneCleanLine(r, "big.yml: is 50 MB, too large for an ejabberd.yml");
  }

  @Test
  void malformedYaml() throws IOException {
    Ejup.Result r = validate(Files.writeString(dir.resolve("bad.yml"), "hosts:\n  - localhost\nlisten: [\n  {port: 5222\n"));
    assertEquals(2, r.exitCode());
    assertOneCleanLine(r, "[yaml.syntax]");
    assertTrue(r.out().startsWith(dir.resolve("bad.yml") + ":5:1: error:"), r.out());
  }

  @Test
  void billionLaughs() throws IOException {
    StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'j'; c++) {
      yaml.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        yaml.append(i == 0 ? "" : ",").append('*').append(prev);
      }
      yaml.append("]\n");
      prev = c;
    }
    Ejup.Result r = validate(Files.writeString(dir.resolve("lol.yml"), yaml));
    assertEquals(2, r.exitCode());
    assertOneCleanLine(r, "[yaml.aliases]");
  }

  @Test
  void deeplyNested() throws IOException {
    String deep = "a: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
    Ejup.Result r = validate(Files.writeString(dir.resolve("deep.yml"), deep));
    assertEquals(2, r.exitCode());
    assertOneCleanLine(r, "[yaml.nesting]");
  }

  @Test
  void applyToBadYamlWritesNothing() throws IOException {
    Path file = Files.writeString(dir.resolve("ejabberd.yml"), "hosts: [localhost\nmodules: {}\n");
    byte[] before = Files.readAllBytes(file);
    Ejup.Result r = Ejup.runCaptured(Map.of(), "config", "apply", file.toString(), "--host", "localhost");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("refusing to write"), r.err());
    assertEquals(new String(before), Files.readString(file));
    try (var listing = Files.list(dir)) {
      assertEquals(1, listing.filter(p -> !p.getFileName().toString().endsWith(".ejup-lock")).count(), "no backup, no temp file left");
    }
  }
}
