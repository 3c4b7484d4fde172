package dev.ejup.config;

import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs ejabberdctl on this machine and turns its answer into a step. */
public final class Ejabberdctl {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private final List<String> command;

  public Ejabberdctl(String command) {
    this.command = List.of(command.trim().split("\\s+"));
  }

  public Step reloadConfig() {
    return run("reload", List.of("reload_config"));
  }

  /** The one wording of a reload_config that ran, here or over SSH: OK on exit 0, else CRIT with ejabberd's answer. */
  static Step answered(String command, int exit, String output, Duration took) {
    return answered("reload", command, exit, output, took);
  }

  private static Step answered(String name, String command, int exit, String output, Duration took) {
    String answer = output.strip().replaceAll("\\s*\n\\s*", " ");
    if (exit == 0) {
      return Step.ok(name, took, command + ": ok" + (answer.isEmpty() ? "" : " (" + answer + ")"));
    }
    return Step.of(name, Status.CRIT, took, command + " failed (exit " + exit + "): " + answer,
        "read ejabberd's answer above; ejup restores the previous file when a reload it caused fails");
  }

  Step run(String name, List<String> args) {
    List<String> full = new ArrayList<>(command);
    full.addAll(args);
    long start = System.nanoTime();
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      process.getOutputStream().close();
      boolean done = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (!done) {
        process.destroyForcibly();
        return Step.of(name, Status.CRIT, took, String.join(" ", full) + " did not answer in " + TIMEOUT.toSeconds() + "s",
            "check that ejabberd is running: ejabberdctl status");
      }
      return answered(name, String.join(" ", full), process.exitValue(),
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8), took);
    } catch (IOException e) {
      return Step.of(name, Status.UNKNOWN, Duration.ofNanos(System.nanoTime() - start),
          "cannot run " + String.join(" ", full) + ": " + dev.ejup.model.Cause.words(e), "install ejabberd or pass --ejabberdctl with the right command");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Step.of(name, Status.UNKNOWN, Duration.ZERO, "interrupted", "");
    }
  }
}
