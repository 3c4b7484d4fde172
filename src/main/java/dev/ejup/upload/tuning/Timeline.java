package dev.ejup.upload.tuning;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a cold run's time goes, for whoever tunes start-up: with {@code EJUP_TIMELINE=1} in the
 * environment, ejup prints to stderr, just before the process ends, each mark of the run (JVM
 * start to main, arguments parsed, options checked, the first byte to the server, each step, the
 * report written) in milliseconds since the JVM started, and the CPU time of every thread of the
 * process (the JIT's compiler threads among them). Off, a mark is one read of a static field.
 * Never part of a report: a measuring aid, like --debug's stack traces.
 */
public final class Timeline {
  private static final boolean ON = System.getenv("EJUP_TIMELINE") != null;
  private static final List<String> NAMES = new ArrayList<>();
  private static final List<long[]> TIMES = new ArrayList<>();

  private Timeline() {}

  /** Whether marks are being kept (EJUP_TIMELINE is set). */
  public static boolean on() {
    return ON;
  }

  /** Notes that the run got to what (a short name) now, on whichever thread. */
  public static void mark(String what) {
    if (!ON) {
      return;
    }
    long now = System.nanoTime();
    synchronized (NAMES) {
      NAMES.add(what + " [" + Thread.currentThread().getName() + "]");
      TIMES.add(new long[] {now});
    }
  }

  /** Prints the marks and the threads' CPU; called once, just before the process ends. */
  public static void print(PrintWriter err) {
    if (!ON) {
      return;
    }
    long nowNanos = System.nanoTime();
    long sinceStart = System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    err.println("ejup timeline: ms since the JVM started");
    synchronized (NAMES) {
      for (int i = 0; i < NAMES.size(); i++) {
        err.printf("  %6d  %s%n", sinceStart - (nowNanos - TIMES.get(i)[0]) / 1_000_000, NAMES.get(i));
      }
    }
    err.printf("  %6d  end%n", sinceStart);
    long ticks = 100; // USER_HZ on Linux
    long total = 0;
    List<String> threads = new ArrayList<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat = Files.readString(task.resolve("stat"));
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ms = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / ticks;
        total += ms;
        if (ms > 0) {
          threads.add(String.format("%5d ms %s", ms, name));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      threads.add("(no /proc/self/task: " + e + ")");
    }
    threads.sort(java.util.Comparator.reverseOrder());
    err.println("ejup timeline: CPU of the live threads, " + total + " ms in all (ended threads not counted):");
    threads.forEach(t -> err.println("  " + t));
    try {
      String[] f = Files.readString(Path.of("/proc/self/stat")).replaceFirst("^.*\\) ", "").split(" ");
      err.println("ejup timeline: process CPU " + (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / ticks + " ms");
    } catch (java.io.IOException | RuntimeException e) {
      // the per-thread lines stand alone
    }
    // last, so that the time from here to the process's end is the halt's alone
    err.println("ejup timeline: halting at epoch ms " + System.currentTimeMillis());
    err.flush();
  }
}
