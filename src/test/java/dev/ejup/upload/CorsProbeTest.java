package dev.ejup.upload;

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
}
