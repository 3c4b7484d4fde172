package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import dev.ejup.model.Severity;
import java.nio.file.Path;
import java.util.List;

/**
 * Plans an upload edit of an ejabberd.yml: pure, text in, text out, the result validated. Writing
 * it is {@link ConfigService#apply}'s job.
 */
public final class ConfigPlan {
  private ConfigPlan() {}

  /**
   * @param changes one line per edit, for people
   * @param problems what validation finds in the edited text; any error means: do not write
   */
  public record Plan(Path path, String original, String updated, List<String> changes, List<Diagnostic> problems) {
    public boolean changed() {
      return !original.equals(updated);
    }

    public boolean valid() {
      return problems.stream().noneMatch(d -> d.severity() == Severity.ERROR);
    }

    /** The plan without the findings of the rules asked to be ignored (config apply --ignore). */
    public Plan without(java.util.Set<String> rules) {
      return rules.isEmpty() ? this : new Plan(path, original, updated, changes, problems.stream().filter(d -> !rules.contains(d.rule())).toList());
    }

    /** A unified diff naming the file as the caller shows it (a local path, or user@host:path). */
    public String diff(String name) {
      return UnifiedDiff.of(name + " (current)", name + " (with upload)", original, updated);
    }
  }

  public static Plan plan(Path path, String original, ConfigTree.Source source, UploadSettings settings) {
    return plan(path, original, source, settings, EjabberdVersion.NEWEST);
  }

  /** The plan, its result validated as that ejabberd release reads it. */
  public static Plan plan(Path path, String original, ConfigTree.Source source, UploadSettings settings, EjabberdVersion version) {
    ConfigTree before = ConfigTree.fromText(path, original, source);
    List<Diagnostic> parse = before.parseDiagnostics().stream().filter(d -> d.severity() == Severity.ERROR).toList();
    if (!parse.isEmpty()) {
      return new Plan(path, original, original, List.of(), parse);
    }
    ConfigEditor.Result edited = ConfigEditor.edit(before, original, settings);
    List<Diagnostic> after = ConfigValidator.validate(ConfigTree.fromText(path, edited.text(), source).forVersion(version));
    return new Plan(path, original, edited.text(), edited.changes(), after);
  }
}
