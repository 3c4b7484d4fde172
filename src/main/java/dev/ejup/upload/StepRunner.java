package dev.ejup.upload;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs a script of steps on a worker thread under a deadline and keeps its report: each step's
 * status and time, what failed unplanned, and the report so far for whoever cuts the run short
 * (the deadline, a signal). It knows nothing of XMPP or HTTP; {@link UploadFlow} is the script.
 */
final class StepRunner {
  /**
   * Where a test makes a step fail as a bug or a library would: called at the start of every step
   * (and wherever the script calls {@link #fault}), on the thread that runs it. Real runs use
   * {@link #NONE}.
   */
  interface Fault {
    void at(String step) throws Exception;
  }

  static final Fault NONE = step -> { };

  /** The script: true when it got to its verdict, false when a failed step (recorded) ended it early. */
  interface Script {
    boolean run() throws Exception;
  }

  /** A step's work; any exception it throws is the step's failure. */
  interface Work<T> {
    T run() throws Exception;
  }

  /** What an I/O failure of a step means in words: the script knows which host and listener it talked to. */
  interface IoFailure {
    StepFailure of(String step, IOException e);
  }

  private final String command;
  private final String target;
  private final Fault fault;
  private final IoFailure io;
  private final List<Step> steps = new ArrayList<>();
  private final Map<String, Double> metrics = new LinkedHashMap<>();
  private volatile String running;
  private volatile long runningSince = System.nanoTime();
  private volatile boolean reachedEnd;
  private volatile Throwable unexpected;

  /** command and target name the report; first is the step charged with a failure before any step began. */
  StepRunner(String command, String target, String first, Fault fault, IoFailure io) {
    this.command = command;
    this.io = io;
    this.target = target;
    this.running = first;
    this.fault = fault;
  }

  /**
   * Runs the script on a worker thread ({@link Workers}); returns its report when it ends or when the deadline has
   * passed, whichever is first (then the step running is CRIT with detail and hint). A script
   * that ends without reaching its verdict cannot be OK.
   */
  Report run(Script script, Duration deadline, String lateDetail, String lateHint) {
    CountDownLatch done = new CountDownLatch(1);
    Workers.start("ejup-" + command, () -> {
      try {
        reachedEnd = script.run();
      } catch (StopHere stop) {
        reachedEnd = true; // --stop-after: the steps so far are the result
      } catch (Throwable e) {
        fail(running, e);
      } finally {
        done.countDown();
      }
    });
    boolean finished;
    try {
      finished = done.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    return finished ? verdict() : soFar(Status.CRIT, lateDetail, lateHint);
  }

  /** Calls the fault hook at a point of the script that is not a step of its own. */
  void fault(String where) throws Exception {
    fault.at(where);
  }

  /**
   * The report as it stands: the steps done, and the one running as the given status and reason.
   * Safe to call from any thread.
   */
  Report soFar(Status status, String detail, String hint) {
    synchronized (steps) {
      List<Step> result = new ArrayList<>(steps);
      // between two steps the last one is done: the cut is a step of its own, never a second of that name
      boolean between = !steps.isEmpty() && steps.get(steps.size() - 1).name().equals(running);
      result.add(Step.of(between ? "stopped" : running, status, Duration.ofNanos(System.nanoTime() - runningSince), detail, hint));
      return new Report(command, target, result, metrics);
    }
  }

  /** What a thrown failure was, for --debug; null when there was none. */
  Throwable unexpected() {
    return unexpected;
  }

  private Report verdict() {
    synchronized (steps) {
      Report report = new Report(command, target, steps, metrics);
      Status worst = report.worst();
      // a flow that stopped early has recorded why; if it did not, it has not earned OK
      if (!reachedEnd && (worst == Status.OK || worst == Status.WARN)) {
        report = report.with(Step.of(running, Status.UNKNOWN, Duration.ZERO, "the check ended before it reached a verdict",
            "a bug in ejup: run again with --debug and report it"));
      }
      return report;
    }
  }

  void record(Step step) {
    dev.ejup.upload.tuning.Timeline.mark("step " + step.name());
    synchronized (steps) {
      steps.add(step);
    }
  }

  void metric(String name, double value) {
    synchronized (steps) {
      metrics.put(name, value);
    }
  }

  /** Records a failure nobody planned for in the step it hit; a step already recorded under that name is marked. */
  private void fail(String name, Throwable e) {
    if (unexpected == null && !(e instanceof InterruptedException)) {
      unexpected = e;
    }
    Step failed = dev.ejup.model.Unexpected.step(name, e, Duration.ofNanos(System.nanoTime() - runningSince));
    synchronized (steps) {
      if (!steps.isEmpty() && steps.get(steps.size() - 1).name().equals(name)) {
        replaceLast(failed.status(), failed.detail(), failed.hint());
      } else {
        steps.add(failed);
      }
    }
  }

  /** Ends the script early, as asked with --stop-after; not a failure. */
  static final class StopHere extends RuntimeException {
    StopHere() {
      super(null, null, false, false);
    }
  }

  /** Runs one step; returns its value, or null after recording why it failed. On success the step is OK with detail(value). */
  <T> T stage(String name, Work<T> work, Function<T, String> detail) throws InterruptedException {
    T value = attempt(name, () -> {
      fault.at(name);
      return work.run();
    });
    if (value == null) {
      return null;
    }
    record(Step.ok(name, Duration.ofNanos(System.nanoTime() - runningSince), detail.apply(value)));
    return value;
  }

  /**
   * Runs work that belongs to the step called name; returns its value, or null after recording
   * why it failed. Only an interrupt goes on up: the worker reports it.
   */
  <T> T attempt(String name, Work<T> work) throws InterruptedException {
    running = name;
    runningSince = System.nanoTime();
    try {
      return work.run();
    } catch (StepFailure f) {
      record(Step.of(name, f.status, Duration.ofNanos(System.nanoTime() - runningSince), f.getMessage(), f.hint));
    } catch (IOException e) {
      StepFailure f = io.of(name, e);
      record(Step.of(name, f.status, Duration.ofNanos(System.nanoTime() - runningSince), f.getMessage(), f.hint));
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception | Error e) {
      fail(name, e);
    }
    return null;
  }

  /** Adds to the last step's detail and sets its status (a WARNING found after the step's work). */
  void replaceLast(Status status, String detail, String hint) {
    synchronized (steps) {
      Step last = steps.remove(steps.size() - 1);
      steps.add(Step.of(last.name(), status, last.duration(), last.detail() + (status == Status.OK ? ", " : "; ") + detail, hint));
    }
  }
}
