package dev.ejup.cli;

import java.io.PrintWriter;
import java.util.Map;

/**
 * What a command may touch besides its arguments. Results go to {@code out}; progress, warnings and
 * logs to {@code err}, so {@code ejup check --format json | jq} always works. The environment is
 * passed in so tests can give a password through {@code EJUP_PASSWORD} without touching the JVM's.
 */
public record Io(
    PrintWriter out, PrintWriter err, Map<String, String> env, boolean debug, boolean terminal) {

  public String env(String name) {
    return env.get(name);
  }
}
