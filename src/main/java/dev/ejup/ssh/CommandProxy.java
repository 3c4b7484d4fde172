package dev.ejup.ssh;

import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.SocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * ProxyCommand: the SSH stream goes through a command's standard input and output, run as ssh runs
 * it ({@code /bin/sh -c "exec COMMAND"}, tokens already expanded). Its standard error is kept (the
 * last few KiB) to say why it failed, as ssh would have shown it.
 */
final class CommandProxy implements Proxy {
  private static final int KEEP = 4096;
  private final String command;
  private Process process;
  private TimedInput in;
  private Thread drain;
  /** JSch closes the proxy itself when connect fails: whether the command was still running then. */
  private volatile boolean runningWhenClosed;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  CommandProxy(String command) {
    this.command = command;
  }

  @Override
  public void connect(SocketFactory ignored, String host, int port, int timeout) throws IOException {
    process = new ProcessBuilder("/bin/sh", "-c", "exec " + command).start();
    in = new TimedInput(process.getInputStream(), "ejup-proxycommand");
    drain = new Thread(() -> {
      byte[] buf = new byte[1024];
      try (InputStream stderr = process.getErrorStream()) {
        for (int n; (n = stderr.read(buf)) > 0; ) {
          synchronized (err) {
            if (err.size() > KEEP) {
              byte[] tail = err.toByteArray();
              err.reset();
              err.write(tail, tail.length - KEEP / 2, KEEP / 2);
            }
            err.write(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // the command ended
      }
    }, "ejup-proxycommand-stderr");
    drain.setDaemon(true);
    drain.start();
  }

  /** Why the command failed, in words: its last line on standard error, or how it ended. */
  String failure() {
    if (process == null) {
      return null;
    }
    try {
      process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
      // its last words may still be on their way through the pipe
      drain.join(process.isAlive() ? 1 : 2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String said;
    synchronized (err) {
      said = err.toString(StandardCharsets.UTF_8).strip();
    }
    String last = said.isEmpty() ? "" : said.substring(said.lastIndexOf('\n') + 1).strip();
    String ended = process.isAlive() || runningWhenClosed ? "it was still running but had sent no SSH server greeting"
        : "it exited with status " + process.exitValue();
    return last.isEmpty() ? ended : last + " (" + ended + ")";
  }

  @Override
  public InputStream getInputStream() {
    return in;
  }

  @Override
  public OutputStream getOutputStream() {
    return process.getOutputStream();
  }

  @Override
  public Socket getSocket() {
    return in == null ? null : in.socket();
  }

  @Override
  public void close() {
    if (process != null) {
      runningWhenClosed |= process.isAlive();
      process.destroy();
    }
  }
}
