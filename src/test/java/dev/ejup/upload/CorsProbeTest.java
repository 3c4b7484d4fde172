package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/** The browser's rules on answers as values: the cases a real ejabberd cannot be made to send. CorsIT holds them against Chromium. */
class CorsProbeTest {
  private static final String ORIGIN = "https://chat.example.org";

  private static HttpTransfer.Outcome answer(int status, String... headers) {
    return new HttpTransfer.Outcome(status, "", 0, -1, "", -1, Headers.of(headers), "");
  }

  private static HttpTransfer.Outcome allowing(String origin) {
    return answer(200, "Access-Control-Allow-Origin", origin, "Access-Control-Allow-Methods", "GET, PUT",
        "Access-Control-Allow-Headers", "Content-Type");
  }

  @Test
  void aWildcardOrTheOriginItselfIsAllowed() throws StepFailure {
    assertTrue(CorsProbe.verdict(ORIGIN, allowing("*"), allowing("*"), allowing("*")).contains("may PUT and GET"));
    assertTrue(CorsProbe.verdict(ORIGIN, allowing(ORIGIN), allowing(ORIGIN), allowing(ORIGIN)).contains("may PUT and GET"));
  }

  @Test
  void twoAllowOriginHeadersAreRefusedAsABrowserDoes() {
    HttpTransfer.Outcome two = answer(200, "Access-Control-Allow-Origin", ORIGIN, "Access-Control-Allow-Origin", ORIGIN,
        "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "content-type");
    StepFailure f = assertThrows(StepFailure.class, () -> CorsProbe.verdict(ORIGIN, two, allowing(ORIGIN), allowing(ORIGIN)));
    assertTrue(f.getMessage().contains("2 Access-Control-Allow-Origin headers"), f.getMessage());
  }

  @Test
  void aPreflightWithoutPutOrContentTypeOrA2xxIsRefused() {
    HttpTransfer.Outcome narrow = answer(405, "Access-Control-Allow-Origin", ORIGIN, "Access-Control-Allow-Methods", "GET,HEAD",
        "Access-Control-Allow-Headers", "Authorization");
    StepFailure f = assertThrows(StepFailure.class, () -> CorsProbe.verdict(ORIGIN, narrow, allowing(ORIGIN), allowing(ORIGIN)));
    assertTrue(f.getMessage().contains("HTTP 405, not 2xx") && f.getMessage().contains("does not name PUT")
        && f.getMessage().contains("does not name Content-Type"), f.getMessage());
    assertTrue(f.hint.contains("\"Access-Control-Allow-Origin\": \"" + ORIGIN + "\""), f.hint);
  }

  @Test
  void onlyTheGetMissingItsHeaderIsNamedAlone() {
    StepFailure f = assertThrows(StepFailure.class, () -> CorsProbe.verdict(ORIGIN, allowing(ORIGIN), allowing(ORIGIN), answer(200)));
    assertTrue(f.getMessage().endsWith("cannot upload: the GET: no Access-Control-Allow-Origin"), f.getMessage());
  }

  @Test
  void anOriginIsSchemeHostAndPortOnly() {
    assertNull(CorsProbe.unusable("http://127.0.0.1:6530"));
    assertNotNull(CorsProbe.unusable("https://chat.example.org/"));
    assertNotNull(CorsProbe.unusable("chat.example.org"));
  }

  /** Mixed case as typed, or from a target filled into serve's origin, is what a browser lower-cases. */
  @Test
  void anOriginIsJudgedAsTheBrowserSendsItInLowerCase() throws StepFailure {
    CheckOptions options = new CheckOptions("hc@Example.org", "pw", null, null, 100, "text/plain", false, false, false, false,
        java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(10), null, "https://Chat.Example.org:5443");
    assertEquals("https://chat.example.org:5443", options.origin());
    String lower = "https://chat.example.org:5443";
    assertTrue(CorsProbe.verdict(options.origin(), allowing(lower), allowing(lower), allowing(lower)).contains("may PUT and GET"));
  }
}
