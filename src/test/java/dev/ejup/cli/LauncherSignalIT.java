package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.testing.EjupProcess;
import dev.ejup.testing.SilentServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM through the launcher users run, on both of its ways to start java: exec'd (the usual
 * run) and as a child (the check that records the class-data archive), where the shell must pass
 * the signal on. The server hangs, so only the signal can end the run before its deadline.
 */
class LauncherSignalIT {
  private static final String[] CHECK = {"check", "--jid", "hc@localhost", "--server", null, "--format", "nagios",
      "--deadline", "120", "--step-timeout", "120"};

  private static EjupProcess.Result stopped(SilentServer silent, Map<String, String> env, long bound) throws Exception {
    String[] args = CHECK.clone();
    args[4] = "localhost:" + silent.port();
    return SignalTest.stop(silent, EjupProcess.launcher(env, args), "TERM", bound);
  }

  private static void assertUnknownReport(EjupProcess.Result r) {
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().startsWith("EJUP CHECK UNKNOWN - localhost: connect: stopped by a signal"), r.out() + r.err());
  }

  @Test
  void theUsualRunAnswersSigtermAtOnce() throws Exception {
    try (SilentServer silent = new SilentServer()) {
      assertUnknownReport(stopped(silent, Map.of("EJUP_PASSWORD", "x", "EJUP_NO_CDS_LEARNING", "1"), SignalTest.BOUND_MILLIS));
    }
  }

  @Test
  void theRunThatRecordsTheArchivePassesSigtermOn() throws Exception {
    // without a learned archive the launcher runs java as its child to record one
    Files.deleteIfExists(Path.of("target/ejup-check.jsa"));
    try (SilentServer silent = new SilentServer()) {
      // the JVM writes the archive as it exits: a few seconds more on a busy machine
      assertUnknownReport(stopped(silent, Map.of("EJUP_PASSWORD", "x"), 10_000));
    }
    assertTrue(Files.notExists(Path.of("target/ejup-check.jsa")), "a run cut short records no archive");
  }
}
