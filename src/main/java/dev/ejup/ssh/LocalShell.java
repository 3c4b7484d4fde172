package dev.ejup.ssh;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the same commands on this machine, for when ejup runs on the ejabberd server itself (no
 * --ssh, or a playbook step without ssh). Each command is bounded by 60 s; as root through
 * {@code sudo -n} when ejup does not run as root. Failures as {@link Shell} says.
 */
public final class LocalShell implements Shell {
  private final boolean root = "root".equals(System.getProperty("user.name"));

  /**
   * A file this user may read, read in this process within bounds: a pipe or FIFO within
   * {@link dev.ejup.model.InputFile#PIPE_WAIT}, never more than maxBytes (cat would wait on a pipe
   * nothing writes to for ever, and read /dev/zero until the memory is gone); null when it cannot
   * be read so, and then cat, as root where needed, says why.
   *
   * @throws dev.ejup.model.UserError (UNKNOWN) for a pipe that gives no end in time, or more than maxBytes
   */
  @Override
  public byte[] readDirectly(String path, long maxBytes) {
    try {
      return dev.ejup.model.InputFile.read(java.nio.file.Path.of(path), "file", maxBytes);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  @Override
  public Result run(List<String> argv, boolean asRoot, byte[] stdin) {
    boolean sudo = asRoot && !root;
    List<String> full = Sudo.wrap(argv, sudo);
    try {
      Process p = new ProcessBuilder(full).start();
      try (java.io.OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      }
      // stderr on its own thread, so a chatty command cannot fill one pipe while ejup reads the other
      java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return p.getErrorStream().readAllBytes();
        } catch (IOException e) {
          return new byte[0];
        }
      });
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw UserError.critical("`" + Quote.command(full) + "` did not finish in 60 s", "check the machine's load and disks");
      }
      Result result = new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
      Sudo.requireAllowed(result, argv, sudo, where(), System.getProperty("user.name"));
      return result;
    } catch (IOException e) {
      throw UserError.critical("cannot run " + argv.get(0) + ": " + dev.ejup.model.Cause.words(e), "install it, or run ejup where it exists");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw UserError.critical("interrupted", "");
    }
  }

  @Override
  public String where() {
    return "localhost";
  }

  @Override
  public void close() {
    // nothing held
  }
}
