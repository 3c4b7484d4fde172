package dev.ejup.docroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.model.UserError;
import dev.ejup.report.Consumers;
import dev.ejup.report.Format;
import dev.ejup.ssh.Shell;
import dev.ejup.ssh.SshConnection;
import dev.ejup.ssh.SshOptions;
import dev.ejup.ssh.SshTarget;
import dev.ejup.testing.LocalEjabberd;
import dev.ejup.testing.LocalSshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `ejup docroot` over a real OpenSSH server on 127.0.0.1, as root and as users with and without sudo. */
class DocrootIT {
  private static LocalSshd sshd;
  private static Path work;

  @BeforeAll
  static void start() throws IOException {
    sshd = LocalSshd.up();
    // not under /tmp: Debian's ejabberd.service gives ejabberd a private /tmp, and docroot check says so
    work = Files.createTempDirectory(Files.createDirectories(Path.of("/var/lib/ejup-test")), "docroot-it-");
    Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The run's folder goes with it (one was left per run under /var/lib/ejup-test); as the docroot unit tests clean theirs. */
  @org.junit.jupiter.api.AfterAll
  static void clean() throws IOException, InterruptedException {
    if (work != null) {
      new ProcessBuilder("rm", "-rf", "--", work.toString()).start().waitFor();
    }
  }

  /** An ejabberd.yml whose upload docroot is the given path (plus modes), in a fresh folder. */
  private static Path config(String docroot, String modes) throws IOException {
    Path dir = Files.createTempDirectory(work, "case");
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    String base = Files.readString(Path.of("src/test/resources/config/base.yml"));
    Path file = dir.resolve("ejabberd.yml");
    Files.writeString(file, base.replace("    put_url: https://@HOST@:5443/upload\n",
        "    put_url: https://@HOST@:5443/upload\n    docroot: \"" + docroot.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n" + modes));
    return file;
  }

  private static Ejup.Result ejup(String user, String command, Path config, String... extra) {
    List<String> args = new ArrayList<>(List.of("docroot", command));
    args.addAll(sshd.args(user));
    args.addAll(List.of("--config", config.toString()));
    args.addAll(List.of(extra));
    return Ejup.runCaptured(Map.of(), args.toArray(String[]::new));
  }

  private static String owner(Path path) throws IOException {
    return Files.getOwner(path, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName();
  }

  @Test
  void rootFixesARootOwnedDocrootAndASecondFixChangesNothing() throws IOException {
    Path docroot = work.resolve("owned-by-root");
    Files.createDirectories(docroot.resolve("abc/def"));
    Files.writeString(docroot.resolve("abc/def/old.bin"), "x");
    Path config = config(docroot.toString(), "    dir_mode: \"0750\"\n    file_mode: \"0640\"\n");
    Ejup.Result before = ejup("root", "check", config);
    assertEquals(2, before.exitCode(), before.out());
    assertTrue(before.out().contains(docroot + " is root:root 0755: ejabberd cannot create files in it, so every PUT fails"), before.out());
    assertTrue(before.out().lines().anyMatch(l -> l.matches("\\s+OK\\s+(0\\.0*[1-9][0-9]*|[1-9][0-9.]*)s\\s+config\\s.*")),
        "reading the config over SSH is timed, not 0s: " + before.out());
    Ejup.Result fix = ejup("root", "fix", config);
    assertEquals(0, fix.exitCode(), fix.out());
    assertTrue(fix.out().contains("ran: chown -R -P -- ejabberd:ejabberd " + docroot), fix.out());
    assertEquals("ejabberd", owner(docroot.resolve("abc/def/old.bin")));
    assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(docroot.resolve("abc"))));
    assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(docroot.resolve("abc/def/old.bin"))));
    Ejup.Result again = ejup("root", "fix", config);
    assertEquals(0, again.exitCode());
    assertTrue(again.out().matches("(?s).*\\n  OK +\\S+s  fix +nothing to change\\n.*"), again.out());
    assertFalse(again.out().contains("ran:"), again.out());
  }

