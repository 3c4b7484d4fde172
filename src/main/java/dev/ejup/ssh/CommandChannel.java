package dev.ejup.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Many commands over one SSH exec channel. sshd starts every command through the user's login
 * shell, and Debian's bash then reads ~/.bashrc (pyenv, nvm, conda...): measured 1 s per command
 * on a test box, so a docroot check of a dozen commands took longer than a check's deadline. Here
 * the login shell starts once, runs a small POSIX sh loop, and each command after that costs one
 * round trip. Commands are sent octal-escaped on one line (printf %b, no base64 needed); each
 * answer is "EXIT OUTBYTES ERRBYTES\n" then the two outputs, byte-exact.
 */
final class CommandChannel implements AutoCloseable {
  static final String READY = "EJUP-COMMANDS-1";
  private static final String LOOP = String.join("\n",
      "d=$(mktemp -d) || exit 1",
      // a signal ends the loop through EXIT, so the directory goes too; PIPE too: when ejup gave
      // up on a command and closed the channel, the answer's printf would kill sh without a trap
      "trap 'rm -rf \"$d\"' EXIT",
      "trap 'exit 1' HUP INT TERM PIPE",
      "echo " + READY,
      "while IFS= read -r l; do",
      "  printf '%b' \"$l\" > \"$d/c\" || exit 1",
      "  sh \"$d/c\" </dev/null >\"$d/o\" 2>\"$d/e\"",
      "  x=$?",
      "  printf '%s %s %s\\n' \"$x\" \"$(wc -c <\"$d/o\" | tr -d ' ')\" \"$(wc -c <\"$d/e\" | tr -d ' ')\"",
      "  cat \"$d/o\" \"$d/e\"",
      "done");

  private final Runnable closer;
  private final java.util.function.BooleanSupplier ended;
  private final InputStream in;
  private final OutputStream out;

  /**
   * Over any pair of streams that reach the loop's stdout and stdin (tests run it in a local sh).
   * ended says whether the other side is gone: JSch's stream does not end by itself when the
   * connection drops.
   */
  CommandChannel(InputStream in, OutputStream out, Runnable closer, java.util.function.BooleanSupplier ended) {
    this.closer = closer;
    this.ended = ended;
    this.in = in;
    this.out = out;
  }

  /** The sh script that serves the commands. */
  static String loop() {
    return LOOP;
  }

  /**
   * Reads up to the marker; false when the stream ended or the time ran out first (a forced
   * command or a menu instead of a shell would otherwise keep ejup waiting for ever). A login
   * script may print anything before it, even without a final newline.
   */
  static boolean awaitReady(InputStream in, long timeoutMillis, java.util.function.BooleanSupplier ended) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (awaitInput(in, deadline, ended) == Waited.INPUT) {
      int c = in.read();
      if (c == -1) {
        return false;
      }
      if (c != '\n') {
        line.write(c);
      } else if (line.toString(StandardCharsets.UTF_8).endsWith(READY)) {
        return true;
      } else {
        line.reset();
      }
    }
    return false;
  }

  private enum Waited { INPUT, ENDED, TIMED_OUT }

  /**
   * Waits until the stream has bytes, the other side is gone, or the deadline passes. JSch's
   * stream has no read timeout and does not end when the connection drops, hence the polling.
   */
  private static Waited awaitInput(InputStream in, long deadlineNanos, java.util.function.BooleanSupplier ended) throws IOException {
    while (in.available() == 0) {
      if (ended.getAsBoolean() && in.available() == 0) {
        return Waited.ENDED;
      }
      if (System.nanoTime() >= deadlineNanos) {
        return Waited.TIMED_OUT;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
    }
    return Waited.INPUT;
  }

  /** The loop, started; null when this server cannot run it (a restricted shell): then one channel per command. */
  static CommandChannel open(Session session, int timeoutMillis) {
    ChannelExec channel = null;
    try {
      channel = (ChannelExec) session.openChannel("exec");
      channel.setCommand("exec sh -c " + Quote.arg(LOOP));
      channel.setErrStream(OutputStream.nullOutputStream());
      InputStream in = channel.getInputStream();
      OutputStream out = channel.getOutputStream();
      channel.connect(timeoutMillis);
      // whatever a login script prints comes before the marker
      ChannelExec opened = channel;
      java.util.function.BooleanSupplier ended = () -> opened.isClosed() || !session.isConnected();
      if (awaitReady(in, timeoutMillis, ended)) {
        return new CommandChannel(in, out, opened::disconnect, ended);
      }
    } catch (JSchException | IOException e) {
      // fall through: the caller runs commands one channel each, as before
    }
    if (channel != null) {
      channel.disconnect();
    }
    return null;
  }

  /** Runs one shell command line; throws EOFException when the connection or the loop died meanwhile. */
  Shell.Result run(String command, long timeoutMillis) throws IOException {
    out.write((escape(command) + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    awaitAnswer(timeoutMillis);
    String header = readLine(in);
    if (header == null) {
      throw new EOFException("channel closed");
    }
    String[] f = header.split(" ");
    if (f.length != 3) {
      throw new IOException("unexpected answer '" + header + "'");
    }
    int exit = Integer.parseInt(f[0]);
    String stdout = readExactly(Integer.parseInt(f[1]));
    String stderr = readExactly(Integer.parseInt(f[2]));
    return new Shell.Result(exit, stdout, stderr);
  }

  /** Thrown when a command has not answered in time; the loop is then busy with it for good. */
  static final class Timeout extends IOException {
    Timeout(long millis) {
      super("no answer in " + millis / 1000 + " s");
    }
  }

  /** The answer's header is written only when the command has ended, so waiting for its first byte bounds the command. */
  private void awaitAnswer(long timeoutMillis) throws IOException {
    switch (awaitInput(in, System.nanoTime() + timeoutMillis * 1_000_000, ended)) {
      case ENDED -> throw new EOFException("the other side is gone");
      case TIMED_OUT -> throw new Timeout(timeoutMillis);
      case INPUT -> { }
    }
  }

  private String readExactly(int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException("channel closed mid-answer");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Every byte that is not plainly safe as \0ooo, so the line survives read -r and printf %b exactly. */
  static String escape(String command) {
    StringBuilder s = new StringBuilder();
    for (byte b : command.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_./:=@,+ ".indexOf(c) >= 0) {
        s.append((char) c);
      } else {
        s.append(String.format("\\0%03o", c));
      }
    }
    return s.toString();
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c; (c = in.read()) != -1; ) {
      if (c == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(c);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    closer.run();
  }
}
