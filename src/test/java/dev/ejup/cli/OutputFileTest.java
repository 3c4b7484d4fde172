package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --output at a directory says so and asks for a file name; it blamed the folder above ("check that it exists and is writable"). */
class OutputFileTest {
  @TempDir
  Path dir;

  @Test
  void anExistingDirectoryIsNamedAsOneAndLeftAlone() throws Exception {
    Path out = Files.createDirectory(dir.resolve("reports"));
    UserError e = assertThrows(UserError.class, () -> OutputFile.write(out, "text"));
    assertEquals("cannot write " + out + ": it is a directory", e.getMessage());
    assertTrue(e.hint().startsWith("give a file name, e.g. " + out.resolve("ejup.prom")), e.hint());
    try (var left = Files.list(out)) {
      assertEquals(0, left.count(), "nothing written into it");
    }
  }

  @Test
  void aMissingFolderStillNamesTheFolder() {
    Path out = dir.resolve("missing").resolve("r.prom");
    UserError e = assertThrows(UserError.class, () -> OutputFile.write(out, "text"));
    assertTrue(e.hint().contains("check that " + dir.resolve("missing") + " exists and is writable"), e.hint());
  }

  /**
   * An --output no report can be written to is refused before the check runs: it ran to the end
   * (a deadline's worth of seconds against a server down) and only then said it could not write.
   */
  @Test
  void anUnwritableOutputIsRefusedBeforeTheCheckConnects() throws Exception {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(1);
      Path file = Files.createFile(dir.resolve("a-file"));
      for (Path out : new Path[] {dir.resolve("missing").resolve("r.prom"), file.resolve("r.prom"), dir}) {
        dev.ejup.Ejup.Result r = dev.ejup.Ejup.runCaptured(java.util.Map.of("EJUP_PASSWORD", "x"), "check", "--jid", "hc@localhost",
            "--server", "127.0.0.1:" + server.getLocalPort(), "--format", "prometheus", "--output", out.toString());
        assertEquals(3, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().startsWith("ejup: cannot write " + out + ": "), r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("hint:") && !l.startsWith("  ")).count(), r.err());
        assertThrows(java.net.SocketTimeoutException.class, server::accept, "nothing connected: " + r.err());
      }
    }
  }

  /**
   * A link is written through, as config apply writes through links: the rename replaced the link
   * itself with a regular file, and the file it named kept the old report.
   */
  @Test
  void aSymbolicLinkIsWrittenThroughAndStays() throws Exception {
    Path real = Files.writeString(Files.createDirectory(dir.resolve("textfile")).resolve("ejup.prom"), "old\n");
    Path link = Files.createSymbolicLink(dir.resolve("ejup.prom"), real);
    Path dangling = Files.createSymbolicLink(dir.resolve("new.prom"), dir.resolve("textfile").resolve("new.prom"));
    OutputFile.requireWritable(link);
    OutputFile.write(link, "new\n");
    OutputFile.write(dangling, "first\n");
    assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(dangling), "the links stay links");
    assertEquals("new\n", Files.readString(real));
    assertEquals("first\n", Files.readString(dir.resolve("textfile").resolve("new.prom")));
  }

  /**
   * Something that is no regular file (a pipe, /dev/stdout, /dev/null) is written to as it is: the
   * rename put a regular file in its place (as root, in place of /dev/stdout).
   */
  @Test
  void aPipeIsWrittenToAndStaysAPipe() throws Exception {
    Path fifo = dir.resolve("report.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    java.util.concurrent.CompletableFuture<String> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return Files.readString(fifo);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    OutputFile.requireWritable(fifo);
    OutputFile.write(fifo, "report\n");
    assertEquals("report\n", read.get(10, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(Files.isRegularFile(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS) == false && Files.exists(fifo), "still a pipe");
    try (var left = Files.list(dir)) {
      assertEquals(1, left.count(), "no temporary file left beside it");
    }
  }

  /** A pipe nothing reads held the check in open(2) for ever, after its verdict; now it is one line. */
  @Test
  void aPipeNothingReadsIsAUserErrorNotAHang() throws Exception {
    Path fifo = dir.resolve("unread.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    long start = System.nanoTime();
    UserError e = assertThrows(UserError.class, () -> OutputFile.write(fifo, "report\n", java.time.Duration.ofMillis(300)));
    assertTrue((System.nanoTime() - start) / 1e9 < 10, "it waited its time, not for ever");
    assertEquals("cannot write " + fifo + ": nothing read it within 0 s (a pipe no one reads)", e.getMessage());
  }

  /**
   * A loop of links, an empty name and a name ending in '/' are refused: the loop's last link was
   * replaced by a regular file, '' was called a directory, 'x.prom/' wrote x.prom. '-' is standard
   * output, as in most tools (it wrote a file named '-').
   */
  @Test
  void aLinkLoopAnEmptyNameAndATrailingSlashAreRefusedAndDashIsStandardOutput() throws Exception {
    Path one = dir.resolve("loop1");
    Files.createSymbolicLink(one, dir.resolve("loop2"));
    Files.createSymbolicLink(dir.resolve("loop2"), one);
    UserError loop = assertThrows(UserError.class, () -> OutputFile.requireWritable(one));
    assertTrue(loop.getMessage().contains("its symbolic links lead to each other"), loop.getMessage());
    assertThrows(UserError.class, () -> OutputFile.write(one, "x"));
    assertTrue(Files.isSymbolicLink(one), "the link stays a link");
    assertEquals("--output is empty", assertThrows(UserError.class, () -> OutputFile.path("")).getMessage());
    UserError slash = assertThrows(UserError.class, () -> OutputFile.path(dir + "/x.prom/"));
    assertTrue(slash.getMessage().endsWith("it is a directory"), slash.getMessage());
    dev.ejup.Ejup.Result dash = dev.ejup.Ejup.runCaptured(java.util.Map.of("EJUP_PASSWORD", "x"), "check", "--jid", "hc@localhost",
        "--server", "127.0.0.1:1", "--format", "nagios", "--output", "-");
    assertTrue(dash.out().startsWith("EJUP CHECK CRITICAL"), dash.out() + dash.err());
    assertTrue(!Files.exists(Path.of("-")), "no file named -");
  }

  @Test
  void aFileIsWritten() throws Exception {
    Path out = dir.resolve("r.prom");
    OutputFile.write(out, "text");
    assertEquals("text", Files.readString(out));
  }
}
