package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import dev.ejup.testing.LocalSshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ejup config validate|apply --ssh`: the file on the server, a real ejabberd reloading it. */
class ConfigOverSshIT {
  private static LocalSshd sshd;
  private static LocalEjabberd server;

  @BeforeAll
  static void start() {
    sshd = LocalSshd.up();
    server = LocalEjabberd.up("cfgssh");
  }

  @AfterAll
  static void stop() {
    server.down();
  }

  @AfterEach
  void restore() {
    server.reset();
  }

  private static Ejup.Result ejup(String user, String... args) {
    List<String> all = new ArrayList<>(List.of(args[0], args[1]));
    all.addAll(sshd.args(user));
    all.addAll(List.of(args).subList(2, args.length));
    return Ejup.runCaptured(Map.of(), all.toArray(String[]::new));
  }

  private static List<Path> backups() throws IOException {
    try (Stream<Path> files = Files.list(server.config().getParent())) {
      return files.filter(p -> p.getFileName().toString().startsWith("ejabberd.yml.ejup-")).toList();
    }
  }

  @Test
  void validateReadsTheFileOnTheServer() {
    Ejup.Result r = ejup("root", "config", "validate", server.config().toString());
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().startsWith("root@127.0.0.1:" + sshd.get("PORT") + ":" + server.config() + ": OK"), r.out());
  }

  @Test
  void theRemoteFileIsReadByteForByteSoBadBytesAreNamed(@TempDir Path tmp) throws IOException {
    Path latin1 = Files.createTempFile(tmp, "latin1", ".yml");
    Files.write(latin1, "hosts:\n  - \"caf\u00e9.example\"\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Ejup.Result r = ejup("root", "config", "validate", latin1.toString());
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains(latin1 + ": is not UTF-8 (invalid byte 0xe9 on line 2)"), r.err());
  }

  @Test
  void applyWritesAtomicallyKeepsOwnerAndModeAndReloads() throws IOException {
    String before = Files.readString(server.config());
    Ejup.Result r = ejup(sshd.get("SUDO_USER"), "config", "apply", server.config().toString(), "--max-size", "2048",
        "--reload", "--ejabberdctl", server.get("CTL"));
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains("reload_config on ejuptest-sudo@127.0.0.1:" + sshd.get("PORT") + ": ok"), r.err());
    assertTrue(Files.readString(server.config()).contains("max_size: 2048"));
    assertEquals("ejabberd", Files.getOwner(server.config()).getName());
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.config())));
    assertEquals(1, backups().size());
    assertEquals(before, Files.readString(backups().get(0)));
    try (Stream<Path> files = Files.list(server.config().getParent())) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
    }
    Files.delete(backups().get(0));
  }

  @Test
  void aFailedRemoteReloadPutsTheFileBack() throws IOException {
    String before = Files.readString(server.config());
    Ejup.Result r = ejup("root", "config", "apply", server.config().toString(), "--max-size", "4096", "--no-backup",
        "--reload", "--ejabberdctl", server.get("CTL") + " --node nosuchnode@localhost");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains("restored the previous root@127.0.0.1:"), r.err());
    assertEquals(before, Files.readString(server.config()));
  }

  @Test
  void nothingIsWrittenWhenTheResultWouldNotValidate() throws IOException {
    String before = Files.readString(server.config());
    Ejup.Result r = ejup("root", "config", "apply", server.config().toString(), "--access", "nosuchrule");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("[upload.access-undefined]"), r.err());
    assertEquals(before, Files.readString(server.config()));
    assertTrue(backups().isEmpty());
  }

  @Test
  void withoutSudoNothingChangesAndTheLineSaysWhy() throws IOException {
    String before = Files.readString(server.config());
    Ejup.Result r = ejup(sshd.get("NOSUDO_USER"), "config", "apply", server.config().toString(), "--max-size", "999");
    assertEquals(2, r.exitCode());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("refused `cat -- " + server.config() + "`"), r.err());
    assertEquals(before, Files.readString(server.config()));
  }

  @Test
  void aSymlinkedRemoteConfigIsWrittenThroughWithTheTargetsOwnerAndMode() throws IOException {
    Path top = Files.createTempDirectory("ejup-ssh-link");
    try {
      Files.setPosixFilePermissions(top, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path repo = Files.createDirectories(top.resolve("repo"));
      Path etc = Files.createDirectories(top.resolve("etc"));
      Path real = Files.copy(Path.of("src/test/resources/config/debian-stock-23.01.yml"), repo.resolve("ejabberd.yml"));
      Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
      Path link = Files.createSymbolicLink(etc.resolve("ejabberd.yml"), Path.of("../repo/ejabberd.yml"));
      byte[] before = Files.readAllBytes(real);
      Ejup.Result r = ejup(sshd.get("SUDO_USER"), "config", "apply", link.toString(), "--host", "localhost");
      assertEquals(0, r.exitCode(), r.out() + r.err());
      assertTrue(Files.isSymbolicLink(link), "the link stays a link");
      assertEquals(Path.of("../repo/ejabberd.yml"), Files.readSymbolicLink(link));
      assertTrue(Files.readString(real).contains("      /upload: mod_http_upload\n"), "the target got the change");
      assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
      assertEquals("root", Files.getOwner(real).getName());
      try (Stream<Path> files = Files.list(etc)) {
        List<Path> saved = files.filter(p -> p.getFileName().toString().startsWith("ejabberd.yml.ejup-")).toList();
        assertEquals(1, saved.size(), saved.toString());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(saved.get(0))));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(saved.get(0))));
      }
      try (Stream<Path> files = Files.walk(top)) {
        assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
      }
    } finally {
      new ProcessBuilder("rm", "-rf", top.toString()).start();
    }
  }

  /** The config includes a named pipe, so the run waits there while "an editor" changes the file. */
  @Test
  void aRemoteChangeBetweenReadAndRenameIsKeptAndTheApplyRefuses() throws Exception {
    Path top = Files.createTempDirectory("ejup-ssh-race");
    try {
      Path file = top.resolve("ejabberd.yml");
      Path pipe = top.resolve("extra.yml");
      new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor();
      Files.writeString(file, Files.readString(Path.of("src/test/resources/config/debian-stock-23.01.yml"))
          + "\ninclude_config_file:\n  - " + pipe + "\n");
      java.util.concurrent.CompletableFuture<Ejup.Result> apply = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> ejup("root", "config", "apply", file.toString(), "--host", "localhost", "--no-backup"));
      String editorLine = "# added by hand while ejup ran\n";
      try (java.io.OutputStream out = Files.newOutputStream(pipe)) {
        Files.writeString(file, editorLine, java.nio.file.StandardOpenOption.APPEND);
        Files.delete(pipe);
        Files.writeString(pipe, "loglevel: info\n");
        out.write("loglevel: info\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      Ejup.Result r = apply.get(120, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(2, r.exitCode(), r.out() + r.err());
      assertTrue(r.err().contains(file + " changed since ejup read it"), r.err());
      assertTrue(Files.readString(file).endsWith(editorLine), "the editor's line is kept");
      try (Stream<Path> files = Files.list(top)) {
        assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
      }
    } finally {
      new ProcessBuilder("rm", "-rf", top.toString()).start();
    }
  }

  /** SIGTERM as soon as the temp file appears on the server: it goes, and the config is whole. */
  @Test
  void sigtermDuringARemoteApplyLeavesNoTempFile() throws Exception {
    Path top = Files.createTempDirectory("ejup-ssh-term");
    try {
      Path file = top.resolve("ejabberd.yml");
      String big = Files.readString(Path.of("src/test/resources/config/debian-stock-23.01.yml"))
          + ("# " + "x".repeat(200) + "\n").repeat(20_000);
      byte[] original = big.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int hit = 0;
      for (int round = 0; round < 5; round++) {
        Files.write(file, original);
        List<String> args = new ArrayList<>(List.of("config", "apply"));
        args.addAll(sshd.args("root"));
        args.addAll(List.of(file.toString(), "--host", "localhost"));
        Process p = dev.ejup.testing.EjupProcess.startRaw(args.toArray(String[]::new));
        boolean seen = false;
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && !seen && System.nanoTime() < until) {
          try (Stream<Path> files = Files.list(top)) {
            seen = files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
          }
        }
        p.destroy();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        hit += seen ? 1 : 0;
        try (Stream<Path> files = Files.list(top)) {
          List<Path> left = files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
          assertEquals(List.of(), left, "round " + round + (seen ? " (killed while the temp file existed)" : ""));
        }
        byte[] now = Files.readAllBytes(file);
        assertTrue(java.util.Arrays.equals(now, original) || new String(now, java.nio.charset.StandardCharsets.UTF_8)
            .contains("      /upload: mod_http_upload\n"), "round " + round + ": the config is whole");
        try (Stream<Path> files = Files.list(top)) {
          for (Path backup : files.filter(f -> f.getFileName().toString().contains(".ejup-") && f.toString().endsWith(".bak")).toList()) {
            assertTrue(java.util.Arrays.equals(original, Files.readAllBytes(backup)), "round " + round + ": a backup is whole");
            Files.delete(backup);
          }
        }
      }
      assertTrue(hit >= 1, "the temp file was seen before the kill in " + hit + " rounds");
    } finally {
      new ProcessBuilder("rm", "-rf", top.toString()).start();
    }
  }
}
