package dev.ejup.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A playbook, an inventory or an ejabberd.yml given as a pipe that nothing writes to, or as an
 * endless device, ends the run UNKNOWN in one line: before, the first held a cron job for ever
 * (open(2) of a FIFO blocks until a writer comes), the second filled its memory.
 */
class InputFileTest {
  @TempDir
  Path dir;

  private Path fifo(String name) throws Exception {
    Path fifo = dir.resolve(name);
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mk.waitFor());
    return fifo;
  }

  @Test
  void aPipeNothingWritesToIsRefusedWithinItsWait() throws Exception {
    Path fifo = fifo("silent");
    UserError e = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertThrows(UserError.class, () -> InputFile.read(fifo, "inventory", 1 << 20, Duration.ofMillis(300))));
    assertEquals(3, e.exitCode());
    assertTrue(e.oneLine().startsWith("inventory " + fifo + " gave no end within 0.3 s: it is a pipe or FIFO"), e.oneLine());
  }

  @Test
  void aPipeThatIsWrittenAndClosedIsReadWhole() throws Exception {
    Path fifo = fifo("written");
    byte[] text = "- name: a\n  domain: example.org\n".getBytes(StandardCharsets.UTF_8);
    Thread writer = new Thread(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) {
        out.write(text);
      } catch (java.io.IOException e) {
        // the read's assertion says what went wrong
      }
    });
    writer.start();
    assertArrayEquals(text, InputFile.read(fifo, "inventory", 1 << 20, Duration.ofSeconds(10)));
    writer.join(10_000);
  }

  @Test
  void anEndlessDeviceIsRefusedAtTheCap() {
    UserError e = assertThrows(UserError.class, () -> InputFile.read(Path.of("/dev/zero"), "playbook", 1 << 20));
    assertTrue(e.oneLine().startsWith("playbook /dev/zero holds more than 1 MB"), e.oneLine());
  }

  @Test
  void applyNeverWritesOverAPipeAndDocrootStopsAtTheCap() throws Exception {
    Path fifo = fifo("apply");
    // apply writes back by a rename: it refuses a pipe at once instead of waiting on it, then replacing it
    Ejup.Result apply = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> Ejup.runCaptured(Map.of(), "config", "apply", fifo.toString(), "--host", "localhost"));
    assertEquals(3, apply.exitCode(), apply.err());
    assertTrue(apply.err().contains(fifo + ": is a pipe or device, not a file ejup can change in place"), apply.err());
    assertTrue(!Files.isRegularFile(fifo), "the pipe is still a pipe");
    Ejup.Result zero = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Ejup.runCaptured(Map.of(), "docroot", "check", "--config", "/dev/zero"));
    assertEquals(3, zero.exitCode(), zero.err() + zero.out());
    assertTrue((zero.err() + zero.out()).contains("/dev/zero holds more than 8 MB"), zero.err() + zero.out());
  }

  @Test
  void playAndValidateEndUnknownOnAPipeNothingWritesTo() throws Exception {
    Path fifo = fifo("nobody");
    Path playbook = Path.of("playbooks/healthcheck.yml").toAbsolutePath();
    String[][] runs = {
        {"play", fifo.toString()},
        {"play", playbook.toString(), "-i", fifo.toString(), "-e", "password_file=/nonexistent"},
        {"config", "validate", fifo.toString()},
        {"docroot", "check", "--config", fifo.toString()}};
    // side by side: each waits PIPE_WAIT (10 s); the bound has slack for a loaded 2-core machine
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(runs.length);
    try {
      List<java.util.concurrent.Future<Ejup.Result>> results = new java.util.ArrayList<>();
      for (String[] args : runs) {
        results.add(pool.submit(() -> Ejup.runCaptured(Map.of(), args)));
      }
      for (int i = 0; i < runs.length; i++) {
        java.util.concurrent.Future<Ejup.Result> result = results.get(i);
        Ejup.Result r = assertTimeoutPreemptively(Duration.ofSeconds(40), () -> result.get());
        assertEquals(3, r.exitCode(), String.join(" ", runs[i]) + ": " + r.err());
        assertTrue((r.err() + r.out()).contains(fifo + " gave no end within 10.0 s"), r.err() + r.out());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
