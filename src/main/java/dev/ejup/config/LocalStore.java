package dev.ejup.config;

import dev.ejup.model.Step;
import java.nio.file.Path;

/** ejabberd.yml on this machine. */
public final class LocalStore implements ConfigStore {
  @Override
  public String read(Path path) {
    return ConfigFile.read(path);
  }

  @Override
  public String describe(Path path) {
    return path.toString();
  }

  @Override
  public Path replace(Path path, String text, boolean backup) {
    return AtomicFile.replace(path, text, backup);
  }

  @Override
  public Step reload(String ejabberdctl) {
    return new Ejabberdctl(ejabberdctl).reloadConfig();
  }
}
