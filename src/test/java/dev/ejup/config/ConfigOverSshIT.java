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

/** `ejup config validate|apply --ssh`: the file on the server, a real ejabberd reloading it. */
class ConfigOverSshIT {
  private static LocalSshd sshd;
  private static LocalEjabberd server;

  @BeforeAll
  static void start() {
    sshd = LocalSshd.up();
    server = LocalEjabberd.up("cfgssh", 20000);
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
  void theRemoteFileIsReadByteForByteSoBadBytesAreNamed() throws IOException {
    Path latin1 = Files.createTempFile("latin1", ".yml");
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
}
