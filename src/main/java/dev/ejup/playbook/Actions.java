package dev.ejup.playbook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The step names a playbook may use and the options each accepts (validated before running). */
final class Actions {
  private Actions() {}

  // no sudo option: ejup puts sudo -n in front of the commands that need root whenever the SSH login
  // is not root, so a switch could only break that
  private static final Set<String> SSH = Set.of("ssh", "identity", "known_hosts");

  /** Options a playbook might expect that are refused, with why (the loader's hint). */
  static final Map<String, String> REFUSED = Map.of(
      "sudo", "ejup runs the commands that need root through sudo -n by itself when the SSH login is not root; remove sudo",
      "docroot", "the docroot steps work on the docroot(s) the config names; remove docroot here (config apply sets it)");

  static final Map<String, Set<String>> OPTIONS = build();

  private static Map<String, Set<String>> build() {
    Map<String, Set<String>> all = new LinkedHashMap<>();
    all.put("config validate", union(SSH, "config"));
    all.put("config apply", union(SSH, "config", "domain", "put_url", "get_url", "docroot", "max_size", "port", "scheme"));
    all.put("reload", union(SSH, "ejabberdctl"));
    all.put("docroot check", union(SSH, "config", "user"));
    all.put("docroot fix", union(SSH, "config", "user"));
    all.put("docroot prune", union(SSH, "config", "older_than"));
    all.put("check", Set.of("domain", "jid", "password_file", "server", "insecure", "direct_tls", "probes", "timeout", "node_urls"));
    all.put("wait", Set.of("server", "timeout"));
    return all;
  }

  private static Set<String> union(Set<String> base, String... more) {
    java.util.Set<String> all = new java.util.TreeSet<>(base);
    all.addAll(java.util.List.of(more));
    return Set.copyOf(all);
  }
}
