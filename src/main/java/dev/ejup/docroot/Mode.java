package dev.ejup.docroot;

import java.util.List;

/** Unix permission checks on plain values, so the rules are unit-tested without a server. */
public final class Mode {
  private Mode() {}

  /** The permission bits (rwx = 4|2|1) that apply to user with groups on a file owned by owner:group. */
  public static int bitsFor(String user, List<String> userGroups, String owner, String group, int mode) {
    if ("root".equals(user)) {
      return 7;
    }
    if (user.equals(owner)) {
      return (mode >> 6) & 7;
    }
    if (userGroups.contains(group)) {
      return (mode >> 3) & 7;
    }
    return mode & 7;
  }

  public static boolean canSearch(String user, List<String> groups, String owner, String group, int mode) {
    return (bitsFor(user, groups, owner, group, mode) & 1) != 0;
  }

  public static boolean canWriteDirectory(String user, List<String> groups, String owner, String group, int mode) {
    return (bitsFor(user, groups, owner, group, mode) & 3) == 3;
  }

  public static String octal(int mode) {
    return String.format("%04o", mode);
  }
}
