package dev.ejup.docroot;

import dev.ejup.model.Status;
import dev.ejup.ssh.Shell;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The sandboxes around ejabberd that can hide its docroot although owner and modes are right ("permission
 * denied, but I chowned it"): the systemd unit (Debian's ejabberd.service sets ProtectHome=true,
 * ProtectSystem=full, PrivateTmp=true) and the AppArmor profile (Debian's usr.sbin.ejabberdctl writes only
 * under /var/lib/ejabberd, its log, backup and run folders, plus its local/ override).
 *
 * <p>The unit is read as systemd runs it: {@code systemctl show} where systemd runs, else the unit file and
 * its drop-ins in systemd's order (systemd.unit(5): /etc over /run over /lib, drop-ins sorted by file name,
 * an empty list assignment resetting the list). What each setting hides is systemd.exec(5)'s: ProtectHome
 * hides /home, /root and /run/user (read-only with "read-only"; "tmpfs" shows only BindPaths=),
 * ProtectSystem makes /usr, /boot, /efi read-only ("full" adds /etc, "strict" everything but /dev, /proc,
 * /sys), PrivateTmp gives the service its own /tmp and /var/tmp, and ReadWritePaths= reopens a path.
 */
final class Sandbox {
  static final String UNIT = "ejabberd.service";
  static final List<String> UNIT_DIRS = List.of("/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system",
      "/usr/lib/systemd/system");
  static final String DROP_IN = "/etc/systemd/system/" + UNIT + ".d/ejup-docroot.conf";
  static final String APPARMOR_DIR = "/etc/apparmor.d";
  private static final List<String> PROPERTIES = List.of("ProtectHome", "ProtectSystem", "PrivateTmp", "ReadWritePaths",
      "ReadOnlyPaths", "InaccessiblePaths", "BindPaths");

  /** What the sandbox does to one path, with the line that fixes it (empty when nothing needs fixing). */
  record Finding(Status status, String detail, String hint, String fixFile, List<String> fixLines) {}

  /**
   * The unit's effective sandbox settings, and where they were read; live when systemd runs here
   * (else it is what ejabberd.service will do once systemd starts ejabberd).
   */
  record Unit(String source, Map<String, String> properties, boolean live) {
    String get(String key) {
      return properties.getOrDefault(key, "");
    }
  }

  /** A profile that confines ejabberd: its file, text, its local override's path and text, and its mode. */
  record Profile(String file, String text, String localFile, String localText, String mode) {}

  private Sandbox() {}

  // ---- systemd ----

  /** The unit as systemd runs it; null when there is no ejabberd.service on the server. */
  static Unit unit(Shell shell) {
    if (shell.run(List.of("test", "-d", "/run/systemd/system"), false).ok()) {
      List<String> argv = new ArrayList<>(List.of("systemctl", "show", UNIT));
      PROPERTIES.forEach(p -> argv.add("--property=" + p));
      argv.add("--property=LoadState");
      Shell.Result show = shell.run(argv, false);
      if (show.ok()) {
        Map<String, String> props = new LinkedHashMap<>();
        for (String line : show.out().split("\n")) {
          int eq = line.indexOf('=');
          if (eq > 0) {
            props.put(line.substring(0, eq), line.substring(eq + 1).strip());
          }
        }
        if ("not-found".equals(props.get("LoadState"))) {
          return null;
        }
        return new Unit("systemctl show " + UNIT, normalise(props), true);
      }
    }
    String main = null;
    String text = null;
    for (String dir : UNIT_DIRS) {
      Shell.Result cat = shell.run(List.of("cat", "--", dir + "/" + UNIT), false);
      if (cat.ok()) {
        main = dir + "/" + UNIT;
        text = cat.out();
        break;
      }
    }
    if (main == null) {
      return null;
    }
    // drop-ins: one per file name, /etc's over /run's over /lib's, applied in file-name order
    Map<String, String> dropIns = new TreeMap<>();
    for (int i = UNIT_DIRS.size() - 1; i >= 0; i--) {
      String dir = UNIT_DIRS.get(i) + "/" + UNIT + ".d";
      Shell.Result ls = shell.run(List.of("find", dir, "-maxdepth", "1", "-name", "*.conf", "-print"), false);
      for (String file : ls.out().split("\n")) {
        if (!file.isBlank()) {
          dropIns.put(file.substring(file.lastIndexOf('/') + 1), file.strip());
        }
      }
    }
    List<String> texts = new ArrayList<>(List.of(text));
    List<String> sources = new ArrayList<>(List.of(main));
    for (String file : dropIns.values()) {
      Shell.Result cat = shell.run(List.of("cat", "--", file), false);
      if (cat.ok()) {
        texts.add(cat.out());
        sources.add(file);
      }
    }
    return new Unit(String.join(" + ", sources), parseUnit(texts), false);
  }

