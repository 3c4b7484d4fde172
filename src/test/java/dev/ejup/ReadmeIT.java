package dev.ejup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.testing.FallbackLocks;
import dev.ejup.testing.LocalEjabberd;
import dev.ejup.testing.LocalSshd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The README's examples, run as written against a real ejabberd and sshd, so the README cannot
 * drift from the program. Each example block carries a marker just above it (invisible on GitHub):
 *
 * <pre>
 * &lt;!-- doctest: [playbook|crontab|systemd|nagios] exits CODES [writes METRIC...] [; add OPTION VALUE...] --&gt;
 * &lt;!-- doctest: skip: WHY --&gt;
 * </pre>
 *
 * CODES is one exit code per command in the block ({@code 0|1} allows either). {@code add}
 * appends options a command lacks, so an example that relies on DNS or standard paths reaches the
 * test servers; {@code {SERVER}}, {@code {CONFIG}}, {@code {CTL}} and {@code {PUT_URL}} name them.
 * The names in the examples (example.org, xmpp.example.org, /etc/ejup/..., /usr/local/...) are
 * replaced by the test's; see {@link #substitute}. Every {@code sh}, {@code crontab} and
 * {@code nagios} block, and every {@code ini} block with an {@code ExecStart}, must have a marker
 * ({@link ReadmeMarkersTest}, on every build).
 */
class ReadmeIT {
  private static final Path README = Path.of("README.md");
  private static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");
  private static final Pattern MARKER = Pattern.compile("^<!-- doctest: (.*) -->$");
  private static LocalEjabberd server;
  private static LocalSshd sshd;
  private static Path scratch;
  private static FallbackLocks locks;
  private static Path prefix;
  private static Path home;
  private static Path config;

  record Block(int line, String lang, String marker, List<String> lines) {
    boolean runnable() {
      return lang.equals("sh") || lang.equals("crontab") || lang.equals("nagios")
          || (lang.equals("ini") && lines.stream().anyMatch(l -> l.startsWith("ExecStart=")));
    }
  }

  static List<Block> blocks() throws IOException {
    List<String> text = Files.readAllLines(README, StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < text.size(); i++) {
      Matcher open = FENCE.matcher(text.get(i));
      if (!open.matches()) {
        continue;
      }
      int start = i;
      String marker = "";
      for (int j = i - 1; j >= 0 && j >= i - 2; j--) {
        Matcher m = MARKER.matcher(text.get(j).strip());
        if (m.matches()) {
          marker = m.group(1).strip();
          break;
        }
        if (!text.get(j).isBlank()) {
          break;
        }
      }
      List<String> body = new ArrayList<>();
      for (i++; i < text.size() && !text.get(i).startsWith("```"); i++) {
        body.add(text.get(i));
      }
      blocks.add(new Block(start + 1, open.group(1), marker, body));
    }
    return blocks;
  }

