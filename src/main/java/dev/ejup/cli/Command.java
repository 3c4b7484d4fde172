package dev.ejup.cli;

/**
 * One {@code ejup} command. jcommander fills the annotated fields, then {@link #run} parses
 * nothing more: it calls a capability, renders the result and returns the exit code.
 */
public interface Command {
  int run(Io io) throws Exception;
}
