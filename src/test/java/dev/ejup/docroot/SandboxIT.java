package dev.ejup.docroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/**
 * `ejup docroot check` and `fix --sandbox`, locally and over a real OpenSSH server, against the
 * unit file and AppArmor profile the Debian ejabberd package installed on this machine. Where
 * systemd does not run (these test machines) the unit file is read; where it runs, systemctl show
 * is, and the verdict is CRITICAL instead of a WARNING: the expectation follows the machine.
 */
class SandboxIT {
  private static final Path DROP_IN = Path.of(Sandbox.DROP_IN);
  private static LocalSshd sshd;
  private static Path home;
  private static Path srv;
  private static Path work;
  private static boolean systemdRuns;

  @BeforeAll
  static void start() throws IOException {
    LocalEjabberd.Shell.run(List.of("bash", "-c", "command -v ejabberdctl >/dev/null || { apt-get update -qq && "
        + "DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq ejabberd; }"), 600).requireOk("install ejabberd");
    assertFalse(Files.exists(DROP_IN), DROP_IN + " exists before the test: not the package's layout");
    sshd = LocalSshd.up();
    systemdRuns = Files.isDirectory(Path.of("/run/systemd/system"));
    String tag = Long.toHexString(System.nanoTime());
    home = Path.of("/home/ejup-sandboxit-" + tag);
    srv = Path.of("/srv/ejup-sandboxit-" + tag);
    work = Files.createDirectories(Path.of("/var/lib/ejup-test/sandboxit-" + tag));
    for (Path docroot : List.of(home.resolve("upload"), srv.resolve("upload"))) {
      Files.createDirectories(docroot);
      LocalEjabberd.Shell.run(List.of("chown", "ejabberd:ejabberd", docroot.toString()), 10).requireOk("chown");
    }
  }

  @AfterAll
  static void stop() {
    for (Path p : List.of(home, srv, work)) {
      if (p != null) {
        LocalEjabberd.Shell.run(List.of("rm", "-rf", "--", p.toString()), 30);
      }
    }
    LocalEjabberd.Shell.run(List.of("rm", "-f", "--", DROP_IN.toString()), 10);
    LocalEjabberd.Shell.run(List.of("rmdir", "--ignore-fail-on-non-empty", "--", DROP_IN.getParent().toString()), 10);
  }

  private static Path config(Path docroot) throws IOException {
    String base = Files.readString(Path.of("src/test/resources/config/base.yml"));
    Path file = Files.createTempFile(work, "ejabberd-", ".yml");
    Files.writeString(file, base.replace("    put_url: https://@HOST@:5443/upload\n",
        "    put_url: https://@HOST@:5443/upload\n    docroot: \"" + docroot + "\"\n"));
    return file;
  }

  private static Ejup.Result docroot(boolean overSsh, Path config, String... command) {
    List<String> args = new ArrayList<>(List.of("docroot"));
    args.addAll(List.of(command));
    if (overSsh) {
      args.addAll(sshd.args("root"));
    }
    args.addAll(List.of("--config", config.toString()));
    return Ejup.runCaptured(Map.of(), args.toArray(String[]::new));
  }

  private static String line(Ejup.Result r, String step) {
    return r.out().lines().filter(l -> l.matches("\\s+\\S+\\s+[0-9.]+s\\s+" + step + "\\s.*")).findFirst()
        .orElseThrow(() -> new AssertionError("no step " + step + " in:\n" + r.out() + r.err()));
  }

  @Test
  void theFixturesAreThePackagesFiles() throws IOException {
    assertEquals(Files.readString(Path.of("/lib/systemd/system/ejabberd.service")),
        Files.readString(Path.of("src/test/resources/sandbox/ejabberd.service")));
    assertEquals(Files.readString(Path.of("/etc/apparmor.d/usr.sbin.ejabberdctl")),
        Files.readString(Path.of("src/test/resources/sandbox/usr.sbin.ejabberdctl")));
  }

