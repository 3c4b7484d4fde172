package dev.ejup.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command loop that SSH sessions run, served by a real local sh: bytes, exits and a dying loop. */
class CommandChannelTest {
  /** The loop's directory goes to tmp: a loop killed with SIGKILL has no trap to remove it. */
  private static Process loop(Path tmp) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", "echo 'a login script that talks'; printf 'and one without a newline'; "
        + CommandChannel.loop());
    pb.environment().put("TMPDIR", tmp.toString());
    return pb.start();
  }

  @Test
  void everyByteOfACommandArrivesAsWritten() throws IOException {
    String odd = "sp ace 'quote' \"dq\" $(echo no) `echo no` \\ back\nnew line \t tab ü -lead";
    byte[] sent = odd.getBytes(StandardCharsets.UTF_8);
    Process p = new ProcessBuilder("sh", "-c", "IFS= read -r l; printf '%b' \"$l\"").start();
    p.getOutputStream().write((CommandChannel.escape(odd) + "\n").getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    assertArrayEquals(sent, p.getInputStream().readAllBytes());
  }

  @Test
  void aServerThatNeverStartsTheLoopIsGivenUpOnInTime() throws IOException {
    Process menu = new ProcessBuilder("sh", "-c", "echo 'Choose 1) backup 2) logs'; sleep 180").start();
    long start = System.nanoTime();
    try {
      org.junit.jupiter.api.Assertions.assertFalse(CommandChannel.awaitReady(menu.getInputStream(), 300, () -> !menu.isAlive()));
      // slack for a loaded 2-core machine (over 100 times the 300 ms); the menu sleeps 180 s
      assertTrue(System.nanoTime() - start < 40_000_000_000L, "gave up after its timeout, not after the menu's sleep");
    } finally {
      menu.destroyForcibly();
    }
  }

  @Test
  void commandsShareOneLoopAndKeepTheirOutputsApart(@TempDir Path tmp) throws IOException, InterruptedException {
    Process p = loop(tmp);
    assertTrue(CommandChannel.awaitReady(p.getInputStream(), 10_000, () -> !p.isAlive()), "the login script's chatter is skipped");
    try (CommandChannel c = new CommandChannel(p.getInputStream(), p.getOutputStream(), p::destroy, () -> !p.isAlive())) {
      Shell.Result echo = c.run(Quote.command(List.of("printf", "%s\\n", "a b", "$(x)", "it's")), 10_000);
      assertEquals(new Shell.Result(0, "a b\n$(x)\nit's\n", ""), echo);
      Shell.Result failing = c.run("echo out; echo err >&2; exit 7", 10_000);
      assertEquals(new Shell.Result(7, "out\n", "err\n"), failing);
      Shell.Result binary = c.run("printf 'no newline at the end'", 10_000);
      assertEquals("no newline at the end", binary.out());
      Shell.Result stdinIsEmpty = c.run("cat", 10_000);
      assertEquals("", stdinIsEmpty.out(), "a command never reads the next command as its input");
      assertThrows(CommandChannel.Timeout.class, () -> c.run("sleep 5", 200), "a command that hangs is bounded");
      p.destroyForcibly().waitFor();
      assertThrows(IOException.class, () -> c.run("true", 10_000), "a loop that died is an error, never an empty answer");
    }
  }

  /**
   * The loop's own directory (mktemp -d on the server) goes whichever way the loop ends. Before, a
   * command ejup gave up on (its channel closed) was answered into the closed pipe: SIGPIPE killed
   * sh past its trap, and a tmp.XXXXXXXXXX stayed in the server's /tmp for each such command.
   */
  @Test
  void theLoopLeavesNothingInTmpWhenItsAnswerFindsTheChannelClosed(@TempDir Path tmp) throws Exception {
    Process p = loop(tmp);
    try {
      assertTrue(CommandChannel.awaitReady(p.getInputStream(), 10_000, () -> !p.isAlive()));
      p.getOutputStream().write((CommandChannel.escape("sleep 1; echo late") + "\n").getBytes(StandardCharsets.US_ASCII));
      p.getOutputStream().flush();
      // ejup stops reading (JSch drops the channel); the loop's stdin stays open, as sshd's does a while
      p.getInputStream().close();
      assertTrue(p.waitFor(40, TimeUnit.SECONDS), "the loop ends when its answer cannot be written");
      try (var left = Files.list(tmp)) {
        assertEquals(List.of(), left.toList(), "nothing of the loop's left in TMPDIR");
      }
    } finally {
      p.destroyForcibly();
    }
  }
}
