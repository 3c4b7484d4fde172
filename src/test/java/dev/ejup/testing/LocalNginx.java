package dev.ejup.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian's nginx-light) run by scripts/local-nginx in the foreground: TLS on
 * 127.0.0.1 with the test CA's localhost certificate, and the given text inside its server block.
 * Its pid, logs and temp files stay in /var/lib/ejup-test/nginx-NAME. {@link #close()} stops it;
 * {@link StopServersAtEnd} stops any a test left running.
 */
public final class LocalNginx implements AutoCloseable {
  private static final List<LocalNginx> STARTED = new ArrayList<>();

  private final Path dir;
  private final int port;
  private Process process;

  private LocalNginx(String name, int port) {
    this.dir = Path.of("/var/lib/ejup-test", "nginx-" + name);
    this.port = port;
  }

  /** A port nothing listens on now, for nginx to take. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An nginx that is not started yet: {@link #test} and {@link #start} take the server block's inside. */
  public static LocalNginx on(String name, int port) {
    return new LocalNginx(name, port);
  }

  public int port() {
    return port;
  }

  private Path site(String inside) throws IOException {
    Files.createDirectories(dir);
    Path site = dir.resolve("site.conf");
    Files.writeString(site, inside, StandardCharsets.UTF_8);
    return site;
  }

  /** nginx -t on a server block holding inside: its exit code and output. */
  public LocalEjabberd.Shell.Result test(String inside) throws IOException {
    return LocalEjabberd.Shell.run(List.of("scripts/local-nginx", "test", "--dir", dir.toString(), "--port", Integer.toString(port),
        "--site", site(inside).toString()), 120);
  }

  /** Stops the running nginx, if any, and starts it again with inside in its server block; returns when it accepts. */
  public LocalNginx start(String inside) throws IOException, InterruptedException {
    close();
    Path site = site(inside);
    process = new ProcessBuilder("scripts/local-nginx", "run", "--dir", dir.toString(), "--port", Integer.toString(port),
        "--site", site.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
    synchronized (STARTED) {
      STARTED.add(this);
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + Files.readString(dir.resolve("stdout"))
            + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return this;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nginx did not listen on 127.0.0.1:" + port + " within 120 s");
  }

  /** nginx's error log so far (what it said about the proxied requests). */
  public String errorLog() throws IOException {
    Path log = dir.resolve("error.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() {
    Process running = process;
    process = null;
    if (running != null && running.isAlive()) {
      running.destroy(); // SIGTERM: nginx's fast shutdown, workers included
      try {
        if (!running.waitFor(30, TimeUnit.SECONDS)) {
          running.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The nginx servers this JVM started that still run. */
  static List<LocalNginx> running() {
    synchronized (STARTED) {
      return STARTED.stream().filter(n -> n.process != null && n.process.isAlive()).toList();
    }
  }
}
