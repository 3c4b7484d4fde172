package dev.ejup.docroot;

import dev.ejup.config.ConfigTree;
import dev.ejup.config.ConfigValidator;
import dev.ejup.config.RemoteStore;
import dev.ejup.config.UploadDirs;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.Severity;
import dev.ejup.model.UserError;
import dev.ejup.ssh.Shell;
import java.nio.file.Path;
import java.util.List;

/**
 * What ejup learns about the server before judging its docroot: the config and the user.
 *
 * @param home the user's home directory, or null when the user is a bare uid with no passwd entry
 */
record ServerView(String configPath, List<UploadDirs> dirs, String user, String group, List<String> groups, String home,
    String userSource) {

  static final List<String> USUAL_CONFIGS = List.of("/etc/ejabberd/ejabberd.yml", "/opt/ejabberd/conf/ejabberd.yml",
      "/usr/local/etc/ejabberd/ejabberd.yml");

  /** The config's path and its upload directories. */
  record Config(String path, List<UploadDirs> dirs) {}

  static Config config(Shell shell, String config) {
    String path = config != null ? config : USUAL_CONFIGS.stream()
        .filter(p -> shell.run(List.of("test", "-f", p), true).ok()).findFirst()
        .orElseThrow(() -> UserError.critical("no ejabberd.yml on " + shell.where() + " at " + String.join(", ", USUAL_CONFIGS),
            "give its path with --config"));
    ConfigTree tree = ConfigTree.loadEjabberdYml(Path.of(path), new RemoteStore(shell));
    List<Diagnostic> errors = ConfigValidator.validate(tree).stream()
        .filter(d -> d.severity() == Severity.ERROR && d.rule().startsWith("yaml.")).toList();
    if (!errors.isEmpty()) {
      throw UserError.critical(path + " on " + shell.where() + " does not parse: " + errors.get(0).location() + ": "
          + errors.get(0).message(), "fix it first: ejup config validate");
    }
    List<UploadDirs> dirs = UploadDirs.of(tree);
    if (dirs.isEmpty()) {
      throw UserError.critical("mod_http_upload is not enabled in " + path + " on " + shell.where(),
          "enable it first: ejup config apply " + path + " --host DOMAIN");
    }
    return new Config(path, dirs);
  }

  /**
   * The user ejabberd runs as: --owner when given (the sysadmin knows best, e.g. for a container's
   * uid), else the running process's, else the package's. A user
   * may be a bare uid with no name on this host (a container's 9000, as ps and stat show it);
   * its group is then the group of the same number, as container images make it.
   */
  static ServerView user(Shell shell, Config config, String owner) {
    String user;
    String source;
    String running = owner != null ? null : shell.run(List.of("ps", "-eo", "user:32=,args="), false).out().lines()
        .filter(l -> l.contains("beam") && l.contains("ejabberd")).map(l -> l.strip().split("\\s+")[0]).findFirst().orElse(null);
    if (owner != null) {
      user = owner;
      source = "--owner";
    } else if (running != null) {
      user = running;
      source = "the running ejabberd process";
    } else if (shell.run(List.of("getent", "passwd", "ejabberd"), false).ok()) {
      user = "ejabberd";
      source = "the package's user (ejabberd is not running)";
    } else {
      throw UserError.critical("cannot tell which user ejabberd runs as on " + shell.where() + ": it is not running and there is no user 'ejabberd'",
          "start ejabberd, or name the user with --owner");
    }
    Shell.Result passwd = shell.run(List.of("getent", "passwd", "--", user), false);
    String[] fields = passwd.out().strip().split(":");
    if (passwd.ok() && fields.length >= 6) {
      String name = fields[0];
      String group = shell.run(List.of("id", "-gn", "--", name), false).out().strip();
      List<String> groups = List.of(shell.run(List.of("id", "-Gn", "--", name), false).out().strip().split("\\s+"));
      return new ServerView(config.path(), config.dirs(), name, group, groups, fields[5], source);
    }
    if (!user.matches("[0-9]{1,10}")) {
      throw UserError.critical("user " + user + " does not exist on " + shell.where(), "check --owner");
    }
    String[] groupEntry = shell.run(List.of("getent", "group", "--", user), false).out().strip().split(":");
    String group = groupEntry.length >= 3 && groupEntry[2].equals(user) ? groupEntry[0] : user;
    return new ServerView(config.path(), config.dirs(), user, group, List.of(group), null, source + ", a uid with no user name here");
  }
}
