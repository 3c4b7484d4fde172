package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.ejup.config.Rule;
import dev.ejup.model.Status;
import dev.ejup.model.UserError;
import dev.ejup.report.Json;
import java.util.ArrayList;
import java.util.List;

@Parameters(commandNames = "rules", commandDescription = "List every rule of config validate: id, severity, what it catches")
final class ConfigRulesCommand implements Command {
  @Parameter(description = "[RULE-ID...]  (default: all)")
  List<String> ids = new ArrayList<>();

  @Parameter(names = "--format", description = "text or json")
  String format = "text";

  @Override
  public int run(Io io) {
    List<Rule> rules = new ArrayList<>();
    for (String id : ids) {
      rules.add(rule(id));
    }
    if (ids.isEmpty()) {
      rules = List.of(Rule.values());
    }
    switch (format) {
      case "text" -> {
        int width = rules.stream().mapToInt(r -> r.id().length()).max().orElse(0);
        for (Rule r : rules) {
          io.out().println(String.format("%-" + width + "s  %-7s  %s", r.id(), r.severity().label(), r.doc()));
        }
      }
      case "json" -> {
        io.out().println("[");
        for (int i = 0; i < rules.size(); i++) {
          Rule r = rules.get(i);
          io.out().println("  {\"id\": " + Json.quote(r.id()) + ", \"severity\": " + Json.quote(r.severity().label())
              + ", \"doc\": " + Json.quote(r.doc()) + "}" + (i + 1 < rules.size() ? "," : ""));
        }
        io.out().println("]");
      }
      default -> throw UserError.unusable("unknown format '" + format + "' for config rules", "use text or json");
    }
    return Status.OK.exitCode();
  }

  /**
   * The rule a user named (here, or in validate's --ignore, where a typo would silence nothing).
   *
   * @throws UserError (exit 3) for an id no rule has
   */
  static Rule rule(String id) {
    return Rule.byId(id).orElseThrow(() -> UserError.unusable("no rule '" + dev.ejup.model.Printable.of(id) + "'",
        "run 'ejup config rules' for the list of ids"));
  }
}
