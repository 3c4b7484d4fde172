package dev.ejup.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command loop that SSH sessions run, served by a real local sh: bytes, exits and a dying loop. */
class CommandChannelTest {
  private static Process loop() throws IOException {
    return new ProcessBuilder("sh", "-c", "echo 'a login script that talks'; " + CommandChannel.loop()).start();
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
  void commandsShareOneLoopAndKeepTheirOutputsApart() throws IOException, InterruptedException {
    Process p = loop();
    assertTrue(CommandChannel.awaitReady(p.getInputStream()), "the login script's chatter is skipped");
    try (CommandChannel c = new CommandChannel(p.getInputStream(), p.getOutputStream(), p::destroy)) {
      RemoteShell.Result echo = c.run(Quote.command(List.of("printf", "%s\\n", "a b", "$(x)", "it's")));
      assertEquals(new RemoteShell.Result(0, "a b\n$(x)\nit's\n", ""), echo);
      RemoteShell.Result failing = c.run("echo out; echo err >&2; exit 7");
      assertEquals(new RemoteShell.Result(7, "out\n", "err\n"), failing);
      RemoteShell.Result binary = c.run("printf 'no newline at the end'");
      assertEquals("no newline at the end", binary.out());
      RemoteShell.Result stdinIsEmpty = c.run("cat");
      assertEquals("", stdinIsEmpty.out(), "a command never reads the next command as its input");
      p.destroyForcibly().waitFor();
      assertThrows(IOException.class, () -> c.run("true"), "a loop that died is an error, never an empty answer");
    }
  }
}
