package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.ejup.model.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Parameters(commandNames = "apply", commandDescription = "Enable or change HTTP upload in an ejabberd.yml in place (diff, backup, atomic write)")
final class ConfigApplyCommand implements Command {
  @Parameter(description = "PATH  (the ejabberd.yml to change)")
  List<String> paths = new ArrayList<>();

  @ParametersDelegate
  UploadOptions upload = new UploadOptions();

  @ParametersDelegate
  ApplyOptions apply = new ApplyOptions();

  @ParametersDelegate
  SshCliOptions ssh = new SshCliOptions();

  @Override
  public int run(Io io) {
    if (paths.size() != 1) {
      throw UserError.unusable("config apply takes exactly one file", "e.g. ejup config apply /etc/ejabberd/ejabberd.yml --host example.org");
    }
    try (var store = ssh.store(io)) {
      return ConfigWrite.apply(io, store, Path.of(paths.get(0)), upload.settings(), apply, ssh.probeHost());
    }
  }
}