  @BeforeAll
  static void start() throws IOException {
    // the README's commands run with env -i, without XDG_RUNTIME_DIR: playbooks lock in /tmp/ejup-UID
    locks = FallbackLocks.before((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    sshd = LocalSshd.up();
    server = LocalEjabberd.up("readmeit");
    scratch = Files.createTempDirectory("ejup-readme");
    Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
    prefix = scratch.resolve("prefix");
    LocalEjabberd.Shell.run(List.of("scripts/install", "--prefix", prefix.toString()), 600).requireOk("scripts/install");
    home = Files.createDirectories(scratch.resolve("home/.ssh")).getParent();
    for (String key : List.of("ejup", "id_ed25519")) {
      Files.copy(Path.of(sshd.get("KEY")), home.resolve(".ssh/" + key), StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(home.resolve(".ssh/" + key), PosixFilePermissions.fromString("rw-------"));
    }
    Files.copy(Path.of(sshd.get("KNOWN_HOSTS")), home.resolve(".ssh/known_hosts"), StandardCopyOption.REPLACE_EXISTING);
    config = scratch.resolve("ejabberd.yml");
  }

  @AfterAll
  static void stop() throws IOException {
    if (prefix != null) {
      LocalEjabberd.Shell.run(List.of("scripts/install", "--uninstall", "--prefix", prefix.toString()), 60);
    }
    if (server != null) {
      server.down();
    }
    if (scratch != null) {
      LocalEjabberd.Shell.run(List.of("rm", "-rf", "--", scratch.toString()), 60);
    }
    if (locks != null) {
      locks.removeMade();
    }
  }

  @TestFactory
  Stream<DynamicTest> examples() throws IOException {
    return blocks().stream().filter(b -> !b.marker().isEmpty() && !b.marker().startsWith("skip"))
        .map(b -> DynamicTest.dynamicTest("README.md:" + b.line() + " " + b.lines().get(0), () -> run(b)));
  }

  private void run(Block block) throws IOException {
    String marker = block.marker();
    String add = "";
    int semicolon = marker.indexOf(';');
    if (semicolon >= 0) {
      add = marker.substring(semicolon + 1).strip().replaceFirst("^add\\s+", "");
      marker = marker.substring(0, semicolon).strip();
    }
    List<String> words = new ArrayList<>(List.of(marker.split("\\s+")));
    String kind = words.get(0).equals("exits") ? "sh" : words.remove(0);
    assertEquals("exits", words.remove(0), "marker: " + block.marker());
    int writes = words.indexOf("writes");
    List<String> codes = writes < 0 ? words : words.subList(0, writes);
    List<String> metrics = writes < 0 ? List.of() : words.subList(writes + 1, words.size());
    List<String> commands = commands(kind, block);
    assertEquals(codes.size(), commands.size(), "one exit code per command in the block: " + commands);
    Files.copy(server.config(), config, StandardCopyOption.REPLACE_EXISTING); // each block starts from the server's file
    Files.deleteIfExists(scratch.resolve("ejup.prom"));
    for (int i = 0; i < commands.size(); i++) {
      String command = withOptions(substitute(commands.get(i)), placeholders(add));
      LocalEjabberd.Shell.Result r = sh(command, kind.equals("crontab") || kind.equals("systemd"));
      String where = "README.md:" + block.line() + ": " + commands.get(i) + "\n  ran: " + command + "\n" + r.out();
      assertTrue(List.of(codes.get(i).split("\\|")).contains(Integer.toString(r.exit())), "exit " + r.exit() + ", " + where);
      assertTrue(!r.out().contains("not found"), where);
    }
    if (!metrics.isEmpty()) {
      String prom = Files.readString(scratch.resolve("ejup.prom"));
      for (String metric : metrics) {
        assertTrue(prom.contains("\n" + metric + "{"), metric + " is in the file the README's alerts read: " + prom);
      }
    }
  }

  /** The commands of a block, as the shell, cron, systemd or Nagios would take them. */
  private List<String> commands(String kind, Block block) throws IOException {
    List<String> commands = new ArrayList<>();
    switch (kind) {
      case "sh" -> {
        StringBuilder pending = new StringBuilder();
        for (String line : block.lines()) {
          if (pending.isEmpty() && (line.isBlank() || line.strip().startsWith("#"))) {
            continue;
          }
          if (line.endsWith("\\")) {
            pending.append(line, 0, line.length() - 1).append(' ');
            continue;
          }
          commands.add(pending.append(line).toString().strip());
          pending.setLength(0);
        }
      }
      case "crontab" -> {
        for (String line : block.lines()) {
          if (line.isBlank() || line.startsWith("#")) {
            continue;
          }
          String[] fields = line.strip().split("\\s+", 7);
          // /etc/crontab and /etc/cron.d name the user before the command
          boolean user = !fields[5].contains("/") && fields[6].startsWith("/");
          commands.add(user ? fields[6] : line.strip().split("\\s+", 6)[5]);
        }
      }
      case "systemd" -> block.lines().stream().filter(l -> l.startsWith("ExecStart="))
          .forEach(l -> commands.add(l.substring("ExecStart=".length())));
      case "nagios" -> block.lines().stream().map(String::strip).filter(l -> l.startsWith("command_line "))
          .forEach(l -> commands.add(l.substring("command_line ".length()).replace("$ARG1$", "monitor@example.org")));
      case "playbook" -> {
        Path book = scratch.resolve("readme-playbook.yml");
        Files.write(book, block.lines());
        commands.add("ejup play " + book + " -e domain=example.org -e jid=hc@example.org -e password_file=/etc/ejup/hc.pass"
            + " -e server={SERVER}");
      }
      default -> throw new AssertionError("unknown doctest kind " + kind);
    }
    return commands;
  }

  /** The names an example uses, mapped to the test servers'. */
  private String substitute(String command) throws IOException {
    String port = sshd.get("PORT");
    String password = Files.readString(Path.of(server.get("PASSWORD_FILE"))).lines().findFirst().orElse("");
    String s = command
        .replace("scripts/install", Path.of("scripts/install").toAbsolutePath() + " --prefix " + scratch.resolve("example-prefix"))
        .replace("/usr/local/bin/ejup", prefix.resolve("bin/ejup").toString())
        .replace("/usr/local/share/ejup/playbooks", prefix.resolve("share/ejup/playbooks").toString())
        .replace("EJUP_PASSWORD=secret", "EJUP_PASSWORD='" + password + "'")
        .replace("admin@xmpp.example.org:2222", "ejuptest-sudo@127.0.0.1:" + port)
        .replace("admin@xmpp.example.org", "ejuptest-sudo@127.0.0.1:" + port)
        .replace("root@xmpp.example.org", "root@127.0.0.1:" + port)
        .replace("xmpp.example.org:5222", "localhost:" + server.get("XMPP_PORT"))
        .replace("monitor@example.org", server.get("JID"))
        .replace("hc@example.org", server.get("JID"))
        .replaceAll("/etc/ejup/\\S+", Matcher.quoteReplacement(server.get("PASSWORD_FILE")))
        .replace("/etc/ejabberd/ejabberd.yml", config.toString())
        .replace("/var/lib/node_exporter/textfile/ejup.prom", scratch.resolve("ejup.prom").toString())
        .replace("example.org", "localhost");
    return placeholders(s);
  }

  private String placeholders(String s) {
    return s.replace("{SERVER}", "localhost:" + server.get("XMPP_PORT")).replace("{CONFIG}", config.toString())
        .replace("{CTL}", server.get("CTL")).replace("{PUT_URL}", "https://@HOST@:" + server.get("HTTPS_PORT") + "/upload");
  }

  /** Appends each "OPTION VALUE" pair the command does not give itself (-e KEY=... counts by KEY). */
  static String withOptions(String command, String add) {
    String[] words = add.isBlank() ? new String[0] : add.strip().split("\\s+");
    StringBuilder out = new StringBuilder(command.replaceFirst("\\s+#.*$", ""));
    for (int i = 0; i + 1 < words.length; i += 2) {
      String option = words[i];
      String value = words[i + 1];
      boolean given = option.equals("-e") ? command.contains("-e " + value.substring(0, value.indexOf('=') + 1))
          : (" " + command + " ").contains(" " + option + " ");
      if (!given) {
        out.append(' ').append(option).append(' ').append(value);
      }
    }
    return out.toString();
  }

  /** Runs a command with sh in the scratch folder; as cron would (PATH=/usr/bin:/bin, nothing else) when asked. */
  private LocalEjabberd.Shell.Result sh(String command, boolean bareEnvironment) {
    List<String> argv = new ArrayList<>(List.of("env", "-i"));
    Map<String, String> env = new LinkedHashMap<>();
    // a root login shell's PATH (ejabberdctl is in /usr/sbin) with the installed ejup; cron's is bare
    env.put("PATH", bareEnvironment ? "/usr/bin:/bin" : prefix.resolve("bin") + ":/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("HOME", home.toString());
    env.put("LANG", "C.UTF-8");
    // names resolve from the tests' hosts file, as in every other test
    env.put("EJUP_JAVA_OPTS", "-Djdk.net.hosts.file=" + Path.of("src/test/resources/hosts").toAbsolutePath());
    env.forEach((k, v) -> argv.add(k + "=" + v));
    argv.addAll(List.of("sh", "-c", "cd '" + scratch + "' && " + command));
    return LocalEjabberd.Shell.run(argv, 300);
  }
}
