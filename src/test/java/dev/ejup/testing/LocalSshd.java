package dev.ejup.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real OpenSSH server on 127.0.0.1 started by scripts/local-sshd. */
public final class LocalSshd {
  // what StopServersAtEnd stops: the named servers still up, and the shared one if a test started it
  private static final Map<String, LocalSshd> STARTED = new LinkedHashMap<>();
  private static boolean sharedStartedByTests;

  private final Map<String, String> env = new LinkedHashMap<>();

  private String name;

  public static LocalSshd up() {
    LocalSshd sshd = new LocalSshd();
    synchronized (STARTED) {
      // one already running before the tests (a developer's) is left as found
      sharedStartedByTests |= !running();
    }
    String out = LocalEjabberd.Shell.run(List.of("scripts/local-sshd", "up"), 180).requireOk("scripts/local-sshd up").out();
    sshd.env.putAll(LocalEjabberd.Shell.envLines(out, "EJUP_SSH_"));
    return sshd;
  }

  /** A second server beside the first (same users and keys) on port, e.g. a jump host; {@link #down()} removes it. */
  public static LocalSshd up(String name, int port) {
    LocalSshd sshd = new LocalSshd();
    sshd.name = name;
    synchronized (STARTED) {
      STARTED.put(name, sshd);
    }
    String out = LocalEjabberd.Shell.run(List.of("scripts/local-sshd", "up", "--name", name, "--port", String.valueOf(port)), 180)
        .requireOk("scripts/local-sshd up --name " + name).out();
    sshd.env.putAll(LocalEjabberd.Shell.envLines(out, "EJUP_SSH_"));
    return sshd;
  }

  /** Whether the shared server is running now (so a test class that starts it can stop it again). */
  public static boolean running() {
    try {
      String pid = java.nio.file.Files.readString(java.nio.file.Path.of("/var/lib/ejup-test/sshd/sshd.pid")).strip();
      return java.nio.file.Files.exists(java.nio.file.Path.of("/proc", pid));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Stops the shared server; for a test class that started it, so the suite leaves no server behind. */
  public static void downShared() {
    LocalEjabberd.Shell.run(List.of("scripts/local-sshd", "down"), 30).requireOk("scripts/local-sshd down");
    synchronized (STARTED) {
      sharedStartedByTests = false;
    }
  }

  /** Whether a test started the shared server (rather than finding it running) and it may still run. */
  static boolean sharedStartedByTests() {
    synchronized (STARTED) {
      return sharedStartedByTests;
    }
  }

  /** The named servers started and not stopped yet. */
  static java.util.Collection<LocalSshd> started() {
    synchronized (STARTED) {
      return new java.util.ArrayList<>(STARTED.values());
    }
  }

  /** Stops a server started with {@link #up(String, int)} and removes its files. */
  public void down() {
    if (name == null) {
      throw new IllegalStateException("the shared sshd is left to scripts/local-sshd down");
    }
    LocalEjabberd.Shell.run(List.of("scripts/local-sshd", "down", "--name", name), 30).requireOk("scripts/local-sshd down --name " + name);
    synchronized (STARTED) {
      STARTED.remove(name);
    }
  }

  public String get(String key) {
    String value = env.get("EJUP_SSH_" + key);
    if (value == null) {
      throw new IllegalStateException("scripts/local-sshd printed no EJUP_SSH_" + key);
    }
    return value;
  }

  /** The ejup options that reach this server as user. */
  public List<String> args(String user) {
    return List.of("--ssh", user + "@127.0.0.1:" + get("PORT"), "--identity", get("KEY"), "--known-hosts", get("KNOWN_HOSTS"));
  }
}
