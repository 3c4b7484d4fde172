package dev.ejup.ssh;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The OpenSSH client settings for one host, read as ssh(1) reads them: command-line {@code -o}
 * lines first, then ~/.ssh/config, then /etc/ssh/ssh_config; Host and Match blocks, Include, and
 * the first value obtained wins. JSch's own reader is not used: it takes a Match block's lines for
 * the block before it and knows no Include, so a host could silently get another host's route.
 *
 * <p>Every keyword OpenSSH knows is either applied by ejup, harmless to ejup (it changes neither
 * where ejup connects, nor which host key it trusts, nor which identity it logs in with), or
 * refused with a one-line {@link UserError} naming the directive and where it was written: ejup
 * never connects somewhere or as someone other than ssh would without saying so.
 */
final class SshConfig {
  /** One directive as written: keyword in lower case, its words, and file:line for messages. */
  record Setting(String keyword, String name, List<String> args, String raw, String origin) {
    /** The words joined; a command (ProxyCommand) as written, quotes and all, as ssh hands it to the shell. */
    String value() {
      return keyword.endsWith("command") ? raw : String.join(" ", args);
    }
  }

  /** What the settings for a host came to: the first value of each keyword, and every IdentityFile. */
  static final class Resolved {
    final Map<String, Setting> first = new LinkedHashMap<>();
    final List<Setting> identityFiles = new ArrayList<>();

    Setting get(String keyword) {
      return first.get(keyword);
    }

    String value(String keyword) {
      Setting s = first.get(keyword);
      return s == null ? null : s.value();
    }

    /** Whether a comes before b (ProxyJump and ProxyCommand: the first one written wins, as in ssh). */
    boolean before(String a, String b) {
      List<String> order = new ArrayList<>(first.keySet());
      return order.indexOf(a) < order.indexOf(b) || !first.containsKey(b);
    }
  }

  /** Applied by ejup (SshConnection); see the class comment. */
  static final Set<String> APPLIED = Set.of("host", "match", "include", "hostname", "user", "port", "identityfile",
      "identitiesonly", "proxyjump", "proxycommand", "userknownhostsfile", "hostkeyalias", "kexalgorithms",
      "hostkeyalgorithms", "ciphers", "macs", "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes", "identityagent");

  /**
   * Harmless to ejup: output, terminals, forwardings ejup never opens, connection sharing (a master
   * connection goes to the same host), keep-alives and timeouts (ejup has --ssh-timeout), and checks
   * that only make ssh more lenient than ejup (ejup always checks the host key strictly against
   * known_hosts, so StrictHostKeyChecking=no or a global known_hosts file make ejup fail loudly, never
   * connect silently) or methods ejup does not offer (a login that needs them fails loudly).
   */
  static final Set<String> HARMLESS = Set.of("addkeystoagent", "batchmode", "casignaturealgorithms", "canonicaldomains",
      "canonicalizefallbacklocal", "canonicalizemaxdots", "canonicalizepermittedcnames", "channeltimeout", "checkhostip",
      "clearallforwardings", "compression", "compressionlevel", "connectionattempts", "connecttimeout", "controlmaster",
      "controlpath", "controlpersist", "dynamicforward", "enableescapecommandline", "enablesshkeysign", "escapechar",
      "exitonforwardfailure", "fingerprinthash", "forkafterauthentication", "forwardagent", "forwardx11",
      "forwardx11timeout", "forwardx11trusted", "gatewayports", "globalknownhostsfile", "gssapiauthentication",
      "gssapidelegatecredentials", "gssapikeyexchange", "gssapitrustdns", "gssapiclientidentity", "gssapiserveridentity",
      "gssapirenewalforcesrekey", "gssapikexalgorithms", "hashknownhosts", "hostbasedacceptedalgorithms",
      "hostbasedauthentication", "hostbasedkeytypes", "ignoreunknown", "ipqos", "kbdinteractiveauthentication",
      "kbdinteractivedevices", "challengeresponseauthentication", "localcommand", "localforward", "loglevel", "logverbose",
      "nohostauthenticationforlocalhost", "numberofpasswordprompts", "obscurekeystroketiming", "passwordauthentication",
      "permitlocalcommand", "permitremoteopen", "preferredauthentications", "protocol", "rekeylimit", "remotecommand",
      "remoteforward", "requesttty", "requiredrsasize", "sendenv", "serveralivecountmax", "serveraliveinterval",
      "sessiontype", "setenv", "stdinnull", "streamlocalbindmask", "streamlocalbindunlink", "stricthostkeychecking",
      "syslogfacility", "tcpkeepalive", "tunnel", "tunneldevice", "updatehostkeys", "usekeychain", "usersh",
      "verifyhostkeydns", "visualhostkey", "xauthlocation", "keepalive", "tag", "warnweakcrypto", "pubkeyauthentication");

