package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.EjupProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `config apply` never loses or exposes anything: symlinks are written through, line endings and
 * BOM stay, concurrent runs and other writers keep their changes, a signal leaves no temp file,
 * and a file the user may not read is named as such.
 */
class WriteSafetyTest {
  private static final Path STOCK = Path.of("src/test/resources/config/debian-stock-23.01.yml");

  @TempDir
  Path dir;

  private static Ejup.Result ejup(String... args) {
    return Ejup.runCaptured(Map.of(), args);
  }

  private static List<Path> leftovers(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".ejup-tmp") || p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  private static List<Path> backups(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().matches(".*\\.ejup-\\d{8}-\\d{6}(-\\d+)?\\.bak")).toList();
    }
  }

  // --- symlinks -------------------------------------------------------------------------------

  @Test
  void aSymlinkedConfigIsWrittenThroughAndKeepsTheTargetsOwnerAndMode() throws IOException {
    Path store = Files.createDirectories(dir.resolve("config-repo"));
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Path real = store.resolve("ejabberd.yml");
    Files.copy(STOCK, real);
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
    UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Files.setOwner(real, nobody);
    }
    Path link = Files.createSymbolicLink(etc.resolve("ejabberd.yml"), Path.of("../config-repo/ejabberd.yml"));
    byte[] before = Files.readAllBytes(real);

    Ejup.Result r = ejup("config", "apply", link.toString(), "--host", "localhost");
    assertEquals(0, r.exitCode(), r.err());

    assertTrue(Files.isSymbolicLink(link), "the link stays a link");
    assertEquals(Path.of("../config-repo/ejabberd.yml"), Files.readSymbolicLink(link));
    assertTrue(Files.readString(real).contains("      /upload: mod_http_upload\n"), "the target got the change");
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
    if (root) {
      assertEquals(nobody, Files.getOwner(real));
    }
    List<Path> saved = backups(etc);
    assertEquals(1, saved.size(), "the backup is beside the path given");
    assertFalse(Files.isSymbolicLink(saved.get(0)));
    assertArrayEquals(before, Files.readAllBytes(saved.get(0)));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(saved.get(0))), "the backup is no more open than the file");
    if (root) {
      assertEquals(nobody, Files.getOwner(saved.get(0)));
    }
    assertEquals(List.of(), leftovers(dir));
  }

  @Test
  void aHardLinkedConfigIsWrittenAndTheApplySaysTheOtherLinkKeepsTheOldText() throws IOException {
    Path file = dir.resolve("ejabberd.yml");
    Files.copy(STOCK, file);
    Path other = Files.createLink(dir.resolve("other.yml"), file);
    byte[] before = Files.readAllBytes(file);

    Ejup.Result r = ejup("config", "apply", file.toString(), "--host", "localhost", "--no-backup");
    assertEquals(0, r.exitCode(), r.err());

    assertTrue(Files.readString(file).contains("      /upload: mod_http_upload\n"), "the file got the change");
    assertArrayEquals(before, Files.readAllBytes(other), "the atomic write stays a rename: the other link keeps the old text");
    List<String> warnings = r.err().lines().filter(l -> l.startsWith("ejup: WARNING:")).toList();
    assertEquals(1, warnings.size(), r.err());
    assertTrue(warnings.get(0).contains(file + " had 2 hard links; the other 1 still holds the old text"), warnings.get(0));

    Ejup.Result again = ejup("config", "apply", file.toString(), "--host", "localhost", "--max-size", "2000", "--no-backup");
    assertEquals(0, again.exitCode(), again.err());
    assertFalse(again.err().contains("WARNING"), "a file with one link gets no warning: " + again.err());
  }

  @Test
  void aKubernetesConfigMapChainOfLinksStaysAndItsFileGetsTheChange() throws IOException {
    // what the kubelet mounts: ejabberd.yml -> ..data/ejabberd.yml, ..data -> ..2026_11_29_00_00_00.1/
    Path mount = Files.createDirectories(dir.resolve("configmap"));
    Path version = Files.createDirectories(mount.resolve("..2026_11_29_00_00_00.1"));
    Files.copy(STOCK, version.resolve("ejabberd.yml"));
    Files.setPosixFilePermissions(version.resolve("ejabberd.yml"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.createSymbolicLink(mount.resolve("..data"), Path.of("..2026_11_29_00_00_00.1"));
    Path link = Files.createSymbolicLink(mount.resolve("ejabberd.yml"), Path.of("..data/ejabberd.yml"));

    Ejup.Result r = ejup("config", "apply", link.toString(), "--host", "localhost", "--no-backup");
    assertEquals(0, r.exitCode(), r.err());

    assertEquals(Path.of("..data/ejabberd.yml"), Files.readSymbolicLink(link));
    assertEquals(Path.of("..2026_11_29_00_00_00.1"), Files.readSymbolicLink(mount.resolve("..data")));
    assertTrue(Files.readString(version.resolve("ejabberd.yml")).contains("  mod_http_upload:\n    put_url:"));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(version.resolve("ejabberd.yml"))));
    assertEquals(List.of(), leftovers(dir));
  }

  // --- line endings and BOM -------------------------------------------------------------------

  @Test
  void debianStockInCrlfOrWithABomGetsTheSameEditInItsOwnForm() throws IOException {
    String stock = Files.readString(STOCK);
    Path lf = Files.writeString(dir.resolve("lf.yml"), stock);
    Path crlf = Files.writeString(dir.resolve("crlf.yml"), stock.replace("\n", "\r\n"));
    Path bom = Files.write(dir.resolve("bom.yml"), ("\uFEFF" + stock).getBytes(StandardCharsets.UTF_8));
    for (Path file : List.of(lf, crlf, bom)) {
      Ejup.Result r = ejup("config", "apply", file.toString(), "--host", "localhost", "--quota-soft", "100", "--no-backup");
      assertEquals(0, r.exitCode(), file + ": " + r.err());
      assertTrue(r.err().contains("enabled mod_http_upload where its commented-out block was"), file + ": " + r.err());
    }
    String edited = Files.readString(lf);
    assertEquals(1, edited.split("\n  mod_http_upload:\n", -1).length - 1, "one upload block");
    assertEquals(edited.replace("\n", "\r\n"), Files.readString(crlf), "every line, inserted ones included, ends in CRLF");
    assertEquals("\uFEFF" + edited, new String(Files.readAllBytes(bom), StandardCharsets.UTF_8), "the BOM is kept");
    for (Path file : List.of(crlf, bom)) {
      Ejup.Result again = ejup("config", "apply", file.toString(), "--host", "localhost", "--quota-soft", "100", "--no-backup");
      assertTrue(again.out().contains("nothing to change"), file + ": " + again.out());
    }
  }

  // --- lost updates ---------------------------------------------------------------------------

  @Test
  void twoAppliesAtOnceInOneProcessBothLand() throws Exception {
    Path file = dir.resolve("ejabberd.yml");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 8; round++) {
        Files.copy(STOCK, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Ejup.Result> a = pool.submit(() -> {
          start.await();
          return ejup("config", "apply", file.toString(), "--max-size", "1111", "--no-backup");
        });
        Future<Ejup.Result> b = pool.submit(() -> {
          start.await();
          return ejup("config", "apply", file.toString(), "--file-mode", "0640", "--no-backup");
        });
        Ejup.Result ra = a.get(60, TimeUnit.SECONDS);
        Ejup.Result rb = b.get(60, TimeUnit.SECONDS);
        assertEquals(0, ra.exitCode(), ra.err());
        assertEquals(0, rb.exitCode(), rb.err());
        String after = Files.readString(file);
        assertTrue(after.contains("    max_size: 1111\n") && after.contains("    file_mode: \"0640\"\n"), "round " + round + ": both changes:\n" + after);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twoAppliesAtOnceInTwoProcessesBothLand() throws Exception {
    Path file = dir.resolve("ejabberd.yml");
    for (int round = 0; round < 3; round++) {
      Files.copy(STOCK, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Process a = EjupProcess.startRaw("config", "apply", file.toString(), "--max-size", "2222", "--no-backup");
      Process b = EjupProcess.startRaw("config", "apply", file.toString(), "--dir-mode", "0750", "--no-backup");
      EjupProcess.Result ra = EjupProcess.await(a, 120);
      EjupProcess.Result rb = EjupProcess.await(b, 120);
      assertEquals(0, ra.exitCode(), ra.err());
      assertEquals(0, rb.exitCode(), rb.err());
      String after = Files.readString(file);
      assertTrue(after.contains("    max_size: 2222\n") && after.contains("    dir_mode: \"0750\"\n"), "round " + round + ":\n" + after);
    }
  }

  /**
   * Deterministic: the config includes a named pipe, so ejup stops reading it until this test
   * writes into the pipe; meanwhile "an editor" changes the main file. ejup has read the old
   * text by then and must refuse to rename its result over the editor's.
   */
  @Test
  void aChangeMadeBetweenReadAndRenameIsKeptAndTheApplyRefuses() throws Exception {
    Path file = dir.resolve("ejabberd.yml");
    Path pipe = dir.resolve("extra.yml");
    new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor();
    Files.writeString(file, Files.readString(STOCK) + "\ninclude_config_file:\n  - " + pipe + "\n");
    Process apply = EjupProcess.startRaw("config", "apply", file.toString(), "--host", "localhost", "--no-backup");
    String editorLine = "# added by hand while ejup ran\n";
    try (OutputStream out = Files.newOutputStream(pipe)) { // returns once ejup opened the pipe: the main file was read
      Files.writeString(file, editorLine, java.nio.file.StandardOpenOption.APPEND);
      // ejup reads the include again for its edit: a plain file from now on (its open pipe still ends below)
      Files.delete(pipe);
      Files.writeString(pipe, "loglevel: info\n");
      out.write("loglevel: info\n".getBytes(StandardCharsets.UTF_8));
    }
    EjupProcess.Result r = EjupProcess.await(apply, 120);
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(file + " changed since ejup read it"), r.err());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("ejup: ") && l.contains("changed since")).count(), r.err());
    String after = Files.readString(file);
    assertTrue(after.endsWith(editorLine), "the editor's line is kept");
    assertTrue(after.contains("  ## mod_http_upload:"), "nothing of ejup's was written");
    assertEquals(List.of(), leftovers(dir));
  }

  @Test
  void theRestoreAfterAFailedReloadKeepsAChangeMadeSince() throws IOException {
    Path file = Files.copy(STOCK, dir.resolve("ejabberd.yml"));
    String puppet = "# managed by puppet: changed during the reload\n";
    // an ejabberdctl whose reload fails after someone else wrote the file
    Path ctl = Files.writeString(dir.resolve("ejabberdctl"), "#!/bin/sh\nprintf '%s' '" + puppet + "' >> '" + file + "'\n"
        + "echo 'Error: the config has a problem'\nexit 1\n");
    Files.setPosixFilePermissions(ctl, PosixFilePermissions.fromString("rwxr-xr-x"));
    Ejup.Result r = ejup("config", "apply", file.toString(), "--host", "localhost", "--reload", "--ejabberdctl", ctl.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("did not restore the previous " + file), r.err());
    String after = Files.readString(file);
    assertTrue(after.endsWith(puppet), "the change made since is kept:\n" + after);
    assertTrue(r.err().contains("the previous file is in "), r.err());
  }

  @Test
  void theRestoreAfterAFailedReloadPutsTheFileBackByteForByte() throws IOException {
    String crlf = Files.readString(STOCK).replace("\n", "\r\n");
    Path file = Files.write(dir.resolve("ejabberd.yml"), ("\uFEFF" + crlf).getBytes(StandardCharsets.UTF_8));
    byte[] before = Files.readAllBytes(file);
    Path ctl = Files.writeString(dir.resolve("ejabberdctl"), "#!/bin/sh\necho 'Error: no node'\nexit 1\n");
    Files.setPosixFilePermissions(ctl, PosixFilePermissions.fromString("rwxr-xr-x"));
    Ejup.Result r = ejup("config", "apply", file.toString(), "--host", "localhost", "--reload", "--ejabberdctl", ctl.toString(), "--no-backup");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("restored the previous " + file), r.err());
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  // --- signals --------------------------------------------------------------------------------

  /**
   * SIGTERM at the worst moment (as soon as the temp file appears) and at random moments: never a
   * temp file left, never a partial backup, and the config is either the old or the new file.
   */
  @Test
  void sigtermDuringApplyLeavesNoTempFileAndAWholeConfig() throws Exception {
    // a large comment makes the write and fsync take long enough to be hit
    String big = Files.readString(STOCK) + ("# " + "x".repeat(200) + "\n").repeat(20_000);
    Path file = dir.resolve("ejabberd.yml");
    Files.writeString(file, big);
    assertEquals(0, ejup("config", "apply", file.toString(), "--host", "localhost", "--no-backup").exitCode());
    byte[] edited = Files.readAllBytes(file);
    byte[] original = big.getBytes(StandardCharsets.UTF_8);
    int hitTemp = 0;
    java.util.Random random = new java.util.Random(9);
    for (int round = 0; round < 16; round++) {
      Files.write(file, original);
      Process p = EjupProcess.startRaw("config", "apply", file.toString(), "--host", "localhost");
      boolean sawTemp = false;
      if (round % 2 == 0) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (p.isAlive() && System.nanoTime() < until && !sawTemp) {
          try (Stream<Path> files = Files.list(dir)) {
            sawTemp = files.anyMatch(f -> f.getFileName().toString().endsWith(".ejup-tmp"));
          }
        }
      } else {
        Thread.sleep(300 + random.nextInt(1500));
      }
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      hitTemp += sawTemp ? 1 : 0;
      assertEquals(List.of(), leftovers(dir), "round " + round + (sawTemp ? " (killed while the temp file existed)" : ""));
      byte[] now = Files.readAllBytes(file);
      assertTrue(java.util.Arrays.equals(now, original) || java.util.Arrays.equals(now, edited), "round " + round + ": the config is whole");
      for (Path backup : backups(dir)) {
        assertArrayEquals(original, Files.readAllBytes(backup), "round " + round + ": a backup is whole");
        Files.delete(backup);
      }
    }
    assertTrue(hitTemp >= 1, "the temp file was seen before the kill in " + hitTemp + " rounds");
  }

  // --- permissions ----------------------------------------------------------------------------

  /** Debian's /etc/ejabberd is 0750 root:ejabberd; a user outside the group is told why and what to do. */
  @Test
  void aConfigTheUserMayNotReadSaysPermissionDeniedAndHowToGetIn() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run ejup as another user");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser")), "needs runuser");
    Path shared = Files.createTempDirectory("ejup-nobody");
    try {
      Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
      List<String> classPath = new ArrayList<>();
      int i = 0;
      for (Path entry : EjupProcess.classPathEntries()) {
        Path copy = shared.resolve("cp" + i++);
        if (Files.isDirectory(entry)) {
          new ProcessBuilder("cp", "-r", entry.toString(), copy.toString()).start().waitFor();
        } else if (Files.exists(entry)) {
          Files.copy(entry, copy);
        }
        classPath.add(copy.toString());
      }
      new ProcessBuilder("chmod", "-R", "a+rX", shared.toString()).start().waitFor();
      Path etc = Files.createDirectories(shared.resolve("etc-ejabberd"));
      Path config = Files.copy(STOCK, etc.resolve("ejabberd.yml"));
      Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
      for (String folderMode : List.of("rwxr-x---", "rwxr-xr-x")) {
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString(folderMode));
        for (String command : List.of("validate", "apply")) {
          Process p = new ProcessBuilder(EjupProcess.command(List.of("runuser", "-u", "nobody", "--"),
              String.join(":", classPath), "config", command, config.toString())).redirectErrorStream(true).start();
          String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          assertTrue(p.waitFor(60, TimeUnit.SECONDS));
          assertEquals(3, p.exitValue(), out);
          assertEquals("ejup: " + config + ": permission denied (ejup runs as nobody) (hint: run it as root (sudo ejup ...), "
              + "or add nobody to the group that may read it: adduser nobody ejabberd, then log in again)", out.strip(),
              command + " with the folder " + folderMode);
        }
      }
      // readable but in a folder this user may not write: apply says so before it writes anything
      Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
      byte[] before = Files.readAllBytes(config);
      Process p = new ProcessBuilder(EjupProcess.command(List.of("runuser", "-u", "nobody", "--"),
          String.join(":", classPath), "config", "apply", config.toString(), "--host", "localhost")).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(2, p.exitValue(), out);
      assertTrue(out.strip().endsWith("ejup: " + config + ": nobody may not write in " + etc + " (permission denied on its lock file "
          + ".ejabberd.yml.ejup-lock); nothing was written (hint: run it as the file's owner or as root (sudo ejup ...))"), out);
      assertArrayEquals(before, Files.readAllBytes(config));
    } finally {
      new ProcessBuilder("rm", "-rf", shared.toString()).start().waitFor();
    }
  }

  @Test
  void theLockFileSitsBesideTheRealFileWithItsModeAndNoOneElseWaitsForIt() throws IOException {
    Path real = Files.copy(STOCK, Files.createDirectories(dir.resolve("repo")).resolve("ejabberd.yml"));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
    Path link = Files.createSymbolicLink(dir.resolve("ejabberd.yml"), real);
    assertEquals(0, ejup("config", "apply", link.toString(), "--host", "localhost", "--no-backup").exitCode());
    Path lock = real.resolveSibling(".ejabberd.yml.ejup-lock");
    assertTrue(Files.exists(lock, LinkOption.NOFOLLOW_LINKS), "one lock per real file, whatever path leads to it");
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)));
    assertFalse(Files.exists(dir.resolve(".ejabberd.yml.ejup-lock")));
    try (ConfigLock held = ConfigLock.acquire(link)) {
      // released by the run above: taken at once
      assertTrue(held != null);
    }
  }
}
