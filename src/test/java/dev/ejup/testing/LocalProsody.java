package dev.ejup.testing;

import java.util.List;
import java.util.Map;

/**
 * A real Prosody 0.12 started by scripts/local-prosody (installs Debian's prosody and
 * prosody-modules if missing) on a port base free at run time; its hosts and upload services are
 * listed in that script. {@link #down()} stops it; scripts/test's cleanup stops any left over.
 */
public final class LocalProsody {
  private final String name;
  private final Map<String, String> env;

  private LocalProsody(String name, Map<String, String> env) {
    this.name = name;
    this.env = env;
  }

  /** recorderPort: the upload server the test module's slots point at (9, discard, when none). */
  public static LocalProsody up(String name, int recorderPort) {
    int base = LocalEjabberd.freePortBase(name);
    String out = LocalEjabberd.Shell.run(List.of("scripts/local-prosody", "up", "--name", name, "--port-base", Integer.toString(base),
        "--recorder", Integer.toString(recorderPort)), 300).requireOk("scripts/local-prosody up").out();
    return new LocalProsody(name, LocalEjabberd.Shell.envLines(out, "EJUP_TEST_"));
  }

  public String get(String key) {
    String value = env.get("EJUP_TEST_" + key);
    if (value == null) {
      throw new IllegalStateException("scripts/local-prosody printed no EJUP_TEST_" + key);
    }
    return value;
  }

  public void down() {
    LocalEjabberd.Shell.run(List.of("scripts/local-prosody", "down", "--name", name), 60).requireOk("scripts/local-prosody down");
  }
}
