package dev.ejup.upload;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads a check runs its script and its HTTP client's set-up on, kept between checks:
 * `ejup serve` and a fleet run check after check in one process, and starting two threads per
 * check for work of milliseconds was measurable in a warm probe. Unbounded like the threads it
 * replaces (a check abandoned at its deadline keeps its thread until its sockets give up), idle
 * ones end after a minute; daemons, so a command's exit never waits on them. Idle threads wait
 * in Java code, never in native code, so they cost nothing at the JVM's exit (SmackExit).
 */
final class Workers {
  private static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
      new SynchronousQueue<>(), task -> {
        Thread thread = new Thread(task, "ejup-worker");
        thread.setDaemon(true);
        return thread;
      });

  private Workers() {}

  /** Runs task on a kept thread (a new one when none is idle), under name while it runs. */
  static void start(String name, Runnable task) {
    POOL.execute(() -> {
      Thread self = Thread.currentThread();
      self.setName(name);
      try {
        task.run();
      } finally {
        self.setName("ejup-worker");
      }
    });
  }
}
