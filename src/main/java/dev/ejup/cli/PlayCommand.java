package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Status;
import dev.ejup.model.UserError;
import dev.ejup.playbook.Play;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Parameters(commandNames = "play", commandDescription = "Run a playbook (setup, post-deploy, healthcheck) on one server or a fleet")
final class PlayCommand implements Command {
  @Parameter(description = "PLAYBOOK", required = true)
  List<String> playbook = new ArrayList<>();

  @Parameter(names = {"-i", "--inventory"}, description = "ejup YAML target list or Ansible inventory (INI or YAML)")
  String inventory;

  @Parameter(names = {"-l", "--limit"}, description = "Ansible host pattern: hosts, groups, web*, ~regex, all:!eu, web:&eu")
  String limit;

  @Parameter(names = {"-e", "--extra-vars"}, description = "KEY=VALUE, repeatable")
  List<String> extraVars = new ArrayList<>();

  @Parameter(names = {"-C", "--dry-run", "--check"}, description = "change nothing: show the diff or commands instead")
  boolean dryRun;

  @Parameter(names = {"-f", "--parallel", "--forks"}, description = "targets run at the same time")
  int parallel = 4;

  @Parameter(names = "--deadline", converter = SecondsOption.Positive.class, description = "seconds one target may take before it is UNKNOWN")
  double deadline = 120;

  @com.beust.jcommander.ParametersDelegate
  ReportOptions report = new ReportOptions();

  @Override
  public int run(Io io) throws IOException {
    if (playbook.size() != 1) {
      throw UserError.unusable("play takes exactly one PLAYBOOK", "ejup play playbooks/healthcheck.yml -e domain=...");
    }
    report.validate();
    if (parallel < 1) {
      throw UserError.unusable("--parallel " + parallel + " would run no target at all", "give 1 or more, e.g. --parallel 4");
    }
    Play play = Play.prepare(new Play.Request(Path.of(playbook.get(0)), inventory == null ? null : Path.of(inventory), limit,
        parseExtra(extraVars), parallel, Duration.ofMillis((long) (deadline * 1000)), dryRun, io.env(), report::judge));
    if (!play.problems().isEmpty()) {
      play.problems().stream().map(Diagnostic::format).forEach(io.err()::println);
      // nothing ran: said in the monitoring formats too, and in --output in place of the last run's report
      Diagnostic first = play.problems().get(0);
      int more = play.problems().size() - 1;
      String why = "nothing ran: " + first.location() + ": " + first.message() + " [" + first.rule() + "]"
          + (more > 0 ? " (and " + more + " more, on stderr)" : "");
      NotRun.render(io.out(), report.format, report.output, Status.UNKNOWN, why, play.soFar(why, first.hint().isEmpty()
          ? "fix the playbook, or give the variables it needs with -e KEY=VALUE or in the inventory" : first.hint()));
      return Status.UNKNOWN.exitCode();
    }
    try (Interruption interruption = Interruption.install(io, report, () -> play.soFar(Interruption.WHY, Interruption.HINT))) {
      return interruption.emit(play.run());
    }
  }

  static Map<String, String> parseExtra(List<String> pairs) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw UserError.unusable("-e " + pair + " is not KEY=VALUE", "write -e domain=example.org");
      }
      vars.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return vars;
  }
}
