package dev.ejup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * ejup in a JVM of its own, started as the launcher starts it (its real main, so Runtime.halt,
 * signals and process-wide state are as in production), on the test classpath and resolving
 * names from the tests' hosts file only.
 */
public final class EjupProcess {
  private final Process process;
  private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
  private final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
  private final Thread outReader;
  private final Thread errReader;

  private EjupProcess(Process process) {
    this.process = process;
    this.outReader = drain(process.getInputStream(), out);
    this.errReader = drain(process.getErrorStream(), err);
  }

  /** Starts {@code java dev.ejup.Ejup args} with the given extra environment. */
  public static EjupProcess start(Map<String, String> env, String... args) {
    return started(command(List.of(), testClassPath(), args), env);
  }

  /** Starts {@code java dev.ejup.Ejup args} behind a prefix such as nohup. */
  public static EjupProcess start(List<String> prefix, Map<String, String> env, String... args) {
    return started(command(prefix, testClassPath(), args), env);
  }

  /** Whether a thread of the process has this name (Linux keeps a Java thread's first 15 characters). */
  public boolean hasThread(String name) {
    return anyThread("comm", name.length() > 15 ? name.substring(0, 15) : name);
  }

  /** Whether a thread of the process waits in this kernel function (/proc's wchan: wait_for_partner is a FIFO's open). */
  public boolean waitsIn(String kernelFunction) {
    return anyThread("wchan", kernelFunction);
  }

  /** Whether one of the process's threads has this in its /proc file (comm, wchan). */
  private boolean anyThread(String file, String value) {
    try (java.util.stream.Stream<Path> tasks = java.nio.file.Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
      return tasks.anyMatch(task -> {
        try {
          return java.nio.file.Files.readString(task.resolve(file)).strip().equals(value);
        } catch (IOException e) {
          return false; // the thread ended
        }
      });
    } catch (IOException e) {
      return false;
    }
  }

  private static EjupProcess started(List<String> command, Map<String, String> env) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    try {
      EjupProcess started = new EjupProcess(builder.start());
      started.process.getOutputStream().close();
      return started;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command.get(0) + ": " + e, e);
    }
  }

  /** Starts {@code bin/ejup args}, the launcher users run (needs the packaged jar: integration tests only). */
  public static EjupProcess launcher(Map<String, String> env, String... args) {
    return launcher(Path.of("bin/ejup"), env, args);
  }

  /** Starts a launcher (this checkout's, or a copy of it: {@link Checkout}) with args. */
  public static EjupProcess launcher(Path launcher, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(launcher.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Map<String, String> all = new java.util.HashMap<>(env);
    all.merge("EJUP_JAVA_OPTS", "-Djdk.net.hosts.file=" + Path.of("src/test/resources/hosts").toAbsolutePath(), (a, b) -> a + " " + b);
    return started(command, all);
  }

  /** Runs to the end (bounded) and returns what it printed. */
  public static Result run(Map<String, String> env, int timeoutSeconds, String... args) {
    return start(env, args).waitFor(timeoutSeconds);
  }

  public boolean alive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public String outSoFar() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  public String errSoFar() {
    synchronized (err) {
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  /** Sends a signal by name (TERM, INT) as a supervisor would. */
  public void signal(String name) {
    LocalEjabberd.Shell.run(List.of("kill", "-" + name, Long.toString(process.pid())), 10).requireOk("kill -" + name);
  }

  public Result waitFor(int timeoutSeconds) {
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("ejup did not end within " + timeoutSeconds + "s; stderr so far: " + errSoFar());
      }
      outReader.join(5000);
      errReader.join(5000);
      synchronized (out) {
        synchronized (err) {
          return new Result(process.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Thread drain(java.io.InputStream in, java.io.ByteArrayOutputStream into) {
    Thread reader = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          synchronized (into) {
            into.write(buffer, 0, n);
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "ejup-process-reader");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  /** The java command and class path that run ejup's main, with a prefix such as runuser (may be empty). */
  public static List<String> command(List<String> prefix, String classPath, String... args) {
    List<String> all = new ArrayList<>(prefix);
    all.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    all.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
        "-Djdk.net.hosts.file=" + Path.of("src/test/resources/hosts").toAbsolutePath(), "-cp", classPath, "dev.ejup.Ejup"));
    all.addAll(List.of(args));
    return all;
  }

  public static String testClassPath() {
    return System.getProperty("java.class.path");
  }

  /** The class path's entries, for copying them where another user can read them. */
  public static List<Path> classPathEntries() {
    List<Path> entries = new ArrayList<>();
    for (String entry : testClassPath().split(java.io.File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(Path.of(entry));
      }
    }
    return entries;
  }

  /** A bare process whose stdout is thrown away: for runs that race each other or are killed midway. */
  public static Process startRaw(String... args) throws IOException {
    return new ProcessBuilder(command(List.of(), testClassPath(), args)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.PIPE).start();
  }

  /** Waits for a process from {@link #startRaw}; its out is empty. */
  public static Result await(Process p, long seconds) throws IOException, InterruptedException {
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ejup did not finish in " + seconds + " s");
    }
    return new Result(p.exitValue(), "", new String(err, StandardCharsets.UTF_8));
  }

  public record Result(int exitCode, String out, String err) {}
}