  private static final int MAX_INCLUDE_DEPTH = 16;

  private final List<Setting> commandLine;
  private final Path userConfig;
  private final Path systemConfig;
  private final Path home;

  /**
   * @param commandLine "Keyword value" lines given as ssh -o options (from an inventory), first of all
   * @param userConfig normally ~/.ssh/config; need not exist
   * @param systemConfig normally /etc/ssh/ssh_config; need not exist; null for none
   */
  SshConfig(List<String> commandLine, Path userConfig, Path systemConfig, Path home) {
    List<Setting> lines = new ArrayList<>();
    for (String line : commandLine) {
      Setting s = setting(line, "the ssh option -o " + line);
      if (s == null) {
        throw UserError.unusable("the ssh option -o '" + line + "' is empty", "write -o Keyword=value");
      }
      lines.add(s);
    }
    this.commandLine = lines;
    this.userConfig = userConfig;
    this.systemConfig = systemConfig;
    this.home = home;
  }

  /**
   * The settings for host as given (an alias or a name) and user if given with it. The -o options
   * count for the server only: as with ssh, a jump host gets its settings from the files alone.
   */
  Resolved resolve(String host, String user, boolean server) {
    Resolved out = new Resolved();
    Matching m = new Matching(host.toLowerCase(Locale.ROOT), user);
    for (Setting s : server ? commandLine : List.<Setting>of()) {
      if (s.keyword().equals("host") || s.keyword().equals("match") || s.keyword().equals("include")) {
        throw refusal(s, "is not an option");
      }
      record(out, s, m);
    }
    read(userConfig, true, out, m, 0);
    if (systemConfig != null) {
      read(systemConfig, false, out, m, 0);
    }
    return out;
  }

  /** The host and user that Match criteria compare with, as they are so far. */
  private static final class Matching {
    final String original;
    String host;
    String user;

    Matching(String original, String user) {
      this.original = original;
      this.host = original;
      this.user = user;
    }
  }

  private void record(Resolved out, Setting s, Matching m) {
    if (s.args().isEmpty()) {
      throw refusal(s, "has no value");
    }
    if (s.keyword().equals("identityfile")) {
      out.identityFiles.add(s);
    }
    if (out.first.putIfAbsent(s.keyword(), s) == null) {
      if (s.keyword().equals("hostname")) {
        m.host = s.value().replace("%h", m.original).toLowerCase(Locale.ROOT);
      } else if (s.keyword().equals("user") && m.user == null) {
        m.user = s.value();
      }
    }
  }

