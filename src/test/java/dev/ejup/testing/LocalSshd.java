package dev.ejup.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real OpenSSH server on 127.0.0.1 started by scripts/local-sshd. */
public final class LocalSshd {
  private final Map<String, String> env = new LinkedHashMap<>();

  private String name;

  public static LocalSshd up() {
    LocalSshd sshd = new LocalSshd();
    String out = LocalEjabberd.Shell.run(List.of("scripts/local-sshd", "up"), 180).requireOk("scripts/local-sshd up").out();
    sshd.env.putAll(LocalEjabberd.Shell.envLines(out, "EJUP_SSH_"));
    return sshd;
  }

  /** A second server beside the first (same users and keys) on port, e.g. a jump host; {@link #down()} removes it. */
  public static LocalSshd up(String name, int port) {
    LocalSshd sshd = new LocalSshd();
    sshd.name = name;
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
  }

  /** Stops a server started with {@link #up(String, int)} and removes its files. */
  public void down() {
    if (name == null) {
      throw new IllegalStateException("the shared sshd is left to scripts/local-sshd down");
    }
    LocalEjabberd.Shell.run(List.of("scripts/local-sshd", "down", "--name", name), 30).requireOk("scripts/local-sshd down --name " + name);
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
