package dev.ejup.playbook;

import dev.ejup.ssh.Shell;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A shell on which the files a dry-run {@code config apply} planned read as planned. Every reader
 * of ejabberd.yml (the config store, the docroot's view of the server) asks {@link #readDirectly}
 * first, so the steps after a simulated apply judge the config the real run would have written.
 * Commands still run on the real server.
 */
final class PlannedConfigShell implements Shell {
  private final Shell shell;
  private final Map<String, String> planned;

  PlannedConfigShell(Shell shell, Map<String, String> planned) {
    this.shell = shell;
    this.planned = Map.copyOf(planned);
  }

  @Override
  public Result run(List<String> argv, boolean asRoot, byte[] stdin) {
    return shell.run(argv, asRoot, stdin);
  }

  @Override
  public byte[] readDirectly(String path, long maxBytes) {
    String text = planned.get(path);
    return text != null ? text.getBytes(StandardCharsets.UTF_8) : shell.readDirectly(path, maxBytes);
  }

  @Override
  public String where() {
    return shell.where();
  }

  @Override
  public void close() {
    shell.close();
  }
}
