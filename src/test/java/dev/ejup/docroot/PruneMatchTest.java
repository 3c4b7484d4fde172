package dev.ejup.docroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docroot prune removes what ejup check uploaded; a --match that can name users' uploads deletes
 * them for good, so it needs --force (a dry run only counts and needs none). Real files in a real
 * docroot on this machine, pruned by the real find.
 */
class PruneMatchTest {
  // not under /tmp: Debian's ejabberd.service gives ejabberd a private /tmp, which docroot commands report
  Path dir;
  Path config;
  Path check;
  Path photo;

  @BeforeEach
  void docroot() throws IOException {
    dir = Files.createTempDirectory(Files.createDirectories(Path.of("/var/lib/ejup-test")), "prune-match-");
    Path docroot = Files.createDirectories(dir.resolve("upload"));
    check = Files.writeString(Files.createDirectories(docroot.resolve("h1/r1")).resolve(Docroot.CHECK_FILE_PREFIX + "1-abcdef01.bin"), "x");
    photo = Files.writeString(Files.createDirectories(docroot.resolve("h2/r2")).resolve("holiday.jpg"), "a user's photo");
    FileTime old = FileTime.from(Instant.now().minusSeconds(3 * 3600));
    Files.setLastModifiedTime(check, old);
    Files.setLastModifiedTime(photo, old);
    String base = Files.readString(Path.of("src/test/resources/config/base.yml"));
    config = dir.resolve("ejabberd.yml");
    Files.writeString(config, base.replace("    put_url: https://@HOST@:5443/upload\n",
        "    put_url: https://@HOST@:5443/upload\n    docroot: \"" + docroot + "\"\n"));
  }

  @AfterEach
  void clean() throws IOException, InterruptedException {
    new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
  }

  private Ejup.Result prune(String... more) {
    List<String> args = new ArrayList<>(List.of("docroot", "prune", "--config", config.toString(), "--owner", "root", "--older-than", "1h"));
    args.addAll(List.of(more));
    return Ejup.runCaptured(Map.of(), args.toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "?*", "*.*", "*.jpg", "e*", "ejup-*", "[a-z]*", "*ejup-check-*"})
  void aPatternThatCanNameUsersUploadsIsRefusedWithoutForce(String match) {
    Ejup.Result r = prune("--match", match);
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("--match '" + match + "' can match files users uploaded") && r.err().contains("--force"), r.err());
    assertTrue(Files.exists(photo) && Files.exists(check), "nothing removed");
  }

  @Test
  void aDryRunCountsWithoutForceAndRemovesNothing() {
    Ejup.Result r = prune("--match", "*", "--dry-run");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("would remove 2 file(s) matching *"), r.out());
    assertTrue(Files.exists(photo) && Files.exists(check));
  }

  @Test
  void theDefaultRemovesTheCheckFilesOnlyAndForceRemovesWhatItMatches() {
    Ejup.Result r = prune();
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertFalse(Files.exists(check), r.out());
    assertTrue(Files.exists(photo), r.out());
    Ejup.Result forced = prune("--match", "*", "--force");
    assertEquals(0, forced.exitCode(), forced.out() + forced.err());
    assertFalse(Files.exists(photo), forced.out());
  }

  @Test
  void theHelpSaysSo() {
    Ejup.Result help = Ejup.runCaptured(Map.of(), "docroot", "prune", "--help");
    assertTrue(help.out().contains("--force") && help.out().contains("users' uploads"), help.out());
  }
}
