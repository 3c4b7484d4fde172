package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.testing.LocalEjabberd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fail closed, step by step: against the real ejabberd, through the same flow a check runs, each
 * step in turn throws what a bug, a library or the JVM can throw. The verdict is never OK, and the
 * step that failed says so in words.
 */
class FailureInjectionIT {
  private static LocalEjabberd server;

  @BeforeAll
  static void start() {
    server = LocalEjabberd.up("faultit");
  }

  @AfterAll
  static void stop() {
    server.down();
  }

  private static Report run(StepRunner.Fault fault) {
    return new UploadFlow(Faults.options(server.get("JID"), server.password(), "localhost:" + server.get("XMPP_PORT")),
        Progress.NONE, fault).run();
  }

  @Test
  void withoutAFaultEveryStepRunsAndPasses() {
    Report report = run(StepRunner.NONE);
    assertEquals(Status.OK, report.worst(), report.steps().toString());
    assertEquals(10, report.steps().size(), report.steps().toString());
  }

  @ParameterizedTest(name = "{1} at {0}")
  @MethodSource("dev.ejup.upload.Faults#everyStepAndKind")
  void aFailureInAnyStepIsNeverOk(String step, Throwable failure) {
    Faults.assertFailClosed(run(Faults.at(step, failure)), step, failure);
  }
}