  /** The [Service] sandbox settings of a unit file and its drop-ins, in order: a later value wins, lists add up. */
  static Map<String, String> parseUnit(List<String> files) {
    Map<String, String> props = new LinkedHashMap<>();
    for (String file : files) {
      boolean service = false;
      for (String raw : file.replace("\\\n", " ").split("\n")) {
        String line = raw.strip();
        if (line.startsWith("[")) {
          service = line.equals("[Service]");
          continue;
        }
        int eq = line.indexOf('=');
        if (!service || line.startsWith("#") || line.startsWith(";") || eq < 0) {
          continue;
        }
        String key = line.substring(0, eq).strip();
        String value = line.substring(eq + 1).strip();
        if (!PROPERTIES.contains(key)) {
          continue;
        }
        if (key.endsWith("Paths")) {
          String before = props.getOrDefault(key, "");
          props.put(key, value.isEmpty() ? "" : (before.isEmpty() ? value : before + " " + value));
        } else {
          props.put(key, value);
        }
      }
    }
    return normalise(props);
  }

  /** systemd's booleans as systemctl show prints them (yes/no), whatever the file wrote (true, on, 1). */
  private static Map<String, String> normalise(Map<String, String> props) {
    Map<String, String> out = new LinkedHashMap<>();
    props.forEach((k, v) -> {
      String lower = v.toLowerCase(java.util.Locale.ROOT);
      out.put(k, switch (lower) {
        case "true", "on", "1", "yes" -> "yes";
        case "false", "off", "0", "no" -> "no";
        default -> v;
      });
    });
    return out;
  }

  /** Whether path is dir or lies under it. */
  static boolean under(String path, String dir) {
    String d = dir.endsWith("/") && dir.length() > 1 ? dir.substring(0, dir.length() - 1) : dir;
    return path.equals(d) || path.startsWith(d.equals("/") ? "/" : d + "/");
  }

