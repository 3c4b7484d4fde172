package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.config.AtomicFile;
import dev.ejup.config.ConfigFile;
import dev.ejup.config.ConfigStore;
import dev.ejup.config.LocalStore;
import dev.ejup.config.UploadSettings;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bug anywhere in `config apply` (read, lock, write, reload) is never success: it is one
 * UNKNOWN line without a Java class name, saying whether the file was written. The real local
 * store does the work; one stage at a time throws as a bug would.
 */
class ConfigWriteFailureTest {
  @TempDir
  Path dir;

  /** The local store, with one stage failing as a bug would. */
  private static final class Failing implements ConfigStore {
    private final LocalStore real = new LocalStore();
    private final String stage;

    Failing(String stage) {
      this.stage = stage;
    }

    private void maybe(String here) {
      if (here.equals(stage)) {
        throw new IllegalStateException("injected at " + here);
      }
    }

    @Override
    public String read(Path path) {
      maybe("read");
      return real.read(path);
    }

    @Override
    public String describe(Path path) {
      return real.describe(path);
    }

    @Override
    public Held lock(Path path) {
      maybe("lock");
      return real.lock(path);
    }

    @Override
    public ConfigFile.Contents readForEdit(Path path) {
      maybe("readForEdit");
      return real.readForEdit(path);
    }

    @Override
    public AtomicFile.Written replace(Path path, ConfigFile.Contents expected, String text, boolean backup) {
      maybe("replace");
      return real.replace(path, expected, text, backup);
    }

    @Override
    public Step reload(String ejabberdctl) {
      maybe("reload");
      return real.reload(ejabberdctl);
    }
  }

  @Test
  void anUnexpectedFailureAtEachStageIsOneUnknownLineThatSaysWhetherTheFileWasWritten() throws IOException {
    Map<String, Boolean> written = Map.of("lock", false, "readForEdit", false, "replace", false, "reload", true);
    for (Map.Entry<String, Boolean> stage : written.entrySet()) {
      Path file = Files.copy(Path.of("src/test/resources/config/debian-stock-23.01.yml"), dir.resolve(stage.getKey() + ".yml"));
      String before = Files.readString(file);
      ApplyOptions options = new ApplyOptions();
      options.reload = true;
      options.noBackup = true;
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Io io = new Io(new PrintWriter(out), new PrintWriter(err), Map.of(), false, false);
      UserError e = assertThrows(UserError.class,
          () -> ConfigWrite.apply(io, new Failing(stage.getKey()), file, UploadSettings.defaults("localhost"), options), stage.getKey());
      assertEquals(3, e.exitCode(), stage.getKey());
      String line = e.oneLine();
      assertEquals(1, line.lines().count(), line);
      assertFalse(line.contains("Exception") || line.contains("java."), "no Java class name: " + line);
      assertTrue(line.contains("config apply on " + file + " stopped on an internal error (injected at " + stage.getKey() + ")"), line);
      assertTrue(line.contains(stage.getValue() ? "the new file was written: check it" : "nothing was written"), line);
      assertEquals(!stage.getValue(), before.equals(Files.readString(file)), stage.getKey() + ": the file is as the line says");
    }
  }
}
