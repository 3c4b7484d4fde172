package dev.ejup.playbook;

import java.util.Map;

/**
 * One server a playbook runs against: a name for the summary and its variables.
 *
 * @param planned config files a dry-run {@code config apply} would have written (path to text):
 *     the steps after it read these instead of the unchanged files, so a dry run shows what the
 *     real run would do
 */
record Target(String name, Map<String, String> vars, Map<String, String> planned) {
  public Target {
    vars = Map.copyOf(vars);
    planned = Map.copyOf(planned);
  }

  public Target(String name, Map<String, String> vars) {
    this(name, vars, Map.of());
  }

  Target withPlanned(String path, String text) {
    Map<String, String> more = new java.util.LinkedHashMap<>(planned);
    more.put(path, text);
    return new Target(name, vars, more);
  }
}
