package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that, after the stream header, sends one attribute value or one text node forever:
 * ejup, run as users run it (its own JVM, here with a 256 MiB heap), fails CRITICAL at connect
 * with one line, long before its deadline, and its memory stays flat. Each way into the stream
 * is covered: plain, after STARTTLS, and direct TLS.
 */
class HostileXmppTest {
  /**
   * ejup's --deadline: what an unbounded read would run into (or the heap first). Long, so the
   * bound below can be generous for a loaded machine (JVM start and TLS under load 25 on 2 cores
   * took more than 15 s) and still tell "stopped at the limit" from "stopped at the deadline".
   */
  private static final int DEADLINE = 60;
  private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
      + "xmlns:stream='http://etherx.jabber.org/streams' id='hostile' from='localhost' version='1.0' xml:lang='en'>";
  private static final String STARTTLS = "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";

  @TempDir
  static Path dir;
  private static SSLContext serverTls;

  @BeforeAll
  static void certificate() throws Exception {
    serverTls = dev.ejup.testing.SelfSignedTls.serverContext(dir);
  }

  /** What the hostile server sends once the stream is open, forever: the attribute or the text. */
  private enum Flood {
    ATTRIBUTE("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl' a='", 'a'),
    TEXT("", 'x'),
    NESTING("", '<');

    final String start;
    final byte fill;

    Flood(String start, char fill) {
      this.start = start;
      this.fill = (byte) fill;
    }
  }

  private enum Way { PLAIN, STARTTLS, DIRECT_TLS }

  @Test
  void anEndlessAttributeBeforeTls() throws Exception {
    assertBounded(Way.PLAIN, Flood.ATTRIBUTE, "an attribute value of more than");
  }

  @Test
  void anEndlessTextNodeBeforeTls() throws Exception {
    assertBounded(Way.PLAIN, Flood.TEXT, "more than 1 MiB of text between stanzas");
  }

  @Test
  void endlessNesting() throws Exception {
    assertBounded(Way.PLAIN, Flood.NESTING, "XML nested deeper than");
  }

  @Test
  void anEndlessAttributeAfterStartTls() throws Exception {
    assertBounded(Way.STARTTLS, Flood.ATTRIBUTE, "an attribute value of more than");
  }

  @Test
  void anEndlessTextNodeAfterStartTls() throws Exception {
    assertBounded(Way.STARTTLS, Flood.TEXT, "more than 1 MiB of text between stanzas");
  }

  @Test
  void anEndlessAttributeOverDirectTls() throws Exception {
    assertBounded(Way.DIRECT_TLS, Flood.ATTRIBUTE, "an attribute value of more than");
  }

