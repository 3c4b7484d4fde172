package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import org.junit.jupiter.api.Test;

/** Which PUT URLs carry an external server's token, and what a forged one looks like. */
class TokenProbesTest {
  @Test
  void ejabberdsExternalSecretUrlCarriesTheVToken() throws Exception {
    assertEquals("v", TokenProbes.tokenParameter(new URL("https://files.example.org/upload/ab/cd/f.bin?v=" + "a1".repeat(32))));
    assertEquals("v2", TokenProbes.tokenParameter(new URL("https://files.example.org/upload/ab/cd/f.bin?v2=ff")));
    assertEquals("token", TokenProbes.tokenParameter(new URL("https://files.example.org/upload/ab/cd/f.bin?x=1&token=ff")));
  }

  @Test
  void ejabberdsOwnUploadUrlHasNone() throws Exception {
    assertNull(TokenProbes.tokenParameter(new URL("https://example.org:5443/upload/ab/cd/f.bin")));
    assertNull(TokenProbes.tokenParameter(new URL("https://example.org:5443/upload/ab/cd/f.bin?v=")));
    assertNull(TokenProbes.tokenParameter(new URL("https://example.org:5443/upload/ab/cd/f.bin?version=3")));
  }

  @Test
  void aForgedTokenHasTheShapeOfTheRealOneButDiffersEverywhere() {
    String real = "0123456789abcdef".repeat(4);
    String forged = TokenProbes.forge(real);
    assertEquals(real.length(), forged.length());
    for (int i = 0; i < real.length(); i++) {
      assertNotEquals(real.charAt(i), forged.charAt(i), "at " + i);
    }
    assertTrue(forged.matches("[01]+"));
  }

  @Test
  void a403ForTheSignedPutBlamesTheSecretOnlyForAnExternalServer() throws Exception {
    HttpTransfer.Outcome forbidden = new HttpTransfer.Outcome(403, "Forbidden", 10, -1, "", -1, okhttp3.Headers.of(), "");
    StepFailure f = assertThrows(StepFailure.class, () -> TokenProbes.requireSigned(true, forbidden));
    assertTrue(f.hint.contains("external_secret"), f.hint);
    assertSame(forbidden, TokenProbes.requireSigned(false, forbidden), "ejabberd's own 403 keeps its docroot hint");
    HttpTransfer.Outcome created = new HttpTransfer.Outcome(201, "Created", 10, -1, "", -1, okhttp3.Headers.of(), "");
    assertSame(created, TokenProbes.requireSigned(true, created));
  }
}
