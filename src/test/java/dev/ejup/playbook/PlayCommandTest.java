package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlayCommandTest {
  @Test
  void badPlaybookPrintsDiagnosticsAndExits3(@TempDir Path dir) throws Exception {
    Path book = dir.resolve("b.yml");
    Files.writeString(book, "name: b\nsteps:\n  - chek: {}\n");
    Ejup.Result r = Ejup.runCaptured(Map.of(), "play", book.toString());
    assertEquals(3, r.exitCode());
    assertTrue(r.err().contains(book + ":3:5: error: unknown step 'chek' [playbook.unknown-step]"), r.err());
  }

  @Test
  void lockHeldExitsUnknownAtOnce(@TempDir Path dir) throws Exception {
    Path lock = dir.resolve("hc.lock");
    Path book = dir.resolve("hc.yml");
    Files.writeString(book, "name: hc\nlock: " + lock + "\nsteps:\n  - wait: {server: '127.0.0.1:1', timeout: '30'}\n");
    try (RunLock held = RunLock.tryTake(lock).orElseThrow()) {
      long start = System.nanoTime();
      Ejup.Result r = Ejup.runCaptured(Map.of(), "play", book.toString());
      assertTrue(System.nanoTime() - start < 2_000_000_000L);
      assertEquals(3, r.exitCode());
      assertTrue(r.out().contains("is in progress (pid " + ProcessHandle.current().pid() + ")"), r.out());
    }
  }
}
