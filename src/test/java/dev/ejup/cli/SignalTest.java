package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.testing.EjupProcess;
import dev.ejup.testing.SilentServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped by SIGTERM (a Nagios timeout, systemd stop) or SIGINT (Ctrl-C) answers within a
 * second, in the format asked for, with what it has: ejup in a process of its own against a server
 * that accepts the connection and never says a word, so the run would otherwise wait out its deadline.
 */
class SignalTest {
  /** Time from the signal to the process's end; generous, the machine is shared. */
  // slack for a loaded 2-core machine; without the signal handling ejup would wait out its 120 s deadline
  static final long BOUND_MILLIS = 40_000;

  private SilentServer silent;

  @BeforeEach
  void silentServer() throws IOException {
    silent = new SilentServer();
  }

  @AfterEach
  void close() throws IOException {
    silent.close();
  }

  /** Starts a check that hangs at connect, waits until it is really there, signals it, and times the end. */
  private EjupProcess.Result stopCheck(String signal, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("check", "--jid", "hc@localhost", "--server", "localhost:" + silent.port(),
        "--deadline", "120", "--step-timeout", "120"));
    args.addAll(List.of(extra));
    return stop(silent, EjupProcess.start(Map.of("EJUP_PASSWORD", "x"), args.toArray(String[]::new)), signal, BOUND_MILLIS);
  }

  /** Once ejup hangs on the silent server, signals it and checks it ends within bound milliseconds. */
  static EjupProcess.Result stop(SilentServer silent, EjupProcess ejup, String signal, long bound) throws Exception {
    assertTrue(silent.awaitClient(120), "ejup connected: " + ejup.errSoFar());
    Thread.sleep(300);
    long start = System.nanoTime();
    ejup.signal(signal);
    EjupProcess.Result r = ejup.waitFor(60);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < bound, "ended " + millis + " ms after SIG" + signal);
    return r;
  }

  @Test
  void sigtermDuringACheckPrintsUnknownInTheFormatAsked() throws Exception {
    EjupProcess.Result r = stopCheck("TERM", "--format", "nagios");
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().startsWith("EJUP CHECK UNKNOWN - localhost: connect: stopped by a signal (SIGTERM or SIGINT) before it finished |"),
        r.out() + r.err());
    assertTrue(r.out().contains("UNKNOWN: connect "), r.out());
    assertEquals(1, r.out().lines().filter(l -> l.startsWith("EJUP CHECK")).count(), "one report: " + r.out());
  }

  @Test
  void sigintWritesTheOutputFileAsJson(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("check.json");
    EjupProcess.Result r = stopCheck("INT", "--format", "json", "--output", output.toString());
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertEquals("", r.out());
    String json = Files.readString(output);
    assertTrue(json.contains("\"status\": \"UNKNOWN\""), json);
    assertTrue(json.contains("stopped by a signal"), json);
  }

  @Test
  void theTextReportNamesTheStepCutShortAndWhy() throws Exception {
    // the server never speaks, so connect is the step running when the signal comes
    EjupProcess.Result r = stopCheck("TERM");
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().startsWith("check localhost: UNKNOWN in "), r.out());
    assertTrue(r.out().contains("connect  stopped by a signal"), r.out());
    assertTrue(r.out().contains("hint: something ended the run from outside"), r.out());
  }

  @Test
  void sigtermDuringAPlayPrintsUnknownForEveryTargetNotDone(@TempDir Path dir) throws Exception {
    Path book = dir.resolve("hc.yml");
    Path password = dir.resolve("pw");
    Files.writeString(password, "x\n");
    Files.writeString(book, "name: hc\nsteps:\n  - check: {domain: localhost, jid: hc@localhost, password_file: '" + password
        + "', server: 'localhost:" + silent.port() + "', timeout: '120'}\n");
    EjupProcess.Result r = stop(silent, EjupProcess.start(Map.of(), "play", book.toString(), "--format", "nagios", "--deadline", "120"),
        "TERM", BOUND_MILLIS);
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().startsWith("EJUP PLAYBOOK:HC UNKNOWN - localhost: target: stopped by a signal"), r.out() + r.err());
  }

  /**
   * A SIGTERM while the password is read from a pipe nothing writes to (a stalled
   * {@code <(pass show ...)}) answers as one during the flow: UNKNOWN in the format asked, saying
   * where it was. It printed nothing before.
   */
  @Test
  void sigtermWhileThePasswordPipeIsReadPrintsUnknownInTheFormatAsked(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("pw.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    EjupProcess ejup = EjupProcess.start(Map.of(), "check", "--jid", "hc@localhost", "--server", "localhost:" + silent.port(),
        "--password-file", fifo.toString(), "--deadline", "120", "--format", "nagios");
    awaitThread(ejup, "ejup-password-file", "reading the pipe: ");
    long start = System.nanoTime();
    ejup.signal("TERM");
    EjupProcess.Result r = ejup.waitFor(60);
    assertTrue((System.nanoTime() - start) / 1_000_000 < BOUND_MILLIS, "ended soon after SIGTERM");
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().startsWith("EJUP CHECK UNKNOWN - localhost: password: stopped by a signal (SIGTERM or SIGINT) before it finished,"
        + " while the password was read from " + fifo + " |"), r.out() + r.err());
  }

  /**
   * A SIGTERM while the report is written to a pipe nothing reads ends the process soon: the write
   * held the report's lock in open(2) and the signal waited on it for ever, after --deadline too.
   */
  @Test
  void sigtermWhileTheReportWaitsForAPipeReaderEndsTheProcess(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("report.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    // nothing listens on port 1: the check is over at once, and then writes its report
    EjupProcess ejup = EjupProcess.start(Map.of("EJUP_PASSWORD", "x"), "check", "--jid", "hc@localhost", "--server", "127.0.0.1:1",
        "--format", "prometheus", "--output", fifo.toString());
    awaitThread(ejup, "ejup-output", "writing the pipe: ");
    long start = System.nanoTime();
    ejup.signal("TERM");
    EjupProcess.Result r = ejup.waitFor(60);
    // the signal waits 2 s for the write, the write 10 s for a reader: under 8 s is the signal's doing
    assertTrue((System.nanoTime() - start) / 1_000_000 < 8000, "ended soon after SIGTERM, not after the pipe's wait: " + r.err());
  }

  /**
   * The breaker's case: a SIGTERM in the run's first few hundred milliseconds, before the command
   * answers signals itself, ended the JVM with 143, nothing on stdout and the --output file still
   * holding the last run's report. Here the run is held there by a playbook that is a pipe nothing
   * writes to (read before the play answers signals).
   */
  @Test
  void sigtermBeforeTheRunStartedSaysUnknownInOutput(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("book.yml");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Path prom = Files.writeString(dir.resolve("ejup.prom"), "ejup_playbook_book_success{target=\"localhost\"} 1\n");
    EjupProcess ejup = EjupProcess.start(Map.of(), "play", fifo.toString(), "--format", "prometheus", "--output", prom.toString());
    long until = System.nanoTime() + 60_000_000_000L;
    while (!ejup.waitsIn("wait_for_partner") && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertTrue(ejup.waitsIn("wait_for_partner"), "opening the playbook's pipe: " + ejup.errSoFar());
    ejup.signal("TERM");
    EjupProcess.Result r = ejup.waitFor(60);
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().startsWith("ejup: stopped by a signal (SIGTERM or SIGINT) before the run started"), r.err());
    String written = Files.readString(prom);
    assertTrue(written.contains("ejup_playbook_book_success{target=\"localhost\"} 0\n"), written);
  }

  /** Waits up to 60 s until the process runs the named thread (where it blocks), and fails with what saying what it should be doing. */
  private static void awaitThread(EjupProcess ejup, String thread, String what) throws InterruptedException {
    long until = System.nanoTime() + 60_000_000_000L;
    while (!ejup.hasThread(thread) && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertTrue(ejup.hasThread(thread), what + ejup.errSoFar());
  }

  /**
   * The JVM leaves a signal that was ignored at start ignored: under nohup, ejup serve's SIGHUP
   * reload would be lost without a word. It says so at start (and not otherwise).
   */
  @Test
  void serveUnderNohupSaysSighupIsIgnored(@TempDir Path dir) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "x\n");
    Path config = Files.writeString(dir.resolve("serve.yml"), "modules:\n  u:\n    jid: m@{target}\n    password_file: " + pw
        + "\n    targets: [a.org]\n");
    for (boolean nohup : new boolean[] {true, false}) {
      int port;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = free.getLocalPort();
      }
      EjupProcess serve = EjupProcess.start(nohup ? List.of("nohup") : List.of(), Map.of(), "serve", "--config", config.toString(),
          "--listen", "127.0.0.1:" + port);
      try {
        long until = System.nanoTime() + 60_000_000_000L;
        while (!serve.errSoFar().contains("msg=\"listening\"") && serve.alive() && System.nanoTime() < until) {
          Thread.sleep(50);
        }
        assertTrue(serve.errSoFar().contains("msg=\"listening\""), serve.errSoFar());
        assertEquals(nohup, serve.errSoFar().contains("msg=\"SIGHUP is ignored (started under nohup?): reload with POST /-/reload\""),
            serve.errSoFar());
      } finally {
        if (serve.alive()) {
          serve.signal("TERM");
          serve.waitFor(30);
        }
      }
    }
  }
}
