package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ejabberd's side of an external upload server: with external_secret ejabberd only signs slots
 * (mod_http_upload.erl keeps no slot of its own, so a PUT that reaches it gets 403), so generate
 * and apply write the module and no ejabberd_http listener for it, and the result validates.
 * Before, both added a listener on put_url's port, which validate itself refused
 * (upload.external-secret-self) and apply would not write.
 */
class ExternalSecretConfigTest {
  @TempDir
  Path dir;

  private static Ejup.Result ejup(String... args) {
    return Ejup.runCaptured(Map.of(), args);
  }

  @Test
  void generateWritesTheModuleAndNoUploadListener() throws IOException {
    Ejup.Result r = ejup("config", "generate", "--full", "--host", "example.org", "--external-secret", "s3cret",
        "--put-url", "https://files.example.org/upload", "--get-url", "https://files.example.org/upload");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("    external_secret: s3cret\n"), r.out());
    assertTrue(r.out().contains("    put_url: https://files.example.org/upload\n"), r.out());
    assertFalse(r.out().contains("ejabberd_http"), r.out());
    assertFalse(r.out().contains("/upload: mod_http_upload"), r.out());
    Path file = dir.resolve("ejabberd.yml");
    Files.writeString(file, r.out());
    Ejup.Result validate = ejup("config", "validate", file.toString());
    assertFalse(validate.out().contains("error:"), validate.out());
  }

  @Test
  void theFragmentHasNoEmptyListenKey() {
    Ejup.Result r = ejup("config", "generate", "--external-secret", "s3cret", "--put-url", "https://files.example.org/upload");
    assertEquals(0, r.exitCode(), r.err());
    assertFalse(r.out().contains("\nlisten:"), r.out());
    assertTrue(r.out().contains("modules:\n  mod_http_upload:\n"), r.out());
  }

  @Test
  void generateWithoutPutUrlSaysWhereTheFilesGo() {
    Ejup.Result r = ejup("config", "generate", "--external-secret", "s3cret");
    assertEquals(3, r.exitCode(), r.out());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("--external-secret needs --put-url"), r.err());
  }

  @Test
  void applyAddsNoListenerAndWrites() throws IOException {
    Path file = dir.resolve("ejabberd.yml");
    Files.copy(Path.of("src/test/resources/config/base.yml"), file);
    String before = Files.readString(file);
    Ejup.Result r = ejup("config", "apply", file.toString(), "--no-backup", "--external-secret", "s3cret",
        "--put-url", "https://files.example.org/upload");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    String after = Files.readString(file);
    assertTrue(after.contains("external_secret: s3cret"), after);
    assertEquals(before.split("ejabberd_http", -1).length, after.split("ejabberd_http", -1).length, "no listener added:\n" + after);
  }
}
