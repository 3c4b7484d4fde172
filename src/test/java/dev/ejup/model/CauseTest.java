package dev.ejup.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamReader;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures that reached users as Java class names or library dumps, caught as the code meets them
 * (the JDK's file and charset errors, OkHttp's header check, the StAX parser, a bug), each in words.
 */
class CauseTest {
  @TempDir
  Path dir;

  /** The same rule for every one of them: one line, no type names, no hex dumps. */
  private static void assertWords(String words) {
    assertFalse(words.isBlank());
    assertFalse(words.contains("\n") || words.contains("\r"), words);
    assertFalse(words.matches("(?s).*\\b[A-Z]\\w*(Exception|Error)\\b.*"), words);
    assertFalse(words.matches("(?s).*\\b(java|javax|sun|jdk|okhttp3|okio)\\.[a-z].*"), words);
    assertFalse(words.contains("0x"), words);
  }

  private static Throwable thrown(org.junit.jupiter.api.function.Executable action) {
    return assertThrows(Throwable.class, action);
  }

  @Test
  void fileSystemFailuresNameTheFileAndTheReason() throws IOException {
    Path missing = dir.resolve("missing.txt");
    Throwable e = thrown(() -> Files.readString(missing));
    assertEquals(missing + ": no such file or directory", Cause.words(e));
    assertEquals("no such file or directory", Cause.words(e, missing), "the caller names the file already");
    Path full = Files.createDirectories(dir.resolve("full"));
    Files.writeString(full.resolve("a"), "a");
    assertEquals(full + " is a directory that is not empty", Cause.words(thrown(() -> Files.delete(full))));
    FileSystemException readOnly = new FileSystemException("/etc/ejabberd/.ejabberd.yml.1.ejup-tmp", null, "Read-only file system");
    assertEquals("/etc/ejabberd/.ejabberd.yml.1.ejup-tmp: read-only file system", Cause.words(readOnly, "/etc/ejabberd/ejabberd.yml"));
    assertEquals("permission denied", Cause.words(new java.nio.file.AccessDeniedException("/etc/x"), "/etc/x"));
  }

  @Test
  void textThatIsNotUtf8() throws IOException {
    Path latin1 = Files.write(dir.resolve("password"), new byte[] {'p', (byte) 0xe4, 's', 's'});
    assertEquals("not valid UTF-8 text", Cause.words(thrown(() -> Files.readString(latin1))));
  }

  @Test
  void okHttpsHexOfABadHeader() {
    String nonAscii = Cause.words(thrown(() -> new Request.Builder().header("Authorization", "Bearer é")));
    assertEquals("the Authorization header value holds the non-ASCII character U+00E9 at position 7, which HTTP headers cannot carry", nonAscii);
    assertTrue(Cause.words(thrown(() -> new Request.Builder().header("Cookie", "a\nb"))).contains("a line break at position 1"));
    assertFalse(nonAscii.contains("Bearer"), "a header's value may be a secret");
  }

  @Test
  void theXmlParsersRowAndColumnArray() {
    Throwable e = thrown(() -> {
      XMLStreamReader reader = XMLInputFactory.newFactory().createXMLStreamReader(new StringReader("<a><b></a>"));
      while (reader.hasNext()) {
        reader.next();
      }
    });
    assertTrue(Cause.words(e).startsWith("broken XML at line 1, column "), Cause.words(e));
  }

  @Test
  void bugsSayTheyAreBugs() {
    String text = null;
    Object number = 1;
    assertEquals("ejup hit a bug: a value it needed was missing", Cause.words(thrown(() -> text.length())));
    assertEquals("ejup hit a bug (class cast)", Cause.words(thrown(() -> ((String) number).length())));
    assertEquals("ejup hit a bug (illegal state)", Cause.words(new IllegalStateException()));
  }

