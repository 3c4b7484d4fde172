package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.testing.Checkout;
import dev.ejup.testing.EjupProcess;
import dev.ejup.testing.SilentServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Signals through the launcher users run. java is always exec'd, also on the run that learns the
 * start-up cache, so a supervisor's SIGTERM or SIGKILL reaches java itself; that run is one at a
 * time, not repeated after a failing run, and leaves no temporary cache behind. The server hangs,
 * so only the signal can end a run before its deadline.
 */
class LauncherSignalIT {
  /** The report after SIGTERM; the learning JVM then still dumps its cache before it exits (seconds). */
  private static final long LEARNING_EXIT_MILLIS = 120_000;

  private static String[] check(SilentServer silent) {
    return new String[] {"check", "--jid", "hc@localhost", "--server", "localhost:" + silent.port(), "--format", "nagios",
        "--deadline", "120", "--step-timeout", "120"};
  }

  private static void assertUnknownReport(EjupProcess.Result r) {
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().startsWith("EJUP CHECK UNKNOWN - localhost: connect: stopped by a signal"), r.out() + r.err());
  }

  /** A run whose java command line carries marker, so the test can find every process it made. */
  private static Map<String, String> marked(String marker) {
    return Map.of("EJUP_PASSWORD", "x", "EJUP_JAVA_OPTS", "-Dejup.test.marker=" + marker);
  }

  private static boolean learns(long pid) {
    String cmd = Checkout.commandLine(pid);
    return cmd.contains("-XX:AOTCacheOutput=") || cmd.contains("-XX:ArchiveClassesAtExit=");
  }

  @Test
  void theUsualRunAnswersSigtermAtOnce() throws Exception {
    try (SilentServer silent = new SilentServer()) {
      assertUnknownReport(SignalTest.stop(silent, EjupProcess.launcher(Map.of("EJUP_PASSWORD", "x", "EJUP_NO_CDS_LEARNING", "1"),
          check(silent)), "TERM", SignalTest.BOUND_MILLIS));
    }
  }

  /**
   * Before: the learning run was java under a shell; SIGTERM returned while java went on, and each
   * kill left a 17 MB archive; a failing run learnt again on the next check (2.1x its time).
   */
  @Test
  void theLearningRunIsJavaItselfAnswersSigtermAndIsNotRepeatedAfterAFailure() throws Exception {
    Checkout checkout = Checkout.copy();
    String marker = UUID.randomUUID().toString();
    try (SilentServer silent = new SilentServer()) {
      EjupProcess run = EjupProcess.launcher(checkout.launcher(), marked(marker), check(silent));
      assertTrue(silent.awaitClient(120), run.errSoFar());
      String cmd = Checkout.commandLine(run.pid());
      assertTrue(cmd.contains("/bin/java ") && learns(run.pid()), "the launcher's pid is the learning java: " + cmd);
      Thread.sleep(300);
      long start = System.nanoTime();
      run.signal("TERM");
      while (!run.outSoFar().contains("\n") && System.nanoTime() - start < SignalTest.BOUND_MILLIS * 1_000_000) {
        Thread.sleep(20);
      }
      assertTrue(run.outSoFar().startsWith("EJUP CHECK UNKNOWN"), "the report came at once: " + run.outSoFar() + run.errSoFar());
      assertUnknownReport(run.waitFor((int) (LEARNING_EXIT_MILLIS / 1000)));
      assertEquals("", run.errSoFar(), "nothing of the JVM's own on stderr");
    }
    try (SilentServer silent = new SilentServer()) {
      EjupProcess again = EjupProcess.launcher(checkout.launcher(), marked(marker), check(silent));
      assertTrue(silent.awaitClient(120), again.errSoFar());
      assertFalse(learns(again.pid()), "a check right after a failing learning run does not learn again: " + Checkout.commandLine(again.pid()));
      again.signal("TERM");
      assertUnknownReport(again.waitFor(60));
    }
    assertFalse(checkout.cacheFiles().stream().anyMatch(f -> f.matches("learn\\.\\d+.*")),
        "the stopped run's cache was removed: " + checkout.cacheFiles());
  }

  @Test
  void aKilledLearningRunLeavesNothingRunningAndItsCacheIsRemoved() throws Exception {
    Checkout checkout = Checkout.copy();
    String marker = UUID.randomUUID().toString();
    try (SilentServer silent = new SilentServer()) {
      EjupProcess run = EjupProcess.launcher(checkout.launcher(), marked(marker), check(silent));
      assertTrue(silent.awaitClient(120), run.errSoFar());
      run.signal("KILL");
      run.waitFor(60);
      long until = System.nanoTime() + 10_000_000_000L;
      while (!Checkout.processesWith(marker).isEmpty() && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      assertEquals(List.of(), Checkout.processesWith(marker), "no java goes on after its launcher was killed");
      assertEquals("", run.outSoFar(), "nobody writes a verdict after the kill");
    }
    EjupProcess.Result next = EjupProcess.launcher(checkout.launcher(), Map.of(), "version").waitFor(60);
    assertEquals(0, next.exitCode(), next.err());
    assertFalse(checkout.cacheFiles().stream().anyMatch(f -> f.matches("learn\\.\\d+.*")),
        "the killed run's half cache was removed: " + checkout.cacheFiles());
  }

  /** Before: 20 checks starting together with no cache made 20 dumps at once (24.5 s each instead of 6). */
  @Test
  void ofChecksStartingTogetherOnlyOneLearns() throws Exception {
    Checkout checkout = Checkout.copy();
    String marker = UUID.randomUUID().toString();
    List<EjupProcess> runs = new ArrayList<>();
    try (SilentServer silent = new SilentServer()) {
      for (int i = 0; i < 5; i++) {
        runs.add(EjupProcess.launcher(checkout.launcher(), marked(marker), check(silent)));
      }
      assertTrue(silent.awaitClients(5, 180), "all five connected");
      long learning = Checkout.processesWith(marker).stream().filter(LauncherSignalIT::learns).count();
      assertEquals(1, learning, "one learns, the others run without learning");
      for (EjupProcess run : runs) {
        run.signal("TERM");
      }
      for (EjupProcess run : runs) {
        assertUnknownReport(run.waitFor((int) (LEARNING_EXIT_MILLIS / 1000)));
      }
    }
  }
}
