package dev.ejup.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real OpenSSH server on 127.0.0.1 started by scripts/local-sshd. */
public final class LocalSshd {
  private final Map<String, String> env = new LinkedHashMap<>();

  public static LocalSshd up() {
    LocalSshd sshd = new LocalSshd();
    String out = LocalEjabberd.Shell.run(List.of("scripts/local-sshd", "up"), 180).requireOk("scripts/local-sshd up").out();
    sshd.env.putAll(LocalEjabberd.Shell.envLines(out, "EJUP_SSH_"));
    return sshd;
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