  @Test
  void aMissingDocrootIsCreatedAndNastyNamesStayNames() throws IOException {
    Path docroot = work.resolve("sp ace/it's $(touch " + work + "/pwned) -x");
    Path config = config(docroot.toString(), "");
    Ejup.Result check = ejup("root", "check", config);
    assertEquals(2, check.exitCode());
    assertTrue(check.out().contains(docroot + " does not exist, so every PUT fails"), check.out());
    Ejup.Result dry = ejup("root", "fix", config, "--dry-run");
    assertTrue(dry.out().contains("would run: mkdir -p -- '" + docroot.toString().replace("'", "'\\''") + "'"), dry.out());
    assertFalse(Files.exists(docroot));
    Ejup.Result fix = ejup("root", "fix", config);
    assertEquals(0, fix.exitCode(), fix.out());
    assertTrue(Files.isDirectory(docroot));
    assertEquals("ejabberd", owner(docroot));
    assertFalse(Files.exists(work.resolve("pwned")), "$(...) was not run");
  }

  @Test
  void aDocrootThatIsAFileIsReportedAndLeftAlone() throws IOException {
    Path file = Files.writeString(work.resolve("a-file"), "not a dir");
    Path config = config(file.toString(), "");
    assertTrue(ejup("root", "check", config).out().contains(file + " is a regular file, not a directory"));
    Ejup.Result fix = ejup("root", "fix", config);
    assertEquals(2, fix.exitCode());
    assertEquals("not a dir", Files.readString(file));
  }

  @Test
  void aSymlinkedDocrootIsReportedNotFollowed() throws IOException {
    Path outside = Files.createDirectories(work.resolve("outside"));
    Path link = Files.createSymbolicLink(work.resolve("link"), outside);
    Path config = config(link.toString(), "");
    Ejup.Result check = ejup("root", "check", config);
    assertEquals(1, check.exitCode(), check.out());
    assertTrue(check.out().contains(link + " is a symbolic link to a directory (root:root 0755)"), check.out());
    Ejup.Result fix = ejup("root", "fix", config);
    assertEquals(2, fix.exitCode());
    assertTrue(fix.out().contains("is a symbolic link; not followed, nothing changed"), fix.out());
    assertEquals("root", owner(outside));
  }

  @Test
  void aParentWithoutSearchPermissionIsNamed() throws IOException {
    Path locked = Files.createDirectories(work.resolve("locked"));
    Path docroot = Files.createDirectories(locked.resolve("upload"));
    LocalEjabberd.Shell.run(List.of("chown", "ejabberd:ejabberd", docroot.toString()), 10).requireOk("chown");
    Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Ejup.Result check = ejup("root", "check", config(docroot.toString(), ""));
    assertEquals(2, check.exitCode());
    assertTrue(check.out().contains("ejabberd cannot pass " + locked + " (root:root 0700)"), check.out());
    assertTrue(check.out().contains("hint: give it search permission, e.g. chmod o+x " + locked), check.out());
  }

