package dev.ejup.docroot;

import java.util.Optional;

/** What `stat` says about one path; an empty Optional from parse means it does not exist. */
public record PathState(String path, String type, String owner, String group, int mode) {
  /** The stat format parse reads: type, owner and group by name and by number, octal mode. */
  static final String FORMAT = "%F|%U|%G|%a|%u|%g";

  public boolean isDirectory() {
    return type.equals("directory");
  }

  public boolean isSymlink() {
    return type.equals("symbolic link");
  }

  /**
   * Parses `stat -c FORMAT` output. An owner or group with no name on the host (a container's
   * uid 9000) is the number, as ls shows it, not stat's "UNKNOWN".
   */
  static Optional<PathState> parse(String path, String statOutput) {
    String[] parts = statOutput.strip().split("\\|");
    if (parts.length != 6) {
      return Optional.empty();
    }
    String owner = parts[1].equals("UNKNOWN") ? parts[4] : parts[1];
    String group = parts[2].equals("UNKNOWN") ? parts[5] : parts[2];
    return Optional.of(new PathState(path, parts[0], owner, group, Integer.parseInt(parts[3].trim(), 8)));
  }

  String describe() {
    return owner + ":" + group + " " + Mode.octal(mode);
  }
}
