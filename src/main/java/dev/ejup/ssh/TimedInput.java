package dev.ejup.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A proxied stream (a jump host's channel, a ProxyCommand's output) read with the timeout JSch
 * sets on its socket. JSch bounds a silent server only through Socket.setSoTimeout, and a proxy
 * has no socket: without this, a server behind a jump host that accepts and then says nothing
 * would hang ejup for ever. {@link #socket()} is the stand-in JSch sets the timeout on.
 */
final class TimedInput extends InputStream {
  private static final byte[] END = new byte[0];
  private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(16);
  private volatile int timeoutMillis;
  private byte[] chunk = new byte[0];
  private int at;
  private boolean ended;

  TimedInput(InputStream source, String name) {
    Thread pump = new Thread(() -> {
      try (source) {
        byte[] buf = new byte[16384];
        for (int n; (n = source.read(buf)) >= 0; ) {
          if (n > 0) {
            chunks.put(java.util.Arrays.copyOf(buf, n));
          }
        }
        chunks.put(END);
      } catch (IOException e) {
        chunks.offer(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    pump.setDaemon(true);
    pump.start();
  }

  /** A socket only in name: JSch sets its read timeout here (and on nothing else of it). */
  Socket socket() {
    return new Socket() {
      @Override
      public void setSoTimeout(int timeout) {
        timeoutMillis = timeout;
      }

      @Override
      public int getSoTimeout() {
        return timeoutMillis;
      }
    };
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (at == chunk.length && !next()) {
      return -1;
    }
    int n = Math.min(len, chunk.length - at);
    System.arraycopy(chunk, at, b, off, n);
    at += n;
    return n;
  }

  private boolean next() throws IOException {
    if (ended) {
      return false;
    }
    Object item;
    try {
      int timeout = timeoutMillis;
      item = timeout > 0 ? chunks.poll(timeout, TimeUnit.MILLISECONDS) : chunks.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
    if (item == null) {
      throw new SocketTimeoutException("nothing received in " + timeoutMillis + " ms");
    }
    if (item instanceof IOException e) {
      ended = true;
      throw e;
    }
    if (item == END) {
      ended = true;
      return false;
    }
    chunk = (byte[]) item;
    at = 0;
    return true;
  }

  @Override
  public int available() {
    return chunk.length - at;
  }
}
