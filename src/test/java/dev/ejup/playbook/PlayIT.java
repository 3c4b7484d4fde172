package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import dev.ejup.testing.LocalSshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped playbooks against a real ejabberd running Debian's stock ejabberd.yml (rebound to
 * 127.0.0.1 and other ports) and a real sshd: first setup from upload disabled and a root-owned
 * docroot, a second run that changes nothing, a rollback, and a small fleet.
 */
class PlayIT {
  private static LocalSshd sshd;
  private static LocalEjabberd server;
  private static String stock;
  // The instance's own folder, never the system's @HOME@/upload (stock default): setup.yml writes it as docroot.
  private static Path docroot;
  private static final Path SYSTEM_UPLOAD = Path.of("/var/lib/ejabberd/upload");
  private static String systemUploadBefore;

  @BeforeAll
  static void start() throws IOException {
    sshd = LocalSshd.up();
    server = LocalEjabberd.up("playit", 21000);
    docroot = Path.of(server.get("DOCROOT"));
    systemUploadBefore = state(SYSTEM_UPLOAD);
    stock = Files.readString(Path.of("src/test/resources/config/debian-stock-23.01.yml"))
        .replace("ip: \"::\"", "ip: \"127.0.0.1\"")
        .replace("port: 5222", "port: 21000").replace("port: 5443", "port: 21001").replace("port: 5280", "port: 21002")
        .replace("port: 5223", "port: 21003").replace("port: 5269", "port: 21004").replace("port: 3478", "port: 21005")
        .replace("port: 1883", "port: 21006")
        .replace("\"/etc/ejabberd/ejabberd.pem\"", "\"" + server.get("ROOT") + "/etc/ejabberd.pem\"");
  }

  @AfterAll
  static void stop() throws IOException {
    server.down();
    assertEquals(systemUploadBefore, state(SYSTEM_UPLOAD), "the system's own docroot is as the tests found it");
  }

