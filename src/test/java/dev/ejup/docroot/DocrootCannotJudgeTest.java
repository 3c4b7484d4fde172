package dev.ejup.docroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.ssh.LocalShell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where docroot check and fix --sandbox cannot judge or cannot fix a docroot, they say so and are
 * never OK: a relative docroot, a missing one (or one with missing parents), one under /tmp with
 * PrivateTmp, and a --config that is no ejabberd.yml. Runs this machine's real commands against the
 * installed ejabberd.service and AppArmor profile (Debian's package; SandboxIT keeps the fixtures equal).
 */
class DocrootCannotJudgeTest {
  Path dir;

  @BeforeEach
  void scratch() throws IOException {
    dir = Files.createTempDirectory(Files.createDirectories(Path.of("/var/lib/ejup-test")), "docroot-cannot-judge-");
  }

  @AfterEach
  void clean() throws IOException, InterruptedException {
    new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
  }

  private Docroot.Options config(String docroot, boolean dryRun) throws IOException {
    String base = Files.readString(Path.of("src/test/resources/config/base.yml"));
    Path config = dir.resolve("ejabberd.yml");
    Files.writeString(config, base.replace("    put_url: https://@HOST@:5443/upload\n",
        "    put_url: https://@HOST@:5443/upload\n    docroot: \"" + docroot + "\"\n"));
    return new Docroot.Options(config.toString(), "root", dryRun);
  }

  private static List<Step> named(Report report, String name) {
    return report.steps().stream().filter(s -> s.name().equals(name)).toList();
  }

  private static void neverSaysNothingToChange(Report report) {
    assertFalse(report.steps().stream().anyMatch(s -> s.detail().startsWith("nothing to change")), report.toString());
  }

  @Test
  void aRelativeDocrootIsNotJudgedBySystemdOrAppArmor() throws IOException {
    Report check = Docroot.check(new LocalShell(), config("upload", false));
    assertEquals(Status.CRIT, check.worst(), check.toString());
    for (String sandbox : List.of("systemd", "apparmor")) {
      for (Step s : named(check, sandbox)) {
        // "no ejabberd.service" is true whatever the path; a verdict on the path itself is not possible
        if (!s.detail().startsWith("no ")) {
          assertEquals(Status.UNKNOWN, s.status(), s.toString());
          assertTrue(s.detail().startsWith("docroot upload is not an absolute path, so what"), s.toString());
        }
      }
    }
    assertFalse(check.steps().stream().anyMatch(s -> s.detail().contains("leaves upload writable")), check.toString());

    Report fix = Docroot.fixSandbox(new LocalShell(), config("upload", true));
    assertEquals(Status.CRIT, fix.worst(), fix.toString());
    neverSaysNothingToChange(fix);
    assertTrue(named(fix, "docroot").stream().anyMatch(s -> s.detail().equals("docroot upload is not an absolute path")), fix.toString());
    assertFalse(fix.steps().stream().anyMatch(s -> s.detail().startsWith("would ")), "no line for a relative path: " + fix);
  }

  @Test
  void theCliFixSandboxDoesNotExitZeroForARelativeDocroot() throws IOException {
    Docroot.Options o = config("upload", true);
    dev.ejup.Ejup.Result r = dev.ejup.Ejup.runCaptured(Map.of(), "docroot", "fix", "--sandbox", "--config", o.config(), "--owner", "root");
    assertNotEquals(0, r.exitCode(), r.out() + r.err());
    assertFalse(r.out().contains("nothing to change"), r.out());
  }

  @Test
  void aMissingDocrootUnderHomeGetsNoDropInThatWouldStopEjabberd() throws IOException {
    String missing = "/home/ejup-test-missing-" + ProcessHandle.current().pid() + "/upload";
    Report fix = Docroot.fixSandbox(new LocalShell(), config(missing, true));
    assertNotEquals(Status.OK, fix.worst(), fix.toString());
    neverSaysNothingToChange(fix);
    assertFalse(fix.steps().stream().anyMatch(s -> s.detail().contains("would write " + Sandbox.DROP_IN)), fix.toString());
    Step refused = fix.steps().stream().filter(s -> s.name().equals("fix") && s.status() == Status.CRIT).findFirst().orElseThrow();
    assertTrue(refused.detail().startsWith(missing + " does not exist"), refused.toString());
    assertTrue(refused.hint().startsWith("create it first: ejup docroot fix"), refused.toString());
  }

  @Test
  void anExistingDocrootUnderHomeStillGetsItsDropIn() throws IOException, InterruptedException {
    Path home = Files.createTempDirectory(Path.of("/home"), "ejup-test-");
    try {
      Path docroot = Files.createDirectories(home.resolve("upload"));
      Report fix = Docroot.fixSandbox(new LocalShell(), config(docroot.toString(), true));
      assertTrue(fix.steps().stream().anyMatch(s -> s.detail().startsWith("would write " + Sandbox.DROP_IN)
          && s.detail().contains("BindPaths=" + docroot)), fix.toString());
    } finally {
      new ProcessBuilder("rm", "-rf", "--", home.toString()).start().waitFor();
    }
  }

  @Test
  void aDocrootUnderTmpIsNotNothingToChange() throws IOException, InterruptedException {
    Path tmp = Files.createTempDirectory(Path.of("/tmp"), "ejup-test-docroot-");
    try {
      Report fix = Docroot.fixSandbox(new LocalShell(), config(tmp.toString(), true));
      assertNotEquals(Status.OK, fix.worst(), fix.toString());
      neverSaysNothingToChange(fix);
      Step said = named(fix, "fix").stream().filter(s -> s.status() != Status.OK).findFirst().orElseThrow(() -> new AssertionError(fix));
      assertTrue(said.detail().startsWith("ejup cannot change this in the sandbox") && said.detail().contains("PrivateTmp=yes"), said.toString());
      assertTrue(said.hint().startsWith("move the docroot out of /tmp"), said.toString());
    } finally {
      new ProcessBuilder("rm", "-rf", "--", tmp.toString()).start().waitFor();
    }
  }

  @Test
  void missingParentsAreNotAPass() throws IOException {
    String docroot = dir.resolve("nonexistent/upload").toString();
    Report check = Docroot.check(new LocalShell(), config(docroot, false));
    Step parents = named(check, "parents").get(0);
    assertEquals(Status.WARN, parents.status(), check.toString());
    assertTrue(parents.detail().startsWith("cannot judge whether root can pass " + dir.resolve("nonexistent")), parents.toString());
    assertFalse(check.steps().stream().anyMatch(s -> s.detail().startsWith("every parent")), check.toString());
  }

  @Test
  void aFileThatIsNoEjabberdYmlIsSaidSoWithExit3() throws IOException {
    Path notes = dir.resolve("notes.yml");
    Files.writeString(notes, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");
    Path mapping = dir.resolve("other.yml");
    Files.writeString(mapping, "name: something\nversion: 2\n");
    for (Path file : List.of(Path.of("/etc/passwd"), notes, mapping)) {
      Report check = Docroot.check(new LocalShell(), new Docroot.Options(file.toString(), "root", false));
      assertEquals(Status.UNKNOWN, check.worst(), check.toString());
      Step config = named(check, "config").get(0);
      assertEquals(file + " is not an ejabberd.yml: it has no hosts, listen or modules option", config.detail(), check.toString());
      dev.ejup.Ejup.Result cli = dev.ejup.Ejup.runCaptured(Map.of(), "docroot", "check", "--config", file.toString(), "--owner", "root");
      assertEquals(3, cli.exitCode(), cli.out() + cli.err());
      assertFalse((cli.out() + cli.err()).contains("not enabled"), cli.out());
      dev.ejup.Ejup.Result node = dev.ejup.Ejup.runCaptured(Map.of(), "check", "--node-config", file.toString(),
          "--server", "127.0.0.1:1", "--jid", "a@example.org", "--password-file", "/dev/null");
      assertEquals(3, node.exitCode(), node.out() + node.err());
      assertTrue(node.err().contains("is not an ejabberd.yml"), node.err());
    }
    // a real config still reads as one, with its upload docroot
    Report ok = Docroot.check(new LocalShell(), config(dir.resolve("upload").toString(), false));
    assertEquals(Status.OK, named(ok, "config").get(0).status(), ok.toString());
  }
}
