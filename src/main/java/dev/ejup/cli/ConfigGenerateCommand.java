package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.ejup.config.Generator;
import dev.ejup.model.UserError;
import java.nio.file.Path;

@Parameters(commandNames = "generate", commandDescription = "Print the mod_http_upload section and its listener (from templates/)")
final class ConfigGenerateCommand implements Command {
  @ParametersDelegate
  UploadOptions upload = new UploadOptions();

  @ParametersDelegate
  ApplyOptions apply = new ApplyOptions();

  @ParametersDelegate
  SshCliOptions ssh = new SshCliOptions();

  @Parameter(names = "--into", description = "splice into this ejabberd.yml instead of printing (same as config apply)")
  String into;

  @Parameter(names = "--full", description = "print a complete minimal ejabberd.yml (needs --host)")
  boolean full;

  @Parameter(names = "--certfile", description = "with --full: the certificate file (PEM with key)")
  String certfile = "/etc/ejabberd/ejabberd.pem";

  @Parameter(names = "--c2s-port", description = "with --full: the client port (default 5222)")
  int c2sPort = 5222;

  @Parameter(names = "--proxy", description = "print the reverse proxy's block for this upload listener instead: nginx or apache")
  String proxy;

  @Override
  public int run(Io io) {
    // a version that is none is a usage error whatever else was asked
    dev.ejup.config.EjabberdVersion version = apply.ejabberd.version != null
        ? dev.ejup.config.EjabberdInstall.given(apply.ejabberd.version).version() : dev.ejup.config.EjabberdVersion.NEWEST;
    if (proxy != null) {
      if (full || into != null) {
        throw UserError.unusable("--proxy does not go with " + (full ? "--full" : "--into"),
            "run ejup config generate --proxy " + proxy + " on its own: it prints the proxy's block, not ejabberd's");
      }
      io.out().print(Generator.proxy(upload.settings(), proxy.toLowerCase(java.util.Locale.ROOT)));
      return 0;
    }
    if (into != null) {
      if (full) {
        throw UserError.unusable("--full and --into do not go together", "use --into to change a file, --full to print a new one");
      }
      try (var store = ssh.store(io)) {
        return ConfigWrite.apply(io, store, Path.of(into), upload.settings(), apply, ssh.probeHost());
      }
    }
    // what is printed must load on the release it is for (the one given, else the newest ejup knows)
    dev.ejup.config.ConfigService.requireLoadable(upload.settings(), certfile, c2sPort, version);
    version.outsideKnown().ifPresent(n -> io.err().println("ejup: note: " + n));
    if (full) {
      if (upload.host == null) {
        throw UserError.unusable("--full needs --host", "e.g. ejup config generate --full --host example.org");
      }
      io.out().print(Generator.full(upload.settings(), certfile, c2sPort));
    } else {
      io.out().print(Generator.fragment(upload.settings()));
    }
    return 0;
  }
}