  private void assertBounded(Way way, Flood flood, String expected) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> serve(listener, way, flood), "hostile-xmpp");
      server.setDaemon(true);
      server.start();
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-Djdk.net.hosts.file=" + Path.of("src/test/resources/hosts").toAbsolutePath(),
          "-cp", System.getProperty("java.class.path"), "dev.ejup.Ejup", "check", "--jid", "monitor@localhost",
          "--server", "127.0.0.1:" + listener.getLocalPort(), "--deadline", String.valueOf(DEADLINE), "--no-probes"));
      if (way != Way.PLAIN) {
        command.add("--insecure"); // the test's certificate is self-signed; the bound is what is tested
      }
      if (way == Way.DIRECT_TLS) {
        command.add("--direct-tls");
      }
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("EJUP_PASSWORD", "secret");
      long start = System.nanoTime();
      Process ejup = builder.start();
      ByteArrayOutputStream out = drain(ejup.getInputStream());
      ByteArrayOutputStream err = drain(ejup.getErrorStream());
      long peakKib = 0;
      while (!ejup.waitFor(20, TimeUnit.MILLISECONDS)) {
        peakKib = Math.max(peakKib, peakRssKib(ejup.pid()));
        if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(DEADLINE + 60)) {
          ejup.destroyForcibly();
          throw new AssertionError("ejup ran past its deadline");
        }
      }
      double took = (System.nanoTime() - start) / 1e9;
      String said = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
      assertEquals(2, ejup.exitValue(), said);
      java.util.regex.Pattern step = java.util.regex.Pattern.compile("\\s+\\S+\\s+([0-9.]+)s\\s+connect\\s.*");
      String connect = said.lines().filter(l -> step.matcher(l).matches()).findFirst()
          .orElseThrow(() -> new AssertionError("no connect step in:\n" + said));
      assertTrue(connect.trim().startsWith("CRITICAL"), said);
      assertTrue(connect.contains(expected) && connect.contains("ejup stopped reading there"), said);
      assertFalse(said.contains("Exception") || said.contains("Error") || said.contains("\tat ") || said.contains("java."), said);
      // the bound acts at once, not at the deadline: timed by ejup's own clock for the connect step, so a
      // JVM that starts slowly on a loaded machine does not count; half the deadline is generous slack
      java.util.regex.Matcher m = step.matcher(connect);
      assertTrue(m.matches(), connect);
      double connectSeconds = Double.parseDouble(m.group(1));
      assertTrue(connectSeconds < DEADLINE / 2.0, "the connect step took " + connectSeconds + "s of the " + DEADLINE + "s deadline: " + connect);
      // measured: 80-90 MiB, what the JVM takes for any check; the endless stream used to fill the 256 MiB heap
      assertTrue(peakKib == 0 || peakKib < 180 * 1024, "peak RSS " + peakKib / 1024 + " MiB");
      System.out.println(way + " " + flood + ": CRITICAL after " + connectSeconds + "s in connect (" + took + "s with the JVM), peak RSS "
          + peakKib / 1024 + " MiB");
    }
  }

  private static ByteArrayOutputStream drain(InputStream in) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    Thread t = new Thread(() -> {
      try {
        in.transferTo(sink);
      } catch (IOException e) {
        // the process ended
      }
    });
    t.setDaemon(true);
    t.start();
    return sink;
  }

  /** VmHWM: the most resident memory the process ever had, read while it runs. */
  private static long peakRssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process ended between two looks
    }
    return 0;
  }

  private static void serve(ServerSocket listener, Way way, Flood flood) {
    try (Socket accepted = listener.accept()) {
      Socket socket = accepted;
      if (way == Way.DIRECT_TLS) {
        socket = serverSide(accepted);
      }
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      readUntil(in, ">", ">"); // the client's <?xml ...?> or its stream header
      if (way == Way.STARTTLS) {
        out.write((HEADER + STARTTLS).getBytes(StandardCharsets.UTF_8));
        out.flush();
        readUntil(in, "starttls", ">");
        out.write("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>".getBytes(StandardCharsets.UTF_8));
        out.flush();
        socket = serverSide(accepted);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        readUntil(in, "stream:stream", ">");
      }
      out.write((HEADER + flood.start).getBytes(StandardCharsets.UTF_8));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, flood.fill);
      if (flood == Flood.NESTING) {
        for (int i = 0; i < chunk.length; i += 4) {
          chunk[i] = '<';
          chunk[i + 1] = 'a';
          chunk[i + 2] = 'b';
          chunk[i + 3] = '>';
        }
      }
      while (true) {
        out.write(chunk);
      }
    } catch (IOException e) {
      // ejup hung up: what the test wants
    }
  }

  private static SSLSocket serverSide(Socket tcp) throws IOException {
    SSLSocket tls = (SSLSocket) serverTls.getSocketFactory().createSocket(tcp, null, tcp.getPort(), false);
    tls.setUseClientMode(false);
    tls.startHandshake();
    return tls;
  }

  /** Reads until {@code mark} has been seen and then {@code end}. */
  private static void readUntil(InputStream in, String mark, String end) throws IOException {
    StringBuilder seen = new StringBuilder();
    for (int c; (c = in.read()) >= 0; ) {
      seen.append((char) c);
      int at = seen.indexOf(mark);
      if (at >= 0 && seen.indexOf(end, at + mark.length() - (mark.equals(end) ? 1 : 0)) >= 0) {
        return;
      }
    }
    throw new IOException("the client hung up");
  }
}
