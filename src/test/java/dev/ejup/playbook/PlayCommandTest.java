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

  /** A held lock answers at once, in the requested format, and into --output (a textfile collector keeps its file). */
  @Test
  void aHeldLockAnswersUnknownInTheRequestedFormatAndWritesOutput(@TempDir Path dir) throws Exception {
    Path runtime = Files.createDirectory(dir.resolve("run"));
    Path book = dir.resolve("hc.yml");
    Files.writeString(book, "name: hc\nlock: hc\nsteps:\n  - wait: {server: '127.0.0.1:1', timeout: '180'}\n");
    Target target = new Target("example.org", Map.of("domain", "example.org"));
    Map<String, String> env = Map.of("XDG_RUNTIME_DIR", runtime.toString());
    Path lock = RunLock.fileFor(RunLock.directory(env), "hc", target);
    assertTrue(lock.startsWith(runtime.resolve("ejup")), lock.toString());
    Path out = dir.resolve("ejup.prom");
    try (RunLock held = RunLock.tryTake(lock).orElseThrow()) {
      long start = System.nanoTime();
      Ejup.Result r = Ejup.runCaptured(env, "play", book.toString(), "-e", "domain=example.org",
          "--format", "prometheus", "--output", out.toString());
      // slack for a loaded 2-core machine: waiting for the lock would take the wait's 180 s
      assertTrue(System.nanoTime() - start < 40_000_000_000L);
      assertEquals(3, r.exitCode(), r.out() + r.err());
      String prom = Files.readString(out);
      assertTrue(prom.contains("ejup_playbook_hc_status{target=\"example.org\"} 3"), prom);
      assertTrue(prom.contains("step=\"lock\""), prom);
      Ejup.Result json = Ejup.runCaptured(env, "play", book.toString(), "-e", "domain=example.org", "--format", "json");
      assertEquals(3, json.exitCode());
      assertTrue(json.out().contains("is in progress (pid " + ProcessHandle.current().pid() + ")"), json.out());
      assertTrue(json.out().startsWith("{"), json.out());
    }
  }

  /** Five servers checked at once from one monitoring host: no run waits for or refuses another target's. */
  @Test
  void locksArePerTarget(@TempDir Path dir) throws Exception {
    Path runtime = Files.createDirectory(dir.resolve("run"));
    Map<String, String> env = Map.of("XDG_RUNTIME_DIR", runtime.toString());
    Path book = dir.resolve("hc.yml");
    Files.writeString(book, "name: hc\nlock: /tmp/ejup-healthcheck.lock\nvars: {domain: ~}\nsteps:\n"
        + "  - wait: {server: '${domain}:1', timeout: '0.2'}\n");
    Target one = new Target("one.localhost", Map.of("domain", "one.localhost"));
    try (RunLock held = RunLock.tryTake(RunLock.fileFor(RunLock.directory(env), "/tmp/ejup-healthcheck.lock", one)).orElseThrow()) {
      Ejup.Result other = Ejup.runCaptured(env, "play", book.toString(), "-e", "domain=two.localhost");
      assertTrue(!other.out().contains("in progress"), other.out());
      assertTrue(other.out().contains("wait"), other.out());
      Ejup.Result same = Ejup.runCaptured(env, "play", book.toString(), "-e", "domain=one.localhost");
      assertTrue(same.out().contains("in progress"), same.out());
    }
  }

  @Test
  void theLockDirectoryIsTheUsersOwn(@TempDir Path dir) throws Exception {
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    boolean there = Files.exists(Path.of("/run/user/" + uid + "/ejup")) || Files.exists(Path.of("/tmp/ejup-" + uid));
    Path fallback = RunLock.directory(Map.of("XDG_RUNTIME_DIR", dir.resolve("missing").toString()));
    try {
      assertTrue(fallback.equals(Path.of("/run/user/" + uid + "/ejup")) || fallback.equals(Path.of("/tmp/ejup-" + uid)), fallback.toString());
      assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fallback)));
    } finally {
      if (!there) {
        Files.delete(fallback); // made by this test, and empty
      }
    }
    Path runtime = Files.createDirectory(dir.resolve("run"));
    Path own = RunLock.directory(Map.of("XDG_RUNTIME_DIR", runtime.toString()));
    Files.setPosixFilePermissions(own, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    dev.ejup.model.UserError open = org.junit.jupiter.api.Assertions.assertThrows(dev.ejup.model.UserError.class,
        () -> RunLock.directory(Map.of("XDG_RUNTIME_DIR", runtime.toString())));
    assertTrue(open.getMessage().contains("is not a directory of this user's with mode 0700"), open.getMessage());
  }
}
