package dev.ejup.playbook;

import java.util.Map;

/** One server a playbook runs against: a name for the summary and its variables. */
public record Target(String name, Map<String, String> vars) {
  public Target {
    vars = Map.copyOf(vars);
  }
}