  private static String mode(Path path) throws IOException {
    return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  private static void sh(String... command) {
    LocalEjabberd.Shell.run(List.of(command), 10).requireOk(String.join(" ", command));
  }

  /** A docroot as ejabberd leaves it, then opened up to every local user. */
  private static Path worldWritable(String name) throws IOException {
    Path docroot = Files.createDirectories(work.resolve(name));
    Path file = Files.createDirectories(docroot.resolve("h1/r1")).resolve("holiday.jpg");
    Files.writeString(file, "x");
    sh("chown", "-R", "ejabberd:ejabberd", docroot.toString());
    sh("chmod", "-R", "a+rwX", docroot.toString());
    return docroot;
  }

  @Test
  void aWorldWritableDocrootIsAWarningAndFixTakesTheBitsAway() throws IOException {
    Path docroot = worldWritable("world-writable");
    Path config = config(docroot.toString(), "");
    Ejup.Result check = ejup("root", "check", config);
    assertEquals(1, check.exitCode(), check.out());
    assertTrue(check.out().contains(docroot + " is ejabberd:ejabberd 0777: any local user may replace or delete what XMPP users download"),
        check.out());
    assertTrue(check.out().contains("hint: run: ejup docroot fix (removes group and other write)"), check.out());
    Ejup.Result fix = ejup("root", "fix", config);
    assertEquals(0, fix.exitCode(), fix.out());
    assertEquals("rwxr-xr-x", mode(docroot));
    assertEquals("rwxr-xr-x", mode(docroot.resolve("h1/r1")));
    assertEquals("rw-r--r--", mode(docroot.resolve("h1/r1/holiday.jpg")));
    assertEquals("ejabberd", owner(docroot.resolve("h1/r1/holiday.jpg")));
    Ejup.Result again = ejup("root", "fix", config);
    assertTrue(again.out().contains("nothing to change"), again.out());
    // one file opened up again: named, with who may write it
    sh("chmod", "g+w", docroot.resolve("h1/r1/holiday.jpg").toString());
    Ejup.Result file = ejup("root", "check", config);
    assertEquals(1, file.exitCode(), file.out());
    assertTrue(file.out().contains(docroot.resolve("h1/r1/holiday.jpg") + " under " + docroot
        + " is ejabberd:ejabberd 0664: any member of group ejabberd may replace"), file.out());
  }

  @Test
  void theConfiguredModesAreKeptAndTheirGroupWriteAccepted() throws IOException {
    Path docroot = worldWritable("configured-modes");
    Path config = config(docroot.toString(), "    dir_mode: \"0770\"\n    file_mode: \"0660\"\n");
    assertEquals(1, ejup("root", "check", config).exitCode());
    Ejup.Result fix = ejup("root", "fix", config);
    assertEquals(0, fix.exitCode(), fix.out());
    assertEquals("rwxrwx---", mode(docroot.resolve("h1")));
    assertEquals("rw-rw----", mode(docroot.resolve("h1/r1/holiday.jpg")));
    assertTrue(fix.out().contains("(and the group, as the config's modes ask)"), fix.out());
    Path open = config(docroot.toString(), "    dir_mode: \"0777\"\n");
    sh("chmod", "0777", docroot.toString());
    Ejup.Result asked = ejup("root", "check", open);
    assertEquals(1, asked.exitCode(), asked.out());
    assertTrue(asked.out().contains("hint: dir_mode 0777 in " + open + " asks for it"), asked.out());
  }

  @Test
  void aContainerUidWithNoNameIsShownAsItsNumberAndOwnerTakesIt() throws IOException {
    assertEquals(2, LocalEjabberd.Shell.run(List.of("getent", "passwd", "9000"), 10).exit(), "uid 9000 has no name on this host");
    Path docroot = Files.createDirectories(work.resolve("container"));
    sh("chown", "9000:9000", docroot.toString());
    sh("chmod", "0750", docroot.toString());
    Path config = config(docroot.toString(), "");
    Ejup.Result asEjabberd = ejup("root", "check", config, "--owner", "ejabberd");
    assertEquals(2, asEjabberd.exitCode(), asEjabberd.out());
    assertTrue(asEjabberd.out().contains(docroot + " is 9000:9000 0750: ejabberd cannot create files in it"), asEjabberd.out());
    Ejup.Result as9000 = ejup("root", "check", config, "--owner", "9000");
    assertEquals(0, as9000.exitCode(), as9000.out());
    assertTrue(as9000.out().contains("ejabberd runs as 9000:9000 (from --owner, a uid with no user name here)"), as9000.out());
    assertTrue(as9000.out().contains("everything under " + docroot + " belongs to 9000"), as9000.out());
    sh("chown", "-R", "root:root", docroot.toString());
    Ejup.Result fix = ejup("root", "fix", config, "--owner", "9000");
    assertEquals(0, fix.exitCode(), fix.out());
    assertTrue(fix.out().contains("ran: chown -R -P -- 9000:9000 " + docroot), fix.out());
    assertEquals(9000, Files.getAttribute(docroot, "unix:uid"));
    assertEquals(9000, Files.getAttribute(docroot, "unix:gid"));
  }

  @Test
  void everyFormatOfARealRunIsAcceptedByItsConsumer() throws IOException {
    for (Format format : Format.values()) {
      Path docroot = worldWritable("formats-" + format.label());
      sh("chown", "root:root", docroot.toString());
      Path config = config(docroot.toString(), "");
      for (String command : List.of("check", "fix", "check", "prune")) {
        Ejup.Result r = ejup("root", command, config, "--format", format.label());
        assertEquals("", r.err(), command + " " + format);
        Consumers.accept(format, r.out(), r.exitCode());
      }
    }
    Ejup.Result refused = ejup(sshd.get("NOSUDO_USER"), "fix", config(work.resolve("formats-nosudo").toString(), ""), "--format", "prometheus");
    assertEquals(2, refused.exitCode());
    Consumers.prometheus(refused.out());
  }

  @Test
  void anUnprivilegedUserWorksThroughItsSudoRule() throws IOException {
    Path docroot = Files.createDirectories(work.resolve("via-sudo"));
    Ejup.Result fix = ejup(sshd.get("SUDO_USER"), "fix", config(docroot.toString(), ""));
    assertEquals(0, fix.exitCode(), fix.out() + fix.err());
    assertEquals("ejabberd", owner(docroot));
  }

  @Test
  void withoutSudoItSaysWhichCommandNeedsWhichRule() throws IOException {
    Path config = config(work.resolve("x").toString(), "");
    // a config the login may read comes over SFTP; the first command that needs root is stat
    Ejup.Result r = ejup(sshd.get("NOSUDO_USER"), "check", config);
    assertEquals(2, r.exitCode());
    // the refusal is the step that met it, in the report, in the format asked for
    assertTrue(r.out().matches("(?s).*CRITICAL\\s+\\S+s\\s+parents\\s+sudo on ejuptest-nosudo@127.0.0.1:" + sshd.get("PORT")
        + " refused `stat -L .*"), r.out());
    assertTrue(r.out().contains("ejuptest-nosudo ALL=(root) NOPASSWD: /usr/bin/stat"), r.out());
    assertEquals("", r.err());
    // one it may not read (ejabberd.yml is usually 0640 root:ejabberd) needs sudo cat
    Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Ejup.Result unreadable = ejup(sshd.get("NOSUDO_USER"), "check", config, "--format", "nagios");
    assertEquals(2, unreadable.exitCode());
    Consumers.Nagios.Output nagios = Consumers.Nagios.parse(unreadable.out(), 2);
    assertTrue(nagios.text().contains("config: sudo on ejuptest-nosudo@127.0.0.1:" + sshd.get("PORT") + " refused `cat -- "), nagios.text());
    assertTrue(unreadable.out().contains("ejuptest-nosudo ALL=(root) NOPASSWD: /usr/bin/cat"), unreadable.out());
  }

  @Test
  void aConfigThatDoesNotParseStopsBeforeAnyChange() throws IOException {
    Path config = Files.writeString(Files.createTempDirectory(work, "bad").resolve("ejabberd.yml"), "modules: [\n");
    Ejup.Result r = ejup("root", "fix", config);
    assertEquals(2, r.exitCode());
    assertTrue(r.out().contains("does not parse: " + config + ":2:1"), r.out());
    assertFalse(r.out().matches("(?s).*\\n  [A-Z]+ +\\S+s  fix .*"), "nothing was tried: " + r.out());
  }

  @Test
  void pruneRemovesOnlyOldCheckFiles() throws IOException {
    Path docroot = Files.createDirectories(work.resolve("prune"));
    Path old = Files.createDirectories(docroot.resolve("h1/r1")).resolve("ejup-check-1-00000000.bin");
    Path fresh = Files.createDirectories(docroot.resolve("h1/r2")).resolve("ejup-check-2-00000000.bin");
    Path users = Files.createDirectories(docroot.resolve("h1/r3")).resolve("holiday.jpg");
    for (Path p : List.of(old, fresh, users)) {
      Files.writeString(p, "x");
    }
    Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
    Files.setLastModifiedTime(users, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
    Ejup.Result r = ejup("root", "prune", config(docroot.toString(), ""), "--older-than", "1h");
    assertEquals(0, r.exitCode(), r.out());
    assertTrue(r.out().contains("removed 1 file(s) matching ejup-check-* older than 60 min"), r.out());
    assertFalse(Files.exists(old));
    assertFalse(Files.exists(old.getParent()), "its emptied slot folder goes too");
    assertTrue(Files.exists(fresh) && Files.exists(users));
  }

  @Test
  void connectionFaultsAreOneLine() throws IOException {
    Path config = config(work.resolve("y").toString(), "");
    String port = sshd.get("PORT");
    Ejup.Result wrongKey = Ejup.runCaptured(Map.of(), "docroot", "check", "--ssh", "root@127.0.0.1:" + port,
        "--identity", sshd.get("OTHER_KEY"), "--known-hosts", sshd.get("KNOWN_HOSTS"), "--config", config.toString());
    assertEquals(2, wrongKey.exitCode());
    assertTrue(wrongKey.err().startsWith("ejup: authentication as root@127.0.0.1:" + port + " failed"), wrongKey.err());
    Ejup.Result wrongPassword = Ejup.runCaptured(Map.of("EJUP_SSH_PASSWORD", "nope"), "docroot", "check", "--ssh",
        "ejuptest-nosudo@127.0.0.1:" + port, "--identity", sshd.get("OTHER_KEY"), "--known-hosts", sshd.get("KNOWN_HOSTS"),
        "--config", config.toString());
    assertTrue(wrongPassword.err().contains("authentication as ejuptest-nosudo@127.0.0.1:" + port + " failed"), wrongPassword.err());
    Ejup.Result refused = Ejup.runCaptured(Map.of(), "docroot", "check", "--ssh", "root@127.0.0.1:2299",
        "--identity", sshd.get("KEY"), "--known-hosts", sshd.get("KNOWN_HOSTS"));
    assertEquals(2, refused.exitCode());
    assertTrue(refused.err().contains("SSH connection to root@127.0.0.1:2299 refused"), refused.err());
    Path emptyKnown = Files.writeString(work.resolve("empty_known_hosts"), "");
    Ejup.Result unknown = Ejup.runCaptured(Map.of(), "docroot", "check", "--ssh", "root@127.0.0.1:" + port,
        "--identity", sshd.get("KEY"), "--known-hosts", emptyKnown.toString(), "--config", config.toString());
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.err().matches("(?s)ejup: host key of root@127.0.0.1:" + port + " is not known: \\S+ SHA256:\\S+ \\(hint: .*--accept-new-host-key.*"), unknown.err());
    Path otherKey = Files.readString(Path.of(sshd.get("OTHER_KEY") + ".pub")).lines().findFirst().map(l -> l.split(" ")).map(p -> p[0] + " " + p[1]).orElseThrow()
        .transform(k -> work.resolve("wrong_known_hosts"));
    Files.writeString(otherKey, "[127.0.0.1]:" + port + " " + String.join(" ",
        List.of(Files.readString(Path.of(sshd.get("OTHER_KEY") + ".pub")).split(" ")).subList(0, 2)) + "\n");
    Ejup.Result changed = Ejup.runCaptured(Map.of(), "docroot", "check", "--ssh", "root@127.0.0.1:" + port,
        "--identity", sshd.get("KEY"), "--known-hosts", otherKey.toString(), "--config", config.toString());
    assertEquals(2, changed.exitCode());
    assertTrue(changed.err().contains("has CHANGED since it was recorded in known_hosts"), changed.err());
    Ejup.Result accepted = Ejup.runCaptured(Map.of(), "docroot", "check", "--ssh", "root@127.0.0.1:" + port,
        "--identity", sshd.get("KEY"), "--known-hosts", emptyKnown.toString(), "--accept-new-host-key", "--config", config.toString());
    assertEquals(2, accepted.exitCode(), "connects, then finds the missing docroot: " + accepted.err());
    assertTrue(accepted.out().contains(" does not exist, so every PUT fails"), accepted.out() + accepted.err());
    assertTrue(Files.readString(emptyKnown).contains("[127.0.0.1]:" + port), "the new key was recorded");
    Ejup.Result stillChanged = Ejup.runCaptured(Map.of(), "docroot", "check", "--ssh", "root@127.0.0.1:" + port,
        "--identity", sshd.get("KEY"), "--known-hosts", otherKey.toString(), "--accept-new-host-key", "--config", config.toString());
    assertTrue(stillChanged.err().contains("has CHANGED"), "--accept-new-host-key never accepts a changed key: " + stillChanged.err());
    assertTrue(stillChanged.err().contains("ssh-keygen -R '[127.0.0.1]:" + port + "'"), stillChanged.err());
  }

  @Test
  void sshConfigSuppliesHostNameUserPortAndKey() throws IOException {
    Path home = Files.createTempDirectory(work, "home");
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/config"), "Host upload-server\n  HostName 127.0.0.1\n  User root\n  Port "
        + sshd.get("PORT") + "\n  IdentityFile " + sshd.get("KEY") + "\n");
    Files.copy(Path.of(sshd.get("KNOWN_HOSTS")), home.resolve(".ssh/known_hosts"));
    Path docroot = Files.createDirectories(work.resolve("via-ssh-config"));
    Ejup.Result r = Ejup.runCaptured(Map.of("HOME", home.toString()), "docroot", "fix", "--ssh", "upload-server",
        "--config", config(docroot.toString(), "").toString());
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().startsWith("docroot root@127.0.0.1:" + sshd.get("PORT") + ": OK"), r.out());
    assertEquals("ejabberd", owner(docroot));
  }

  @Test
  void aConnectionThatDropsMidCommandSaysSo() {
    try (Shell shell = SshConnection.open(new SshOptions(SshTarget.parse("root@127.0.0.1:" + sshd.get("PORT")),
        Path.of(sshd.get("KEY")), Path.of(sshd.get("KNOWN_HOSTS")), false, null, Duration.ofSeconds(10), Path.of("/nonexistent")))) {
      UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
          // the session's own sshd process dies, as when a server reboots or a link drops
          () -> shell.run(List.of("sh", "-c", "p=$$; while [ \"$p\" -gt 1 ]; do case $(ps -o comm= -p \"$p\") in sshd*) kill -9 \"$p\"; exit;; esac;"
              + " p=$(ps -o ppid= -p \"$p\" | tr -d ' '); done"), false));
      assertTrue(e.getMessage().contains("dropped while running") || e.getMessage().contains("failed while running"), e.getMessage());
    }
  }

  @Test
  void aCommandThatHangsIsBoundedBySshTimeout() {
    try (Shell shell = SshConnection.open(new SshOptions(SshTarget.parse(sshd.get("NOSUDO_USER") + "@127.0.0.1:" + sshd.get("PORT")),
        Path.of(sshd.get("KEY")), Path.of(sshd.get("KNOWN_HOSTS")), false, null, Duration.ofSeconds(3), Path.of("/nonexistent")))) {
      assertEquals("up\n", shell.run(List.of("echo", "up"), false).out());
      long start = System.nanoTime();
      UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> shell.run(List.of("sleep", "30"), false));
      assertTrue(e.getMessage().contains("`sleep 30` did not finish in 3 s on " + sshd.get("NOSUDO_USER") + "@127.0.0.1:" + sshd.get("PORT")),
          e.getMessage());
      assertTrue(System.nanoTime() - start < 20_000_000_000L, "bounded by --ssh-timeout, not by the command");
    }
  }

  @Test
  void endToEndCheckFailsAtPutThenDocrootFixThenCheckPasses() {
    LocalEjabberd server = LocalEjabberd.up("docrootit");
    try {
      LocalEjabberd.Shell.run(List.of("chown", "-R", "root:root", server.get("DOCROOT")), 10).requireOk("chown");
      LocalEjabberd.Shell.run(List.of("chmod", "0755", server.get("DOCROOT")), 10).requireOk("chmod");
      Map<String, String> env = Map.of("EJUP_PASSWORD", server.password());
      String[] check = {"check", "--jid", server.get("JID"), "--server", "127.0.0.1:" + server.get("XMPP_PORT"), "--no-probes"};
      Ejup.Result broken = Ejup.runCaptured(env, check);
      assertEquals(2, broken.exitCode(), broken.out());
      assertTrue(broken.out().contains("PUT answered HTTP 500") && broken.out().contains("ejup docroot check"), broken.out());
      List<String> fix = new ArrayList<>(List.of("docroot", "fix"));
      fix.addAll(sshd.args("root"));
      fix.addAll(List.of("--config", server.config().toString()));
      Ejup.Result fixed = Ejup.runCaptured(Map.of(), fix.toArray(String[]::new));
      assertEquals(0, fixed.exitCode(), fixed.out() + fixed.err());
      Ejup.Result works = Ejup.runCaptured(env, check);
      assertEquals(0, works.exitCode(), works.out());
    } finally {
      server.down();
    }
  }
}
