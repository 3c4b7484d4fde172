package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** config generate prints only what the release it is for would load; before, each of these printed a file ejabberd refuses, exit 0. */
class GenerateLoadsTest {
  private static Ejup.Result generate(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "config";
    all[1] = "generate";
    System.arraycopy(args, 0, all, 2, args.length);
    return Ejup.runCaptured(Map.of(), all);
  }

  @Test
  void aPutUrlThatIsNoUrlIsRefusedNotPrinted() {
    for (String[] args : new String[][] {{"--put-url", "notaurl"}, {"--full", "--host", "example.org", "--put-url", "https://x/ up"}}) {
      Ejup.Result r = generate(args);
      assertEquals(3, r.exitCode(), r.toString());
      assertTrue(r.out().isEmpty(), "nothing printed: " + r.out());
      assertTrue(r.err().contains("upload.url") && r.err().lines().count() == 1, r.err());
    }
  }

  @Test
  void aPlaceholderTheReleaseDoesNotHaveIsRefusedForThatRelease() {
    String url = "https://@HOST_URL_ENCODE@:5443/upload";
    Ejup.Result old = generate("--host", "example.org", "--ejabberd-version", "23.01", "--put-url", url);
    assertEquals(3, old.exitCode(), old.toString());
    assertTrue(old.err().contains("config.needs-newer-ejabberd"), old.err());
    Ejup.Result newer = generate("--host", "example.org", "--ejabberd-version", "26.07", "--put-url", url);
    assertEquals(0, newer.exitCode(), newer.toString());
    assertTrue(newer.out().contains("@HOST_URL_ENCODE@"), newer.out());
  }

  @Test
  void theDefaultsStillPrint() {
    Ejup.Result r = generate("--full", "--host", "example.org");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("mod_http_upload"), r.out());
  }
}
