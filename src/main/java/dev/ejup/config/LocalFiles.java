package dev.ejup.config;

import java.nio.file.Path;

/** Config files on this machine. */
public final class LocalFiles implements ConfigTree.Source {
  @Override
  public String read(Path path) {
    return ConfigFile.read(path);
  }
}