  private void read(Path file, boolean user, Resolved out, Matching m, int depth) {
    if (file == null || !Files.exists(file)) {
      return;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw UserError.unusable("cannot read " + file + ": " + e.getMessage(),
          "ejup reads it as ssh does; make it readable, or fix the file");
    }
    boolean active = true;
    for (int i = 0; i < lines.size(); i++) {
      String origin = file + ":" + (i + 1);
      Setting s = setting(lines.get(i), origin);
      if (s == null) {
        continue;
      }
      switch (s.keyword()) {
        case "host" -> active = hostMatches(s.args(), m.original);
        case "match" -> active = matchBlock(s, m);
        case "include" -> {
          if (active) {
            if (depth >= MAX_INCLUDE_DEPTH) {
              throw refusal(s, "nests more than " + MAX_INCLUDE_DEPTH + " levels");
            }
            for (String pattern : s.args()) {
              for (Path included : expand(pattern, user, s)) {
                read(included, user, out, m, depth + 1);
              }
            }
          }
        }
        default -> {
          if (active) {
            record(out, s, m);
          }
        }
      }
    }
  }

  private List<Path> expand(String pattern, boolean user, Setting s) {
    String p = pattern.startsWith("~/") ? home + pattern.substring(1) : pattern;
    Path path = Path.of(p);
    if (!path.isAbsolute()) {
      path = (user ? home.resolve(".ssh") : Path.of("/etc/ssh")).resolve(p);
    }
    Path dir = path.getParent();
    String last = path.getFileName().toString();
    if (dir != null && dir.toString().matches(".*[*?\\[].*")) {
      throw refusal(s, "has a wildcard in a directory name, which ejup does not expand");
    }
    List<Path> found = new ArrayList<>();
    if (!last.matches(".*[*?\\[].*")) {
      found.add(path);
      return found;
    }
    if (dir == null || !Files.isDirectory(dir)) {
      return found;
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + last);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (matcher.matches(entry.getFileName()) && Files.isRegularFile(entry)) {
          found.add(entry);
        }
      }
    } catch (IOException e) {
      throw UserError.unusable("cannot list " + dir + " for " + s.origin() + ": " + e.getMessage(), "make it readable");
    }
    found.sort(null);
    return found;
  }

  /** Host: active when one pattern matches and no negated one does. */
  static boolean hostMatches(List<String> patterns, String host) {
    boolean positive = false;
    for (String pattern : patterns) {
      boolean negated = pattern.startsWith("!");
      if (glob(negated ? pattern.substring(1) : pattern, host)) {
        if (negated) {
          return false;
        }
        positive = true;
      }
    }
    return positive;
  }

  /** A comma-separated pattern list, as Match host and user take it. */
  private static boolean listMatches(String list, String value) {
    return value != null && hostMatches(List.of(list.split(",")), value);
  }

  private boolean matchBlock(Setting s, Matching m) {
    List<String> a = s.args();
    boolean result = true;
    Setting unsupported = null;
    for (int i = 0; i < a.size(); i++) {
      String criterion = a.get(i).toLowerCase(Locale.ROOT);
      boolean negate = criterion.startsWith("!");
      if (negate) {
        criterion = criterion.substring(1);
      }
      if (criterion.equals("all")) {
        result &= !negate;
        continue;
      }
      if (criterion.equals("canonical")) {
        // ejup never canonicalizes (CanonicalizeHostname is refused), so ssh would not either
        result &= negate;
        continue;
      }
      if (criterion.equals("final")) {
        // ssh reads the files a second time for these; ejup reads them once
        unsupported = new Setting("match", "Match final", List.of(), "", s.origin());
        result &= !negate;
        continue;
      }
      if (i + 1 >= a.size()) {
        throw refusal(s, "has '" + a.get(i) + "' without a value");
      }
      String arg = a.get(++i);
      boolean matched;
      switch (criterion) {
        case "host" -> matched = listMatches(arg.toLowerCase(Locale.ROOT), m.host);
        case "originalhost" -> matched = listMatches(arg.toLowerCase(Locale.ROOT), m.original);
        case "user" -> matched = listMatches(arg, m.user != null ? m.user : System.getProperty("user.name"));
        case "localuser" -> matched = listMatches(arg, System.getProperty("user.name"));
        default -> {
          // exec, final, localnetwork, tagged...: ejup cannot tell whether ssh would apply the block
          unsupported = new Setting("match", "Match " + a.get(i - 1), List.of(arg), arg, s.origin());
          matched = !negate;
        }
      }
      result &= negate != matched;
    }
    if (result && unsupported != null) {
      throw UserError.unusable(s.origin() + ": `Match " + String.join(" ", a) + "`: ejup cannot evaluate '"
          + unsupported.name().substring(6) + "', so it cannot tell where ssh would connect",
          "give the host's settings in a Host block (or outside this Match) for ejup to follow");
    }
    return result;
  }

  /** OpenSSH's pattern: * and ? wildcards, the whole string, case as given (host names are lower-cased first). */
  static boolean glob(String pattern, String text) {
    return text.matches(globRegex(pattern));
  }

  private static String globRegex(String pattern) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }

  /**
   * A config line as ssh reads it: the keyword, then one '=' or whitespace, then the words (see
   * {@link Quote#split}); null for a blank line or a comment.
   */
  static Setting setting(String line, String origin) {
    java.util.regex.Matcher m = KEYWORD.matcher(line);
    if (!m.matches()) {
      return null;
    }
    String name = m.group(1);
    return new Setting(name.toLowerCase(Locale.ROOT), name, Quote.split(m.group(2), origin), m.group(2).strip(), origin);
  }

  /** The keyword ends at whitespace or '='; one '=' may stand between it and the value. */
  private static final java.util.regex.Pattern KEYWORD = java.util.regex.Pattern.compile("\\s*([^\\s=#][^\\s=]*)\\s*(?:=\\s*)?(.*)", java.util.regex.Pattern.DOTALL);

  private static boolean ignored(Resolved r, String name) {
    String patterns = r.value("ignoreunknown");
    return patterns != null && hostMatches(List.of(patterns.toLowerCase(Locale.ROOT).split(",")), name.toLowerCase(Locale.ROOT));
  }

  /** The one-line refusal for a directive ejup does not follow. */
  static UserError refusal(Setting s, String why) {
    return UserError.unusable(s.origin() + ": " + s.name() + " " + s.value() + " " + why,
        "ejup will not connect other than ssh would; remove it for this host, or reach the server with a Host entry ejup can follow");
  }

  /**
   * Refuses the first setting that would make ssh connect elsewhere, trust another host key or log
   * in with another identity, in a way ejup does not follow.
   */
  static void refuseUnfollowed(Resolved r, String host) {
    for (Setting s : r.first.values()) {
      String k = s.keyword();
      String v = s.value().toLowerCase(Locale.ROOT);
      String why = switch (k) {
        case "bindaddress", "bindinterface" -> "changes the address ssh connects from to " + host + ", which ejup does not follow";
        case "addressfamily" -> v.equals("any") ? null : "limits ssh to one address family for " + host + ", which ejup does not follow";
        case "canonicalizehostname" -> v.equals("no") ? null
            : "makes ssh look " + host + " up under other domain names, which ejup does not follow";
        case "proxyusefdpass" -> v.equals("no") ? null : "passes the proxy's socket to ssh, which ejup cannot take";
        case "knownhostscommand" -> "makes ssh trust host keys a command prints, which ejup does not run";
        case "revokedhostkeys" -> v.equals("none") ? null : "makes ssh refuse revoked host keys, which ejup does not check";
        case "pkcs11provider" -> v.equals("none") ? null : "makes ssh log in with a PKCS#11 token, which ejup cannot use";
        case "securitykeyprovider" -> v.equals("internal") ? null : "makes ssh log in through a security key provider, which ejup cannot use";
        case "certificatefile" -> "makes ssh log in with a certificate, which ejup does not send";
        default -> APPLIED.contains(k) || HARMLESS.contains(k) || ignored(r, s.name()) ? null
            : "is not a directive ejup knows (ssh stops at unknown ones too, unless IgnoreUnknown names them)";
      };
      if (why != null) {
        throw refusal(s, why);
      }
    }
  }
}
