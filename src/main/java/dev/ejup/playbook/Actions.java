package dev.ejup.playbook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The step names a playbook may use and the options each accepts (validated before running). */
final class Actions {
  private Actions() {}

  private static final Set<String> SSH = Set.of("ssh", "identity", "known_hosts", "sudo");

  static final Map<String, Set<String>> OPTIONS = build();

  private static Map<String, Set<String>> build() {
    Map<String, Set<String>> all = new LinkedHashMap<>();
    all.put("config validate", union(SSH, "config"));
    all.put("config apply", union(SSH, "config", "domain", "put_url", "get_url", "docroot", "max_size", "port", "scheme"));
    all.put("reload", union(SSH, "ejabberdctl"));
    all.put("docroot check", union(SSH, "config", "docroot", "user"));
    all.put("docroot fix", union(SSH, "config", "docroot", "user"));
    all.put("docroot prune", union(SSH, "config", "docroot", "older_than"));
    all.put("check", Set.of("domain", "jid", "password_file", "server", "insecure", "direct_tls", "probes", "timeout"));
    all.put("wait", Set.of("server", "timeout"));
    return all;
  }

  private static Set<String> union(Set<String> base, String... more) {
    java.util.Set<String> all = new java.util.TreeSet<>(base);
    all.addAll(java.util.List.of(more));
    return Set.copyOf(all);
  }
}