  /** The paths of a list setting, without the "-" (ignore if missing) and "+" prefixes, and a BindPaths= source only. */
  private static List<String> paths(String list) {
    List<String> out = new ArrayList<>();
    for (String item : list.split("\\s+")) {
      String p = item.replaceFirst("^[-+]+", "");
      if (p.contains(":")) {
        p = p.substring(0, p.indexOf(':'));
      }
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  private static boolean listed(Unit unit, String key, String path) {
    return paths(unit.get(key)).stream().anyMatch(p -> under(path, p));
  }

  /**
   * What the unit does to the docroot: hidden, read-only or a private copy (CRITICAL), or nothing
   * (OK); a WARNING for what it will do where systemd does not run (a container, a chroot, a
   * machine being prepared), since nothing hides the docroot today.
   */
  static Finding judge(Unit unit, String docroot) {
    if (!docroot.startsWith("/")) {
      return cannotJudge("systemd", docroot);
    }
    Finding f = judgeAsRun(unit, docroot);
    if (unit.live() || f.status() == Status.OK) {
      return f;
    }
    return new Finding(Status.WARN, f.detail() + "; systemd is not running here, so this happens once it starts ejabberd",
        f.hint(), f.fixFile(), f.fixLines());
  }

  private static Finding judgeAsRun(Unit unit, String docroot) {
    String from = " (" + unit.source() + ")";
    String dropIn = "add a drop-in " + DROP_IN + " with ";
    String reload = ", then: systemctl daemon-reload && systemctl restart ejabberd; or move the docroot under /var/lib/ejabberd";
    if (listed(unit, "InaccessiblePaths", docroot)) {
      return new Finding(Status.CRIT, "systemd hides " + docroot + " from ejabberd: InaccessiblePaths=" + unit.get("InaccessiblePaths") + from,
          "remove it from InaccessiblePaths=" + reload, "", List.of());
    }
    boolean home = List.of("/home", "/root", "/run/user").stream().anyMatch(h -> under(docroot, h));
    String protectHome = unit.get("ProtectHome");
    if (home && protectHome.equals("yes")) {
      List<String> fix = List.of("[Service]", "ProtectHome=tmpfs", "BindPaths=" + docroot);
      return new Finding(Status.CRIT, "systemd hides " + docroot + " from ejabberd: ProtectHome=yes makes /home, /root and /run/user "
          + "empty and inaccessible to it, so every PUT fails whatever the owner and modes" + from,
          dropIn + "'" + String.join("' '", fix.subList(1, fix.size())) + "'" + reload, DROP_IN, fix);
    }
    if (home && protectHome.equals("tmpfs") && !listed(unit, "BindPaths", docroot)) {
      List<String> fix = List.of("[Service]", "BindPaths=" + docroot);
      return new Finding(Status.CRIT, "systemd hides " + docroot + " from ejabberd: ProtectHome=tmpfs shows it only the paths in BindPaths=" + from,
          dropIn + "'BindPaths=" + docroot + "'" + reload, DROP_IN, fix);
    }
    boolean tmp = under(docroot, "/tmp") || under(docroot, "/var/tmp");
    if (tmp && unit.get("PrivateTmp").equals("yes")) {
      return new Finding(Status.CRIT, "systemd gives ejabberd its own private /tmp and /var/tmp (PrivateTmp=yes): it writes uploads to "
          + "another " + docroot + " than the one here, and loses them at every restart" + from,
          "move the docroot out of /tmp, e.g. to /var/lib/ejabberd/upload (ejup config apply FILE --docroot /var/lib/ejabberd/upload)",
          "", List.of());
    }
    String readOnly = null;
    String protectSystem = unit.get("ProtectSystem");
    if (home && protectHome.equals("read-only")) {
      readOnly = "ProtectHome=read-only";
    } else if (protectSystem.equals("strict") && !List.of("/dev", "/proc", "/sys").stream().anyMatch(p -> under(docroot, p))) {
      readOnly = "ProtectSystem=strict";
    } else if ((protectSystem.equals("yes") || protectSystem.equals("full") || protectSystem.equals("strict"))
        && List.of("/usr", "/boot", "/efi").stream().anyMatch(p -> under(docroot, p))) {
      readOnly = "ProtectSystem=" + protectSystem;
    } else if ((protectSystem.equals("full") || protectSystem.equals("strict")) && under(docroot, "/etc")) {
      readOnly = "ProtectSystem=" + protectSystem;
    } else if (listed(unit, "ReadOnlyPaths", docroot)) {
      readOnly = "ReadOnlyPaths=" + unit.get("ReadOnlyPaths");
    }
    if (readOnly != null && !listed(unit, "ReadWritePaths", docroot)) {
      List<String> fix = List.of("[Service]", "ReadWritePaths=" + docroot);
      return new Finding(Status.CRIT, "systemd makes " + docroot + " read-only for ejabberd (" + readOnly + "), so every PUT fails "
          + "whatever the owner and modes" + from, dropIn + "'ReadWritePaths=" + docroot + "'" + reload, DROP_IN, fix);
    }
    return new Finding(Status.OK, "systemd leaves " + docroot + " writable for ejabberd (ProtectHome=" + orNo(protectHome)
        + ", ProtectSystem=" + orNo(protectSystem) + ", PrivateTmp=" + orNo(unit.get("PrivateTmp"))
        + (unit.get("ReadWritePaths").isEmpty() ? "" : ", ReadWritePaths=" + unit.get("ReadWritePaths")) + ")" + from, "", "", List.of());
  }

  /**
   * A relative docroot: where it lands depends on ejabberd's working directory, which ejup does not
   * know, so what a sandbox does to it cannot be judged (and no line can be proposed for it).
   */
  private static Finding cannotJudge(String sandbox, String docroot) {
    return new Finding(Status.UNKNOWN, Docroot.notAbsolute(docroot) + ", so what " + sandbox + " does to it cannot be judged",
        Docroot.NOT_ABSOLUTE_HINT, "", List.of());
  }

  private static String orNo(String value) {
    return value.isEmpty() ? "no" : value;
  }

  // ---- AppArmor ----

  /** The AppArmor profiles on the server that confine ejabberd (Debian: usr.sbin.ejabberdctl), with their mode. */
  static List<Profile> profiles(Shell shell) {
    Shell.Result ls = shell.run(List.of("find", APPARMOR_DIR, "-maxdepth", "1", "-type", "f", "-name", "*ejabberd*", "-print"), false);
    List<Profile> out = new ArrayList<>();
    if (!ls.ok()) {
      return out;
    }
    boolean running = shell.run(List.of("test", "-d", "/sys/kernel/security/apparmor"), false).ok();
    // the kernel's list needs root; only asked where AppArmor runs
    Shell.Result loaded = running ? shell.run(List.of("cat", "/sys/kernel/security/apparmor/profiles"), true) : null;
    for (String file : ls.out().lines().map(String::strip).filter(l -> !l.isEmpty()).sorted().toList()) {
      Shell.Result cat = shell.run(List.of("cat", "--", file), true);
      if (!cat.ok()) {
        continue;
      }
      String name = file.substring(file.lastIndexOf('/') + 1);
      String local = APPARMOR_DIR + "/local/" + name;
      Shell.Result localCat = shell.run(List.of("cat", "--", local), true);
      out.add(new Profile(file, cat.out(), local, localCat.ok() ? localCat.out() : "",
          mode(cat.out(), running, loaded != null && loaded.ok() ? loaded.out() : null)));
    }
    return out;
  }

  private static final Pattern HEADER = Pattern.compile("(?m)^\\s*(?:profile\\s+)?(/\\S+)\\s*(?:flags\\s*=\\s*\\(([^)]*)\\))?\\s*\\{");

  /**
   * enforce, complain or disabled when AppArmor runs (read from the kernel's list of loaded
   * profiles), "not running" when it does not (the file's own flags are then only what it would be).
   */
  static String mode(String profile, boolean running, String loaded) {
    java.util.regex.Matcher m = HEADER.matcher(profile);
    String name = m.find() ? m.group(1) : "";
    if (!running) {
      return "not running";
    }
    if (loaded == null) {
      return "unknown";
    }
    for (String line : loaded.split("\n")) {
      if (line.startsWith(name + " (")) {
        return line.substring(line.indexOf('(') + 1, line.indexOf(')', line.indexOf('(')));
      }
    }
    return "not loaded";
  }

  /** The mode the profile file asks for (its flags), for when the kernel cannot be asked. */
  static String fileMode(String profile) {
    java.util.regex.Matcher m = HEADER.matcher(profile);
    return m.find() && m.group(2) != null && m.group(2).contains("complain") ? "complain" : "enforce";
  }

  /** A rule of the profile's top level: allow or deny, its path glob as a regex, and its permissions. */
  record Rule(boolean deny, Pattern path, String glob, String perms) {}

  private static final Pattern RULE = Pattern.compile(
      "^\\s*(?:audit\\s+)?(deny\\s+)?(?:owner\\s+)?(?:file\\s+)?(\"[^\"]+\"|[/@](?:\\{[^}]*\\}|[^\\s,{])*)\\s+([rwaklmixpPuUcC]+)\\s*(?:->\\s*\\S+\\s*)?,");

  /**
   * The file rules of the outermost profile (nested profiles, such as Debian's "profile su", are
   * skipped: ejabberd's beam runs in the outer one) and of its local override.
   */
  static List<Rule> rules(String profile, String local) {
    List<Rule> out = new ArrayList<>();
    for (String text : List.of(profile, local)) {
      int depth = 0;
      boolean isLocal = text == local;
      for (String raw : text.split("\n")) {
        String line = raw.replaceFirst("\\s#.*$", "");
        if (line.strip().startsWith("#")) {
          continue;
        }
        int opens = line.length() - line.replace("{", "").length();
        // braces inside a glob ({a,b}) do not open blocks: only a '{' that ends the line does
        boolean opensBlock = line.strip().endsWith("{");
        boolean closes = line.strip().equals("}");
        int at = isLocal ? depth + 1 : depth;
        if (at == 1 && !opensBlock) {
          java.util.regex.Matcher m = RULE.matcher(line);
          if (m.find()) {
            String glob = m.group(2).replace("\"", "");
            out.add(new Rule(m.group(1) != null, Pattern.compile(regex(glob)), glob, m.group(3)));
          }
        }
        if (opensBlock && opens > 0) {
          depth++;
        }
        if (closes) {
          depth--;
        }
      }
    }
    return out;
  }

  /** An AppArmor glob as a regex: ** crosses '/', * and ? do not, {a,b} alternates; variables match only their usual values. */
  static String regex(String glob) {
    String g = glob.replace("@{HOME}", "{/home/*/,/root/}").replace("@{HOMEDIRS}", "/home/").replace("@{PROC}", "/proc/")
        .replace("@{run}", "{/var/run,/run}").replace("@{pid}", "{[1-9],[1-9][0-9]*}");
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < g.length(); i++) {
      char c = g.charAt(i);
      if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
        re.append(".*");
        i++;
      } else if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '{') {
        re.append("(?:");
      } else if (c == '}') {
        re.append(")");
      } else if (c == ',') {
        re.append("|");
      } else if (c == '[') {
        int end = g.indexOf(']', i);
        re.append(end > i ? g.substring(i, end + 1).replace("[^", "[^").replace("\\", "\\\\") : "\\[");
        i = end > i ? end : i;
      } else if (c == '@' && i + 1 < g.length() && g.charAt(i + 1) == '{') {
        re.append("(?!)"); // a variable ejup does not know: assume it does not cover a docroot
        i = g.indexOf('}', i);
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }

  /** Whether the rules let ejabberd do every one of perms on path: an allow with each, and no deny with any. */
  static boolean allows(List<Rule> rules, String path, String perms) {
    for (char p : perms.toCharArray()) {
      boolean allowed = false;
      for (Rule rule : rules) {
        if (!rule.path().matcher(path).matches()) {
          continue;
        }
        boolean has = rule.perms().indexOf(p) >= 0;
        if (rule.deny() && has) {
          return false;
        }
        allowed |= !rule.deny() && has;
      }
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  /** The override lines that let ejabberd create, write and read files under docroot. */
  static List<String> overrideLines(String docroot) {
    String d = docroot.endsWith("/") ? docroot.substring(0, docroot.length() - 1) : docroot;
    return List.of(d + "/ rw,", d + "/** rwk,");
  }

  /** What the profile does to the docroot: denied (CRITICAL when enforced, WARNING in complain mode), or allowed. */
  static Finding judge(Profile profile, String docroot) {
    if (!docroot.startsWith("/")) {
      return cannotJudge("AppArmor", docroot);
    }
    List<Rule> rules = rules(profile.text(), profile.localText());
    String d = docroot.endsWith("/") ? docroot.substring(0, docroot.length() - 1) : docroot;
    // what mod_http_upload does: create <docroot>/<user dir>/<random dir>/ and write the file there, then serve it
    boolean ok = allows(rules, d + "/ejup/", "w") && allows(rules, d + "/ejup/ejup/", "w")
        && allows(rules, d + "/ejup/ejup/file.bin", "rw");
    String name = profile.file().substring(profile.file().lastIndexOf('/') + 1);
    String mode = profile.mode();
    String where = "AppArmor profile " + name + " (" + (mode.equals("not running") ? "AppArmor not running here, the file asks for "
        + fileMode(profile.text()) : mode) + ")";
    if (ok) {
      return new Finding(Status.OK, where + " lets ejabberd write and read " + docroot, "", "", List.of());
    }
    List<String> lines = overrideLines(docroot);
    String hint = "add to " + profile.localFile() + ": '" + String.join("' '", lines) + "', then: apparmor_parser -r " + profile.file();
    String denied = where + " allows ejabberd no writes under " + docroot + " (only where its rules say, such as /var/lib/ejabberd)";
    boolean fileEnforces = fileMode(profile.text()).equals("enforce");
    return switch (mode) {
      case "enforce" -> new Finding(Status.CRIT, denied + ": every PUT fails with permission denied whatever the owner and modes",
          hint, profile.localFile(), lines);
      case "complain" -> new Finding(Status.WARN, denied + ": today it only logs, but once enforced (aa-enforce) every PUT fails",
          hint, profile.localFile(), lines);
      case "not running", "not loaded" -> fileEnforces
          ? new Finding(Status.WARN, denied + ": it is not in effect now, but once loaded it is enforced and every PUT fails",
              hint, profile.localFile(), lines)
          : new Finding(Status.OK, denied + "; not in effect, and in complain mode once loaded: nothing is denied", "",
              profile.localFile(), lines);
      default -> new Finding(Status.UNKNOWN, denied + "; whether it is enforced is unknown (cannot read /sys/kernel/security/apparmor/profiles)",
          "run as root or with sudo, or check with: aa-status; " + hint, profile.localFile(), lines);
    };
  }
}
