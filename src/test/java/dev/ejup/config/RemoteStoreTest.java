package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.UserError;
import dev.ejup.ssh.LocalShell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands `config apply --ssh` runs (readlink, cp, dd, chown, chmod, the second read, mv),
 * here through a local shell: the same argv the server gets, without a server.
 */
class RemoteStoreTest {
  @TempDir
  Path dir;

  private final RemoteStore store = new RemoteStore(new LocalShell());

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void aSymlinkIsWrittenThroughAndTheBomAndCrlfStay() throws IOException {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Path real = Files.write(repo.resolve("ejabberd.yml"), "\uFEFFhosts:\r\n  - localhost\r\n".getBytes(StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
    Path link = Files.createSymbolicLink(dir.resolve("ejabberd.yml"), Path.of("repo/ejabberd.yml"));
    ConfigFile.Contents read = store.readForEdit(link);
    assertTrue(read.bom());
    assertEquals("hosts:\r\n  - localhost\r\n", read.text());
    AtomicFile.Written w = store.replace(link, read, read.text() + "loglevel: info\r\n", true);
    assertTrue(Files.isSymbolicLink(link));
    assertArrayEquals("\uFEFFhosts:\r\n  - localhost\r\nloglevel: info\r\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(real));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
    assertEquals(dir, w.backup().getParent(), "the backup is beside the path given");
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(w.backup())));
    assertTrue(w.now().sameAs(Files.readAllBytes(real)));
  }

  @Test
  void aFileChangedSinceItWasReadIsNotReplacedAndNothingIsLeft() throws IOException {
    Path file = Files.writeString(dir.resolve("ejabberd.yml"), "hosts:\n  - localhost\n");
    ConfigFile.Contents read = store.readForEdit(file);
    Files.writeString(file, "# puppet was here\n", java.nio.file.StandardOpenOption.APPEND);
    UserError e = assertThrows(UserError.class, () -> store.replace(file, read, "hosts:\n  - example.org\n", true));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().startsWith("localhost:" + file + " changed since ejup read it"), e.getMessage());
    assertEquals("hosts:\n  - localhost\n# puppet was here\n", Files.readString(file));
    assertEquals(List.of("", "ejabberd.yml"), names(), "no temp file, no backup");
  }
}