  @Test
  void wrappersAndLibraryPrefixesFallAway() {
    assertEquals("No space left on device", Cause.words(new RuntimeException(new IOException("No space left on device"))));
    assertEquals("disk gone", Cause.words(new UncheckedIOException(new IOException("disk gone"))));
    assertEquals("PKIX path building failed: unable to find valid certification path to requested target", Cause.words(new IOException(
        "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target")));
    assertEquals("No response received within reply timeout. Timeout was 10000ms (~10s). While waiting for establishing TLS",
        Cause.words(new IOException("No response received within reply timeout. Timeout was 10000ms (~10s). "
            + "While waiting for establishing TLS [XMPPTCPConnection[not-authenticated] (0)]")));
    assertEquals("the server closed the connection without an answer",
        Cause.words(new IOException("unexpected end of stream on http://127.0.0.1:5280/...", new java.io.EOFException("\n not found: limit=0 content=…"))));
    // a body that ends short of its Content-Length or inside a chunk: the answer had begun (HttpFailureWordsTest has it from OkHttp)
    assertEquals("the connection closed before the answer was complete", Cause.words(new java.net.ProtocolException("unexpected end of stream")));
    // OkHttp's call timeout over what its cancel left behind
    java.io.InterruptedIOException timeout = new java.io.InterruptedIOException("timeout");
    timeout.initCause(new java.net.SocketException("Socket closed"));
    assertEquals("no answer in time", Cause.words(timeout));
  }

  @Test
  void everyCaseFollowsTheRule() throws IOException {
    Map<String, Throwable> cases = new LinkedHashMap<>();
    cases.put("missing", thrown(() -> Files.readString(dir.resolve("nope"))));
    cases.put("directory", thrown(() -> Files.readString(dir)));
    cases.put("latin1", thrown(() -> Files.readString(Files.write(dir.resolve("l1"), new byte[] {(byte) 0xff}))));
    cases.put("header", thrown(() -> new Request.Builder().header("Authorization", "\u0001")));
    cases.put("url", thrown(() -> new Request.Builder().url("ftp://example.org/")));
    cases.put("npe", new NullPointerException("Cannot invoke \"String.length()\" because \"<local1>\" is null"));
    cases.put("oom", new OutOfMemoryError("Java heap space"));
    cases.put("stack", new StackOverflowError());
    cases.put("wrapped", new RuntimeException(new java.net.SocketTimeoutException("Read timed out")));
    cases.put("unknown host", new java.net.UnknownHostException("xmpp.example.org: Name or service not known"));
    int[] none = new int[0];
    cases.put("index", thrown(() -> none[0]++));
    for (Map.Entry<String, Throwable> c : cases.entrySet()) {
      String words = Cause.words(c.getValue());
      assertWords(words);
      assertTrue(words.length() <= 300, c.getKey());
    }
  }

  @Test
  void aPasswordFileThatIsNotUtf8SaysSoOnTheCommandLine() throws IOException {
    Path latin1 = Files.write(dir.resolve("password"), new byte[] {'p', (byte) 0xe4, 's', 's'});
    Ejup.Result r = Ejup.runCaptured(Map.of(), "check", "--jid", "monitor@localhost", "--server", "127.0.0.1:9", "--password-file", latin1.toString());
    assertEquals(3, r.exitCode(), r.err());
    assertTrue(r.err().contains("is not UTF-8 text"), r.err());
    assertFalse(r.err().contains("Input length"), r.err());
    Ejup.Result missing = Ejup.runCaptured(Map.of(), "check", "--jid", "monitor@localhost", "--server", "127.0.0.1:9",
        "--password-file", dir.resolve("none").toString());
    assertTrue(missing.err().contains("does not exist"), missing.err());
  }

  /** A thread that dies outside the command's own catch (a worker, Smack's reader) says so in one line too. */
  @Test
  void aDyingThreadPrintsNoStackTrace() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djdk.net.hosts.file=" + Path.of("src/test/resources/hosts").toAbsolutePath(), "-cp", System.getProperty("java.class.path"),
        "dev.ejup.Ejup", "check", "--jid", "monitor@localhost", "--server", "localhost:abc", "--deadline", "5").redirectErrorStream(true);
    builder.environment().put("EJUP_PASSWORD", "secret");
    Process ejup = builder.start();
    String said = new String(ejup.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(ejup.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertFalse(said.contains("\tat ") || said.contains("Exception") || said.contains("java."), said);
  }

  @Test
  void notANumber() {
    assertEquals("\"abc\" is not a number", Cause.words(assertThrows(NumberFormatException.class, () -> Integer.parseInt("abc"))));
  }
}
