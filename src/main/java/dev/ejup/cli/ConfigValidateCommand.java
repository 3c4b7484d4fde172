package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.ejup.config.ConfigService;
import dev.ejup.model.Diagnostic;
import dev.ejup.model.UserError;
import dev.ejup.report.DiagnosticsRenderer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Parameters(commandNames = "validate", commandDescription = "Check an ejabberd.yml's upload setup like a compiler (file:line:col, rule, hint)")
final class ConfigValidateCommand implements Command {
  @Parameter(description = "[PATH]  (default /etc/ejabberd/ejabberd.yml)")
  List<String> paths = new ArrayList<>();

  @Parameter(names = "--format", description = "text or json")
  String format = "text";

  @Parameter(names = "--ignore", description = "rule ids to silence, comma-separated (e.g. upload.plain-http)")
  List<String> ignore = new ArrayList<>();

  @ParametersDelegate
  SshCliOptions ssh = new SshCliOptions();

  @ParametersDelegate
  VersionOption ejabberd = new VersionOption();

  @Override
  public int run(Io io) {
    if (paths.size() > 1) {
      throw UserError.unusable("validate takes one file, got " + paths.size(), "run it once per file");
    }
    ignore.forEach(ConfigRulesCommand::rule);
    List<Diagnostic> found;
    String where;
    dev.ejup.config.EjabberdInstall.Release release;
    Path path = paths.isEmpty() ? null : Path.of(paths.get(0));
    try (var store = ssh.store(io)) {
      if (path == null) {
        path = Path.of(dev.ejup.config.EjabberdInstall.defaultConfig(store.commands()));
      }
      where = store.store().describe(path);
      release = ejabberd.release(store.commands(), null);
      found = ConfigService.validate(store.store(), path, release.version()).stream()
          .filter(d -> !ignore.contains(d.rule())).toList();
    } catch (UserError e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw dev.ejup.config.ConfigService.internal("config validate of " + path, e, "no verdict");
    }
    // after the verdict: a user error stays one line
    io.err().println("ejup: " + release.describe());
    release.note().ifPresent(n -> io.err().println("ejup: note: " + n));
    switch (format) {
      case "text" -> io.out().print(DiagnosticsRenderer.text(where, found));
      case "json" -> io.out().print(DiagnosticsRenderer.json(where, found));
      default -> throw UserError.unusable("unknown format '" + format + "' for config validate", "use text or json");
    }
    return DiagnosticsRenderer.status(found).exitCode();
  }
}
