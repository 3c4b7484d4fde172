package dev.ejup.playbook;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs one job per target on a pool of {@code parallel} daemon threads. Each target has its own
 * deadline counted from when it starts; one that overruns is interrupted and reported UNKNOWN, one
 * that throws is reported UNKNOWN in words (a {@code UserError} keeps its status), and neither holds
 * the others back.
 */
final class Fleet {
  private Fleet() {}

  /**
   * @param kind the kind of the reports the job makes (e.g. playbook:healthcheck): a target that
   *     overruns or throws is reported under the same kind, so its metrics land in the same series
   */
  public static List<Report> run(String kind, List<Target> targets, int parallel, Duration deadline, Function<Target, Report> job) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel), r -> {
      Thread t = new Thread(r, "ejup-target");
      t.setDaemon(true);
      return t;
    });
    ExecutorService watchers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "ejup-deadline");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Report>> results = new ArrayList<>();
      for (Target target : targets) {
        results.add(watchers.submit(() -> guarded(kind, pool, target, deadline, job)));
      }
      List<Report> reports = new ArrayList<>();
      for (Future<Report> f : results) {
        reports.add(f.get());
      }
      return reports;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
      watchers.shutdownNow();
    }
  }

  /** Waits for the target's slot, then gives it {@code deadline} from the moment it really starts. */
  private static Report guarded(String kind, ExecutorService pool, Target target, Duration deadline, Function<Target, Report> job)
      throws InterruptedException {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    Future<Report> f = pool.submit(() -> {
      started.countDown();
      return job.apply(target);
    });
    started.await();
    try {
      return f.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return failure(kind, target, Status.UNKNOWN, deadline, "no answer within the deadline of " + dev.ejup.report.Seconds.of(deadline) + "s",
          "the server or the SSH connection hangs; raise --deadline if it is only slow");
    } catch (ExecutionException e) {
      // the engine turns every action's failure into a step: what still escapes is ejup's own fault
      return new Report(kind, target.name(), List.of(Engine.crashed("target", e.getCause(), Duration.ZERO)));
    }
  }

  static Report failure(String kind, Target target, Status status, Duration took, String detail, String hint) {
    return new Report(kind, target.name(), List.of(Step.of("target", status, took, detail, hint)));
  }
}
