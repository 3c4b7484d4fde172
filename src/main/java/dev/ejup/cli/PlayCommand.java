package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import dev.ejup.playbook.Engine;
import dev.ejup.playbook.Fleet;
import dev.ejup.playbook.Inventory;
import dev.ejup.playbook.Playbook;
import dev.ejup.playbook.PlaybookLoader;
import dev.ejup.playbook.RunLock;
import dev.ejup.playbook.Target;
import dev.ejup.playbook.TcpWaiter;
import dev.ejup.playbook.LiveCapabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

@Parameters(commandNames = "play", commandDescription = "Run a playbook (setup, post-deploy, healthcheck) on one server or a fleet")
final class PlayCommand implements Command {
  @Parameter(description = "PLAYBOOK", required = true)
  List<String> playbook = new ArrayList<>();

  @Parameter(names = {"-i", "--inventory"}, description = "ejup YAML target list or Ansible inventory (INI or YAML)")
  String inventory;

  @Parameter(names = {"-l", "--limit"}, description = "only these hosts or groups, comma-separated")
  String limit;

  @Parameter(names = {"-e", "--extra-vars"}, description = "KEY=VALUE, repeatable")
  List<String> extraVars = new ArrayList<>();

  @Parameter(names = {"-C", "--dry-run", "--check"}, description = "change nothing: show the diff or commands instead")
  boolean dryRun;

  @Parameter(names = {"-f", "--parallel", "--forks"}, description = "targets run at the same time")
  int parallel = 4;

  @Parameter(names = "--deadline", description = "seconds one target may take before it is UNKNOWN")
  double deadline = 120;

  @com.beust.jcommander.ParametersDelegate
  ReportOptions report = new ReportOptions();

  @Override
  public int run(Io io) throws IOException {
    if (playbook.size() != 1) {
      throw UserError.unusable("play takes exactly one PLAYBOOK", "ejup play playbooks/healthcheck.yml -e domain=...");
    }
    report.validate();
    Path file = Path.of(playbook.get(0));
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw UserError.unusable("playbook " + file + " does not exist", "the shipped ones are in playbooks/");
    }
    Map<String, String> extra = parseExtra(extraVars);
    List<Target> targets = inventory == null
        ? List.of(new Target(extra.getOrDefault("ssh", extra.getOrDefault("domain", "localhost")), extra))
        : Inventory.load(Path.of(inventory), limit, extra);
    Set<String> given = new HashSet<>(extra.keySet());
    targets.forEach(t -> given.addAll(t.vars().keySet()));
    PlaybookLoader.Result loaded = PlaybookLoader.load(file.toString(), text, given);
    if (!loaded.ok()) {
      loaded.diagnostics().stream().map(Diagnostic::format).forEach(io.err()::println);
      return Status.UNKNOWN.exitCode();
    }
    Playbook book = loaded.playbook();
    String kind = "playbook:" + book.name();
    Engine engine = new Engine(new LiveCapabilities(io.env()), new TcpWaiter());
    Function<Target, Report> run = t -> report.judge(engine.run(book, t, dryRun));
    Function<Target, Report> job = book.lock().isEmpty() ? run
        : t -> RunLock.exclusive(io.env(), book.lock(), kind, t, () -> run.apply(t));
    // the targets done so far, for a report when a signal stops the run
    Map<Target, Report> done = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    try (Interruption interruption = Interruption.install(io, report, () -> targets.stream()
        .map(t -> done.getOrDefault(t, new Report(kind, t.name(),
            List.of(Step.of("target", Status.UNKNOWN, Duration.ZERO, Interruption.WHY, Interruption.HINT)))))
        .toList())) {
      List<Report> reports = Fleet.run(kind, targets, parallel, Duration.ofMillis((long) (deadline * 1000)), t -> {
        Report result = Inventory.unresolved(kind, t).orElseGet(() -> job.apply(t));
        done.put(t, result);
        return result;
      });
      return interruption.emit(reports);
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
