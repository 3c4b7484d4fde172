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
  public Held lock(Path path) {
    return ConfigLock.acquire(path);
  }

  @Override
  public ConfigFile.Contents readForEdit(Path path) {
    return ConfigFile.readForEdit(path);
  }

  @Override
  public AtomicFile.Written replace(Path path, ConfigFile.Contents expected, String text, boolean backup) {
    return AtomicFile.replace(path, expected, text, backup);
  }

  @Override
  public Step reload(String ejabberdctl) {
    return new Ejabberdctl(ejabberdctl).reloadConfig();
  }
}
