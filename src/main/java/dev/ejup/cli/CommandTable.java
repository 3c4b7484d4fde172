package dev.ejup.cli;

import java.util.List;
import java.util.function.Supplier;

/**
 * Every command ejup has, in the order {@code --help} lists them. A group ({@code config},
 * {@code docroot}) has subcommands; a plain entry ({@code check}) has none. The names come from
 * each class's {@code @Parameters(commandNames = ...)}.
 */
public final class CommandTable {
  private CommandTable() {}

  /** A top-level name: either one command or a group of subcommands. */
  public record Entry(String name, String description, Supplier<Command> command, List<Supplier<Command>> subcommands) {
    public boolean isGroup() {
      return command == null;
    }
  }

  public static List<Entry> entries() {
    return List.of(
        group("config", "Generate, validate and apply the upload section of ejabberd.yml",
            List.of(ConfigGenerateCommand::new, ConfigValidateCommand::new, ConfigApplyCommand::new, ConfigRulesCommand::new)),
        group("docroot", "Check and fix the upload docroot's owner and modes, on this machine or over SSH",
            List.of(DocrootCheckCommand::new, DocrootFixCommand::new, DocrootPruneCommand::new)),
        single("check", "Run the whole XEP-0363 upload flow as a client and report each step", CheckCommand::new),
        single("serve", "Run a Prometheus probe exporter for upload, the way blackbox_exporter probes HTTP", ServeCommand::new),
        single("play", "Run a playbook (setup, post-deploy, healthcheck) on one server or a fleet", PlayCommand::new),
        single("version", "Print ejup's version", VersionCommand::new));
  }

  static Entry group(String name, String description, List<Supplier<Command>> subcommands) {
    return new Entry(name, description, null, subcommands);
  }

  static Entry single(String name, String description, Supplier<Command> command) {
    return new Entry(name, description, command, List.of());
  }
}
