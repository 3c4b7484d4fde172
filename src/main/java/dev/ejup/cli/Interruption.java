package dev.ejup.cli;

import dev.ejup.model.Report;
import dev.ejup.model.UserError;
import java.util.List;
import java.util.function.Supplier;

/**
 * A run stopped from outside (SIGTERM from a Nagios timeout or systemd stop, SIGINT from Ctrl-C)
 * still answers: the JVM runs its shutdown hooks on both, and this one renders the report so far
 * in the requested --format (to --output when given), then ends the process with its exit code.
 * The launcher's normal end is Runtime.halt, which runs no hooks, so the hook fires only when
 * something stopped the run. One report is printed either way: whichever of the normal end and
 * the signal comes first prints it, and the other waits.
 */
final class Interruption implements AutoCloseable {
  /** The detail of the step that was running when the signal came. */
  static final String WHY = "stopped by a signal (SIGTERM or SIGINT) before it finished";
  static final String HINT = "something ended the run from outside (a monitoring timeout, systemd, Ctrl-C): "
      + "give it more time than --deadline, or look for what sent the signal";

  private final Io io;
  private final ReportOptions report;
  private final Supplier<List<Report>> soFar;
  private final Thread hook;
  private boolean emitted;
  /**
   * Held while a report is written. The signal waits for it a little (a report takes milliseconds),
   * not for ever: a write held in open(2) by a pipe nobody reads must not hold the process too.
   */
  private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
  private static final long SIGNAL_WAIT_MILLIS = 2000;

  private Interruption(Io io, ReportOptions report, Supplier<List<Report>> soFar) {
    this.io = io;
    this.report = report;
    this.soFar = soFar;
    this.hook = new Thread(this::stopped, "ejup-signal");
  }

  /**
   * Starts answering signals for one command.
   *
   * @param soFar the reports as they stand at any moment, called from the signal's thread; each
   *     marks what was still running as not finished
   */
  static Interruption install(Io io, ReportOptions report, Supplier<List<Report>> soFar) {
    Interruption interruption = new Interruption(io, report, soFar);
    if (!ANSWER.compareAndSet(BEFORE, COMMAND) && ANSWER.get() == EARLY) {
      waitForHalt(); // a signal came first, and NotRun.beforeTheRun is answering it: it ends the process
    }
    try {
      Runtime.getRuntime().addShutdownHook(interruption.hook);
    } catch (IllegalStateException shuttingDown) {
      // a signal came as this was set up, after the early answer stood down: answered here, once
      interruption.stopped();
    }
    return interruption;
  }

  /**
   * Who answers a signal: {@link NotRun#beforeTheRun} while it is {@link #BEFORE}, which makes it
   * {@link #EARLY}; a command's own answer from {@link #install} on ({@link #COMMAND}). Exactly one
   * answers, so a signal as the command sets up gives one report, not two.
   */
  static final java.util.concurrent.atomic.AtomicInteger ANSWER = new java.util.concurrent.atomic.AtomicInteger();
  static final int BEFORE = 0;
  static final int COMMAND = 1;
  static final int EARLY = 2;

  /** The normal end: renders the final reports and returns the exit code, unless a signal already answered. */
  int emit(List<Report> reports) {
    writing.lock();
    try {
      if (!emitted) {
        emitted = true;
        return report.emit(io, reports);
      }
    } finally {
      writing.unlock();
    }
    return waitForHalt();
  }

  private void stopped() {
    int code;
    try {
      if (!writing.tryLock(SIGNAL_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return; // the normal end is still writing its report (to a pipe nobody reads?): the signal ends the process
      }
    } catch (InterruptedException e) {
      return;
    }
    try {
      if (emitted) {
        return; // the normal end printed the report
      }
      emitted = true;
      try {
        code = report.emit(io, soFar.get());
      } catch (UserError e) {
        io.err().println("ejup: " + e.oneLine());
        code = e.exitCode();
      } catch (RuntimeException | Error e) {
        io.err().println("ejup: stopped by a signal; the report could not be rendered: " + dev.ejup.model.Unexpected.words(e));
        code = dev.ejup.model.Status.UNKNOWN.exitCode();
      }
      io.out().flush();
      io.err().flush();
    } finally {
      writing.unlock();
    }
    // halt cuts the other hooks short, so a playbook's config write under way is cleaned up here
    // first; the exit code must be the report's, not 143
    dev.ejup.config.StrayFiles.removeAll();
    Runtime.getRuntime().halt(code);
  }

  private static int waitForHalt() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // the hook ends the process; nothing to do but wait for it
      }
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: it ends the process
    }
  }
}
