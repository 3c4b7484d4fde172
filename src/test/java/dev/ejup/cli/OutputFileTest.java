package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --output at a directory says so and asks for a file name; it blamed the folder above ("check that it exists and is writable"). */
class OutputFileTest {
  @TempDir
  Path dir;

  @Test
  void anExistingDirectoryIsNamedAsOneAndLeftAlone() throws Exception {
    Path out = Files.createDirectory(dir.resolve("reports"));
    UserError e = assertThrows(UserError.class, () -> OutputFile.write(out, "text"));
    assertEquals("cannot write " + out + ": it is a directory", e.getMessage());
    assertTrue(e.hint().startsWith("give a file name, e.g. " + out.resolve("ejup.prom")), e.hint());
    try (var left = Files.list(out)) {
      assertEquals(0, left.count(), "nothing written into it");
    }
  }

  @Test
  void aMissingFolderStillNamesTheFolder() {
    Path out = dir.resolve("missing").resolve("r.prom");
    UserError e = assertThrows(UserError.class, () -> OutputFile.write(out, "text"));
    assertTrue(e.hint().contains("check that " + dir.resolve("missing") + " exists and is writable"), e.hint());
  }

  @Test
  void aFileIsWritten() throws Exception {
    Path out = dir.resolve("r.prom");
    OutputFile.write(out, "text");
    assertEquals("text", Files.readString(out));
  }
}
