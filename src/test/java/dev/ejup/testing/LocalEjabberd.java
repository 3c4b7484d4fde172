package dev.ejup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real ejabberd started by scripts/local-ejabberd (installs the Debian package if missing).
 * Each test class names its own instance. Ports: {@link #up(String)} takes a base the OS shows
 * free at run time; a class whose configs spell port numbers out passes its own base instead, and
 * owns base .. base+99 (its "server that is down" ports included). Those bases, one per class:
 * 16000 RealEjabberdConfigIT, 17000 CheckIT, 21000 PlayIT, 23000 RealRunFormatsIT. Run-time bases
 * come from 24000-32699, below Linux's ephemeral ports (32768+), so a client socket never takes
 * one; an overlap between two instances of one run is refused at once instead of failing later.
 */
public final class LocalEjabberd {
  // every instance brought up in this JVM, so StopServersAtEnd can stop the ones still running
  private static final Map<String, LocalEjabberd> STARTED = new LinkedHashMap<>();
  /** The ports one instance owns from its base: its four listeners, room for more, and ports tests keep closed. */
  static final int PORTS_PER_INSTANCE = 100;

  private final String name;
  private final int portBase;
  private final int vhosts;
  private final String version;
  private final Map<String, String> env = new LinkedHashMap<>();

  /** The ejabberd releases scripts/local-ejabberd runs: Debian 12's package, then scripts/ejabberd-release's. */
  public static final List<String> VERSIONS = List.of("23.01", "24.12", "26.07");

  private LocalEjabberd(String name, int portBase, int vhosts, String version) {
    this.name = name;
    this.portBase = portBase;
    this.vhosts = vhosts;
    this.version = version;
  }

  public static LocalEjabberd up(String name, int portBase) {
    return up(name, portBase, 0);
  }

  /** On a port base that is free now (read the ports back with {@link #get}, e.g. XMPP_PORT). */
  public static LocalEjabberd up(String name) {
    return up(name, freePortBase(name), 0);
  }

  /** On a port base that is free now, with vhosts virtual hosts vh1.localhost .. beside localhost. */
  public static LocalEjabberd upWithVhosts(String name, int vhosts) {
    return up(name, freePortBase(name), vhosts);
  }

  /**
   * A base whose listener ports nothing listens on now and that no other instance of this run owns.
   * Instances from other runs are kept apart by the flock every integration run holds (see BRIEF).
   */
  static int freePortBase(String name) {
    int start = 24000 + Math.floorMod(name.hashCode(), 87) * PORTS_PER_INSTANCE;
    for (int i = 0; i < 87; i++) {
      int base = 24000 + Math.floorMod(start - 24000 + i * PORTS_PER_INSTANCE, 87 * PORTS_PER_INSTANCE);
      if (owner(base, name) == null && bindable(base, 10)) {
        return base;
      }
    }
    throw new IllegalStateException("no free port base between 24000 and 32699 on 127.0.0.1");
  }

  private static boolean bindable(int base, int count) {
    for (int port = base; port < base + count; port++) {
      try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
        socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /** The other instance of this run whose ports overlap base's, or null. */
  private static String owner(int base, String name) {
    synchronized (STARTED) {
      for (LocalEjabberd other : STARTED.values()) {
        if (!other.name.equals(name) && Math.abs(other.portBase - base) < PORTS_PER_INSTANCE) {
          return other.name;
        }
      }
    }
    return null;
  }

  /**
   * ejabberd release version (one of {@link #VERSIONS}; 24.12 and 26.07 are installed and cached
   * under /var/cache/ejup-test on first use) on a port base that is free now.
   */
  public static LocalEjabberd up(String name, String version) {
    return up(name, freePortBase(name), 0, version);
  }

  /** With vhosts virtual hosts vh1.localhost .. beside localhost, each with the hc account. */
  public static LocalEjabberd up(String name, int portBase, int vhosts) {
    return up(name, portBase, vhosts, "23.01");
  }

  private static LocalEjabberd up(String name, int portBase, int vhosts, String version) {
    if (!VERSIONS.contains(version)) {
      throw new IllegalArgumentException("no ejabberd " + version + " for tests; known: " + VERSIONS);
    }
    LocalEjabberd server = new LocalEjabberd(name, portBase, vhosts, version);
    synchronized (STARTED) {
      String other = owner(portBase, name);
      if (other != null) {
        throw new IllegalStateException("port base " + portBase + " of " + name + " overlaps " + other + "'s; see LocalEjabberd's doc");
      }
      STARTED.put(name, server); // before the script: a start that fails half-way still gets stopped
    }
    server.env.putAll(Shell.envLines(server.script("up"), "EJUP_TEST_"));
    return server;
  }

  public String script(String command) {
    return Shell.run(List.of("scripts/local-ejabberd", command, "--name", name, "--port-base", Integer.toString(portBase),
            "--vhosts", Integer.toString(vhosts), "--version", version), 600)
        .requireOk("scripts/local-ejabberd " + command).out();
  }

  /** The release this instance runs, e.g. 24.12. */
  public String version() {
    return version;
  }

  /** The first port of the base..base+99 range this instance owns (its four listeners, then free ones). */
  public int portBase() {
    return portBase;
  }

  public void down() {
    script("down");
  }

  /** The instances this JVM brought up whose Erlang node still runs (a test may have started one again by hand). */
  static List<LocalEjabberd> running() {
    List<LocalEjabberd> all;
    synchronized (STARTED) {
      all = new ArrayList<>(STARTED.values());
    }
    // not ejabberdctl status: on a node that is not running it starts epmd, which outlives the run
    all.removeIf(server -> Shell.run(List.of("pgrep", "-f", "--", server.name + "@localhost"), 10).exit() != 0);
    return all;
  }

  /** Joins this running node to other's cluster (same Erlang cookie); the hc account is then the cluster's, with other's password. */
  public void join(LocalEjabberd other) {
    Shell.run(List.of("scripts/local-ejabberd", "join", "--name", name, "--port-base", Integer.toString(portBase),
        "--cluster", other.name), 180).requireOk("scripts/local-ejabberd join");
  }

  /**
   * Stops the node and starts it again with the given OpenSSL configuration (OPENSSL_CONF: read by
   * OpenSSL when ejabberd's TLS starts, e.g. to allow only some groups or cipher suites), a file
   * the ejabberd user can read; returns when it has started.
   */
  public void restartWithOpenSsl(Path conf) {
    down();
    Shell.run(List.of("env", "OPENSSL_CONF=" + conf, "scripts/local-ejabberd", "start", "--name", name), 180)
        .requireOk("ejabberd start with " + conf);
  }

  /**
   * Stops the node and starts it on the config it has now (a test's own, not the pristine one);
   * returns when ejabberd runs in it, or throws with the script's words (a config it refuses).
   */
  public void restart() {
    down();
    script("start");
  }

  /** An OpenSSL configuration beside the instance's ejabberd.yml whose system defaults are the given lines (e.g. "Groups = P-384"). */
  public Path openSslConf(String name, String... defaults) {
    try {
      Path conf = Files.writeString(config().resolveSibling(name), "openssl_conf = openssl_init\n[openssl_init]\nssl_conf = ssl_sect\n"
          + "[ssl_sect]\nsystem_default = system_default_sect\n[system_default_sect]\n" + String.join("\n", defaults) + "\n");
      Files.setPosixFilePermissions(conf, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      return conf;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Puts the config the script wrote back and reloads it (a test may have changed it). */
  public void reset() {
    script("reset");
  }

  public String get(String key) {
    String value = env.get("EJUP_TEST_" + key);
    if (value == null) {
      throw new IllegalStateException("scripts/local-ejabberd printed no EJUP_TEST_" + key + ": " + env);
    }
    return value;
  }

  public Path config() {
    return Path.of(get("CONFIG"));
  }

  public String password() {
    try {
      return Files.readString(Path.of(get("PASSWORD_FILE"))).strip();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Shell.Result ctl(String... args) {
    List<String> command = new ArrayList<>(List.of(get("CTL")));
    command.addAll(List.of(args));
    return Shell.run(command, 120);
  }

  /**
   * Calls a function on the running node through Erlang's erl_call, e.g. {@code ejabberd_admin
   * reload_config} (what {@code ejabberdctl reload_config} runs): 0.15 s where ejabberdctl, which
   * boots an Erlang VM per call, takes 3 s. Its out is the Erlang term the call returned.
   */
  public Shell.Result rpc(String moduleFunctionArgs) {
    String cookie;
    try {
      cookie = Files.readString(Path.of(get("COOKIE_FILE"))).strip();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Shell.run(List.of("/usr/lib/erlang/bin/erl_call", "-sname", get("NODE"), "-c", cookie, "-a", moduleFunctionArgs), 120);
  }

  /**
   * Evaluates Erlang expressions on the running node (erl_call -e): its out is {@code {ok, Value}}
   * with the last expression's value.
   */
  public Shell.Result eval(String expressions) {
    try {
      Path file = Files.createTempFile("ejup-eval", ".erl");
      try {
        Files.writeString(file, expressions, StandardCharsets.UTF_8);
        String cookie = Files.readString(Path.of(get("COOKIE_FILE"))).strip();
        return Shell.run(List.of("sh", "-c", "exec /usr/lib/erlang/bin/erl_call -sname \"$1\" -c \"$2\" -e < \"$3\"", "eval",
            get("NODE"), cookie, file.toString()), 120);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a config as ejabberd's user can read it (owner ejabberd, mode 640), without loading it. */
  public void write(String yaml) {
    try {
      Files.writeString(config(), yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Shell.run(List.of("chown", "ejabberd:ejabberd", config().toString()), 10).requireOk("chown");
    Shell.run(List.of("chmod", "640", config().toString()), 10).requireOk("chmod");
  }

  /** Writes a new config (as ejabberd's user can read it) and asks ejabberd to load it. */
  public Shell.Result load(String yaml) {
    try {
      Files.writeString(config(), yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Shell.run(List.of("chown", "ejabberd:ejabberd", config().toString()), 10).requireOk("chown");
    return ctl("reload_config");
  }

  /** The small shell every integration test needs: run, wait with a bound, capture. */
  public static final class Shell {
    public record Result(int exit, String out) {
      public Result requireOk(String what) {
        if (exit != 0) {
          throw new IllegalStateException(what + " failed (exit " + exit + "):\n" + out);
        }
        return this;
      }
    }

    /** The KEY=VALUE lines a script printed whose key starts with prefix. */
    public static Map<String, String> envLines(String out, String prefix) {
      Map<String, String> env = new LinkedHashMap<>();
      for (String line : out.split("\n")) {
        int eq = line.indexOf('=');
        if (line.startsWith(prefix) && eq > 0) {
          env.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return env;
    }

    public static Result run(List<String> command, int timeoutSeconds) {
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[][] output = new byte[1][];
        Thread reader = new Thread(() -> {
          try {
            output[0] = p.getInputStream().readAllBytes();
          } catch (IOException e) {
            output[0] = new byte[0];
          }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + "s");
        }
        reader.join(5000);
        return new Result(p.exitValue(), new String(output[0] == null ? new byte[0] : output[0], StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + command + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
