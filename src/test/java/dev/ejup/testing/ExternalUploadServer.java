package dev.ejup.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real external upload server (scripts/local-upload-external: Flask on Debian's python3,
 * prosody's mod_http_upload_external protocol) on 127.0.0.1, in the foreground of a process this
 * object owns; {@link #close()} stops it. Several may run at once (each its own port).
 */
public final class ExternalUploadServer implements AutoCloseable {
  private final Process process;
  private final int port;

  private ExternalUploadServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * @param port 0 for a free one
   * @param http "1.0" or "1.1"
   * @param insecure skip the token check (the open file host the security probes must catch)
   */
  public static ExternalUploadServer start(Path root, Path secretFile, int port, String http, boolean insecure) {
    List<String> command = new ArrayList<>(List.of("scripts/local-upload-external", "--root", root.toString(),
        "--secret-file", secretFile.toString(), "--port", Integer.toString(port), "--http", http));
    if (insecure) {
      command.add("--insecure");
    }
    try {
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          return null;
        }
      });
      String line;
      try {
        line = first.get(120, TimeUnit.SECONDS); // installing python3-flask on a fresh machine included
      } catch (Exception e) {
        p.destroyForcibly();
        throw new IllegalStateException("scripts/local-upload-external did not say its port in 120 s", e);
      }
      if (line == null || !line.startsWith("PORT=")) {
        p.destroyForcibly();
        throw new IllegalStateException("scripts/local-upload-external failed: " + line);
      }
      // the access log goes to stderr (discarded); stdout has nothing more, but keep it drained
      Thread drain = new Thread(() -> {
        try {
          out.transferTo(java.io.Writer.nullWriter());
        } catch (IOException e) {
          // the server ended
        }
      });
      drain.setDaemon(true);
      drain.start();
      return new ExternalUploadServer(p, Integer.parseInt(line.substring(5).trim()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start scripts/local-upload-external: " + e, e);
    }
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
