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
    // written back by a rename: a pipe or device would become a regular file, and its writer would be left waiting
    if (java.nio.file.Files.exists(path) && !java.nio.file.Files.isRegularFile(path) && !java.nio.file.Files.isDirectory(path)) {
      throw dev.ejup.model.UserError.unusable(path + ": is a pipe or device, not a file ejup can change in place", "give the ejabberd.yml itself");
    }
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
