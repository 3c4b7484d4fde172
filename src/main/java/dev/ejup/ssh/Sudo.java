package dev.ejup.ssh;

import dev.ejup.model.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands that need root go through {@code sudo -n} when the login is not root: never a
 * password prompt, and a refusal becomes one line naming the command and the sudoers rule.
 */
final class Sudo {
  private Sudo() {}

  static List<String> wrap(List<String> argv, boolean needed) {
    List<String> full = new ArrayList<>();
    if (needed) {
      full.addAll(List.of("sudo", "-n", "--"));
    }
    full.addAll(argv);
    return full;
  }

  static boolean isRefusal(String err) {
    return err.contains("a password is required") || err.contains("is not allowed to execute")
        || err.contains("is not in the sudoers file") || err.contains("may not run sudo") || err.contains("sudo: a terminal is required");
  }

  /** Throws when sudo itself refused (exit 1 with sudo's words), not when the command failed. */
  static void requireAllowed(Shell.Result result, List<String> argv, boolean used, String where, String login) {
    if (used && result.exit() == 1 && isRefusal(result.err())) {
      String command = argv.get(0).startsWith("/") ? argv.get(0) : "/usr/bin/" + argv.get(0);
      throw UserError.critical("sudo on " + where + " refused `" + Quote.command(argv) + "`: "
              + result.err().strip().lines().findFirst().orElse(""),
          "allow it without a password, e.g. in /etc/sudoers.d/ejup: " + login + " ALL=(root) NOPASSWD: " + command
              + "  (README lists every command ejup runs)");
    }
  }
}
