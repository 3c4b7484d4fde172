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

  /** Group and other write bits: what lets someone besides the owner replace or delete files. */
  public static final int SHARED_WRITE = 0022;

  /** Who besides the owner may write under these bits, in words; empty when nobody. */
  public static String otherWriters(int mode, String group) {
    if ((mode & 0002) != 0) {
      return "any local user";
    }
    return (mode & 0020) != 0 ? "any member of group " + group : "";
  }

  /** A configured mode such as "0750" or "750"; -1 when it is not octal. */
  public static int parse(String octal) {
    try {
      int mode = Integer.parseInt(octal.strip(), 8);
      return mode >= 0 && mode <= 07777 ? mode : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  public static String octal(int mode) {
    return String.format("%04o", mode);
  }
}