  /** Owner, mode and modification time: what setup, fix and prune would change. */
  private static String state(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return "absent";
    }
    return Files.getOwner(dir) + " " + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))
        + " " + Files.getLastModifiedTime(dir);
  }

  /** Upload disabled, the docroot owned by root: the state a first setup starts from. */
  private static void stockWithRootDocroot() {
    stockWithRootDocroot(stock);
  }

  private static void stockWithRootDocroot(String config) {
    LocalEjabberd.Shell.run(List.of("sh", "-c", "mkdir -p " + docroot + " && chown -R root:root " + docroot + " && chmod 0755 " + docroot), 10)
        .requireOk("docroot");
    assertEquals(0, server.load(config).exit(), "ejabberd runs Debian's stock config");
  }

  private static Ejup.Result play(String playbook, String... extra) {
    List<String> args = new ArrayList<>(List.of("play", "playbooks/" + playbook,
        "-e", "domain=localhost", "-e", "ssh=root@127.0.0.1:" + sshd.get("PORT"), "-e", "identity=" + sshd.get("KEY"),
        "-e", "known_hosts=" + sshd.get("KNOWN_HOSTS"), "-e", "config=" + server.config(), "-e", "ejabberdctl=" + server.get("CTL"),
        "-e", "jid=" + server.get("JID"), "-e", "password_file=" + server.get("PASSWORD_FILE"),
        "-e", "server=127.0.0.1:" + server.get("XMPP_PORT"), "-e", "docroot=" + docroot));
    args.addAll(List.of(extra));
    return Ejup.runCaptured(Map.of(), args.toArray(String[]::new));
  }

  /**
   * A setup that works: OK, or WARNING only because ejabberd 23.01 lost the changed listener on
   * reload and ejup's second reload brought it back (it happens in some runs, not others).
   */
  private static void assertSetUp(Ejup.Result r) {
    String all = r.out() + r.err();
    if (r.exitCode() == 1) {
      assertTrue(r.out().contains("a second reload opened them"), all);
      assertEquals(1, r.out().lines().filter(l -> l.trim().startsWith("WARNING")).count(), all);
    } else {
      assertEquals(0, r.exitCode(), all);
    }
  }

  @Test
  void setupFromDebiansStockConfigThenASecondRunChangesNothing() throws IOException {
    stockWithRootDocroot();
    Ejup.Result first = play("setup.yml", "-e", "put_url=https://@HOST@:21001/upload");
    assertSetUp(first);
    assertTrue(first.out().contains("uncommented '/upload: mod_http_upload' in the listener on port 21001"), first.out());
    assertTrue(first.out().contains("ran: chown -R -P -- ejabberd:ejabberd " + docroot), first.out());
    assertTrue(first.out().contains("check-put") && first.out().contains("HTTP 201 Created"), first.out());
    assertEquals("ejabberd", Files.getOwner(docroot).getName());

    String configured = Files.readString(server.config());
    Ejup.Result second = play("setup.yml", "-e", "put_url=https://@HOST@:21001/upload");
    assertEquals(0, second.exitCode(), second.out() + second.err());
    assertTrue(second.out().contains("upload is already set up as asked; nothing to change"), second.out());
    assertTrue(second.out().contains("docroot-fix") && second.out().contains("nothing to change"), second.out());
    assertEquals(configured, Files.readString(server.config()), "the second run wrote nothing");
  }

  @Test
  void aFailingCheckAfterApplyRollsTheFileBackByteForByte() throws IOException {
    stockWithRootDocroot();
    String before = Files.readString(server.config());
    // 127.0.0.2 is loopback, but the listener binds 127.0.0.1 only: the PUT is refused
    Ejup.Result r = play("setup.yml", "-e", "put_url=https://127.0.0.2:21001/upload");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("check-put") && r.out().contains("refused"), r.out());
    assertTrue(r.out().contains("rollback") && r.out().contains("restored"), r.out());
    assertEquals(before, Files.readString(server.config()), "the original file is back, byte for byte");
    assertEquals(0, server.ctl("reload_config").exit(), "and ejabberd runs it");
  }

  @Test
  void aFleetRunsInParallelAndTheDownTargetDoesNotHoldTheOthers(@TempDir Path tmp) throws IOException {
    // two virtual hosts on this ejabberd, each with its own upload service, and a server that is down
    stockWithRootDocroot(stock.replace("hosts:\n  - localhost\n", "hosts:\n  - localhost\n  - vh1.localhost\n"));
    server.ctl("register", "hc", "vh1.localhost", server.password());
    assertSetUp(play("setup.yml", "-e", "put_url=https://@HOST@:21001/upload"));
    Path inventory = Files.createTempFile(tmp, "fleet", ".yml");
    Files.writeString(inventory, "- name: upload-a\n  server: 127.0.0.1:21000\n  domain: localhost\n  jid: hc@localhost\n"
        + "- name: upload-b\n  server: 127.0.0.1:21000\n  domain: vh1.localhost\n  jid: hc@vh1.localhost\n"
        + "- name: down\n  server: 127.0.0.1:21099\n  domain: localhost\n  jid: hc@localhost\n");
    long start = System.nanoTime();
    Ejup.Result r = Ejup.runCaptured(Map.of(), "play", "playbooks/post-deploy.yml", "-i", inventory.toString(),
        "--parallel", "3", "--deadline", "20", "-e", "ssh=root@127.0.0.1:" + sshd.get("PORT"),
        "-e", "identity=" + sshd.get("KEY"), "-e", "known_hosts=" + sshd.get("KNOWN_HOSTS"), "-e", "config=" + server.config(),
        "-e", "password_file=" + server.get("PASSWORD_FILE"));
    double took = (System.nanoTime() - start) / 1e9;
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("Summary: CRITICAL"), r.out());
    assertTrue(r.out().matches("(?s).*\\n  OK .*upload-a.*"), r.out());
    assertTrue(r.out().matches("(?s).*\\n  OK .*upload-b.*"), r.out());
    assertTrue(r.out().matches("(?s).*\\n  CRITICAL .*down .*check-connect.*"), r.out());
    assertTrue(r.out().contains("upload.vh1.localhost"), "upload-b found its own vhost's service: " + r.out());
    assertTrue(took < 20, "bounded by the deadline, not the sum: " + took + "s");
  }

  @Test
  void aPlaybookThatIsNotYamlOrNamesAnUnknownStepIsRefusedBeforeAnythingRuns(@TempDir Path tmp) throws IOException {
    Path bad = Files.createTempFile(tmp, "bad", ".yml");
    Files.writeString(bad, "name: x\nsteps:\n  - chek: {}\n");
    Ejup.Result r = Ejup.runCaptured(Map.of(), "play", bad.toString());
    assertEquals(3, r.exitCode());
    assertTrue(r.err().contains(bad + ":3:5: error:") && r.err().contains("did you mean 'check'"), r.err());
  }

  /**
   * Issue 9, 8: a host name in server (as users write it) must reach the check. Before, the check threw on its worker,
   * ran no steps, and the health check said OK even with a wrong password; the IP-literal target that ran first in the
   * same process must not change that.
   */
  @Test
  void aHealthCheckByHostNameWithAWrongPasswordIsCriticalWhateverRanBeforeIt(@TempDir Path tmp) throws IOException {
    stockWithRootDocroot();
    assertSetUp(play("setup.yml", "-e", "put_url=https://@HOST@:21001/upload"));
    Path wrong = Files.createTempFile(tmp, "wrong", ".pw");
    Files.writeString(wrong, "not-the-password\n");
    Path inventory = Files.createTempFile(tmp, "names", ".yml");
    Files.writeString(inventory, "- name: by-ip\n  server: 127.0.0.1:21000\n  password_file: " + server.get("PASSWORD_FILE") + "\n"
        + "- name: by-name\n  server: localhost:21000\n  password_file: " + wrong + "\n");
    Ejup.Result r = Ejup.runCaptured(Map.of(), "play", "playbooks/healthcheck.yml", "-i", inventory.toString(), "--parallel", "1",
        "-e", "domain=localhost", "-e", "jid=" + server.get("JID"), "-e", "config=" + server.config(), "--format", "json");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().matches("(?s).*\"target\": *\"by-name\".*\"check-login\", *\"status\": *\"CRITICAL\".*"), r.out());
    Ejup.Result alone = Ejup.runCaptured(Map.of(), "play", "playbooks/healthcheck.yml", "-e", "domain=localhost",
        "-e", "jid=" + server.get("JID"), "-e", "password_file=" + wrong, "-e", "server=localhost:21000", "-e", "config=" + server.config());
    assertEquals(2, alone.exitCode(), alone.out() + alone.err());
    assertTrue(alone.out().contains("check-login"), alone.out());
  }

  /** Before, a host name as server skipped the check silently, so the failed change was never rolled back. */
  @Test
  void setupWithAHostNameAsServerStillRollsBackAFailedChange() throws IOException {
    stockWithRootDocroot();
    String before = Files.readString(server.config());
    Ejup.Result r = play("setup.yml", "-e", "put_url=https://127.0.0.2:21001/upload", "-e", "server=localhost:21000");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("check-put"), r.out());
    assertTrue(r.out().contains("rollback") && r.out().contains("restored"), r.out());
    assertEquals(before, Files.readString(server.config()), "the original file is back, byte for byte");
  }

  /** setup.yml -C on Debian's stock file: the planned config reaches docroot fix; the old server is not judged. */
  @Test
  void aDryRunSetupOnTheStockFileShowsTheWholePlanAndChangesNothing() throws IOException {
    stockWithRootDocroot();
    String before = Files.readString(server.config());
    Ejup.Result r = play("setup.yml", "-C", "-e", "put_url=https://@HOST@:21001/upload");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("would change"), r.out());
    assertTrue(r.out().contains("would run: chown -R -P -- ejabberd:ejabberd " + docroot), r.out());
    assertTrue(r.out().matches("(?s).*check +skipped: dry run.*"), r.out());
    assertEquals(before, Files.readString(server.config()), "a dry run writes nothing");
    assertEquals("root", Files.getOwner(docroot).getName(), "nor changes the docroot");
  }

  /** healthcheck.yml with no ssh, on the server itself: old check files go (before, only with ssh set). */
  @Test
  void aLocalHealthCheckPrunesOldCheckFiles() throws IOException {
    stockWithRootDocroot();
    assertSetUp(play("setup.yml", "-e", "put_url=https://@HOST@:21001/upload"));
    Path slot = docroot.resolve("0123abcd/4567ef");
    Files.createDirectories(slot);
    Path old = Files.writeString(slot.resolve("ejup-check-1700000000-deadbeef.bin"), "x");
    Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3 * 86_400_000L));
    Ejup.Result r = Ejup.runCaptured(Map.of(), "play", "playbooks/healthcheck.yml", "-e", "domain=localhost",
        "-e", "jid=" + server.get("JID"), "-e", "password_file=" + server.get("PASSWORD_FILE"),
        "-e", "server=localhost:21000", "-e", "config=" + server.config());
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(!Files.exists(old) && !Files.exists(slot), "the old check file and its emptied slot folders are gone: " + r.out());
    assertTrue(r.out().contains("removed 1 file(s)"), r.out());
  }
}
