package dev.ejup.docroot;

import java.util.Optional;

/** What `stat` says about one path; an empty Optional from parse means it does not exist. */
public record PathState(String path, String type, String owner, String group, int mode) {
  public boolean isDirectory() {
    return type.equals("directory");
  }

  public boolean isSymlink() {
    return type.equals("symbolic link");
  }

  /** Parses `stat -c '%F|%U|%G|%a'` output. */
  static Optional<PathState> parse(String path, String statOutput) {
    String[] parts = statOutput.strip().split("\\|");
    if (parts.length != 4) {
      return Optional.empty();
    }
    return Optional.of(new PathState(path, parts[0], parts[1], parts[2], Integer.parseInt(parts[3].trim(), 8)));
  }

  String describe() {
    return owner + ":" + group + " " + Mode.octal(mode);
  }
}