  @Test
  void aDocrootUnderHomeIsHiddenByTheRealUnitLocallyAndOverSsh() throws IOException {
    Path docroot = home.resolve("upload");
    Path config = config(docroot);
    for (boolean overSsh : List.of(false, true)) {
      Ejup.Result r = docroot(overSsh, config, "check");
      assertEquals(systemdRuns ? 2 : 1, r.exitCode(), r.out() + r.err());
      assertTrue(line(r, "docroot").trim().startsWith("OK"), "owner and modes are right: " + r.out());
      String systemd = line(r, "systemd");
      assertTrue(systemd.trim().startsWith(systemdRuns ? "CRITICAL" : "WARNING"), r.out());
      assertTrue(systemd.contains("systemd hides " + docroot + " from ejabberd: ProtectHome=yes"), r.out());
      assertTrue(systemd.contains(systemdRuns ? "(systemctl show ejabberd.service)" : "(/lib/systemd/system/ejabberd.service)"), r.out());
      assertTrue(r.out().contains("add a drop-in " + DROP_IN + " with 'ProtectHome=tmpfs' 'BindPaths=" + docroot + "'"), r.out());
    }
  }

  @Test
  void aDocrootUnderSrvIsDeniedByTheProfileOnlyOnceItIsEnforced() throws IOException {
    Ejup.Result r = docroot(true, config(srv.resolve("upload")), "check");
    String apparmor = line(r, "apparmor");
    assertTrue(apparmor.contains("AppArmor profile usr.sbin.ejabberdctl ("), r.out());
    assertTrue(apparmor.contains("allows ejabberd no writes under " + srv.resolve("upload")), r.out());
    assertTrue(line(r, "systemd").trim().startsWith("OK"), "ProtectSystem=full leaves /srv writable: " + r.out());
    boolean apparmorRuns = Files.isDirectory(Path.of("/sys/kernel/security/apparmor"));
    if (!apparmorRuns) {
      assertTrue(apparmor.trim().startsWith("OK"), r.out());
      assertTrue(apparmor.contains("AppArmor not running here, the file asks for complain"), r.out());
      assertEquals(0, r.exitCode(), r.out());
    } else {
      assertFalse(apparmor.trim().startsWith("OK"), r.out());
    }
  }

  @Test
  void fixSandboxIsADryRunUntilToldToWriteThenTheCheckPasses() throws IOException {
    Path docroot = home.resolve("upload");
    Path config = config(docroot);
    Ejup.Result dry = docroot(true, config, "fix", "--sandbox");
    assertTrue(dry.out().contains("would write " + DROP_IN + ": [Service] | ProtectHome=tmpfs | BindPaths=" + docroot), dry.out());
    assertTrue(dry.out().contains("run again with --write"), dry.out());
    assertFalse(Files.exists(DROP_IN), "a dry run writes nothing");
    try {
      Ejup.Result write = docroot(true, config, "fix", "--sandbox", "--write");
      assertTrue(write.out().contains("wrote " + DROP_IN), write.out());
      assertTrue(Files.readString(DROP_IN).contains("[Service]\nProtectHome=tmpfs\nBindPaths=" + docroot + "\n"), Files.readString(DROP_IN));
      Ejup.Result after = docroot(true, config, "check");
      assertTrue(line(after, "systemd").trim().startsWith("OK"), after.out());
      assertTrue(line(after, "systemd").contains(DROP_IN.toString()), "the drop-in was read: " + after.out());
      Ejup.Result again = docroot(true, config, "fix", "--sandbox", "--write");
      assertTrue(again.out().contains("nothing to change in the sandbox"), again.out());
    } finally {
      Files.deleteIfExists(DROP_IN);
    }
  }

  @Test
  void writeWithoutSandboxIsAUsageError() throws IOException {
    Ejup.Result r = docroot(false, config(srv.resolve("upload")), "fix", "--write");
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertEquals("ejup: --write goes with --sandbox (hint: run: ejup docroot fix --sandbox --write)", r.err().strip());
  }
}
