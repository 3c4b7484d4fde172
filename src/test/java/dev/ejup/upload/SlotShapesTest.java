package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * The parts of slot handling that are arithmetic on what a server sent: the never-issued URL of
 * the missing-file probe, and max-file-size as servers write it. Against real servers: ProsodyIT.
 */
class SlotShapesTest {
  private static URL url(String s) throws Exception {
    return URI.create(s).toURL();
  }

  @Test
  void theMissingUrlKeepsSchemeHostPortAndServicePathOnEveryLayout() throws Exception {
    String[][] layouts = {
        // ejabberd: /upload/HASH/RANDOM/file; the random part changes
        {"https://localhost:5443/upload/0d2b3c/Xy7aQ9/ejup-check-1.bin", "/upload/0d2b3c/"},
        // prosody mod_http_file_share, default path: /file_share/UUID/file
        {"https://localhost:5281/file_share/8f6e0f8e-1b1e-4c55-9a3f-0b1e2c3d4e5f/f.bin", "/file_share/"},
        // prosody with http_paths = { file_share = "/" }: two segments, the old cut took the host
        {"http://127.0.0.1:32080/8f6e0f8e-1b1e/f.bin", "/"},
        // a single segment, a trailing slash, a query, an IPv6 literal
        {"https://[::1]:8443/f.bin", "/"},
        {"https://up.localhost/a/b/dir/", "/a/"},
        {"https://up.localhost/s/abc/f.bin?token=x%2Fy", "/s/"},
    };
    for (String[] layout : layouts) {
      URL get = url(layout[0]);
      String missing = UploadFlow.neverIssued(get, 42);
      URI m = URI.create(missing);
      assertEquals(get.getProtocol(), m.getScheme(), missing);
      assertEquals(URI.create(layout[0]).getHost(), m.getHost(), missing);
      assertEquals(get.getPort(), m.getPort(), missing);
      assertTrue(m.getRawPath().startsWith(layout[1]), missing);
      assertNotEquals(get.getPath(), m.getRawPath(), missing);
      assertEquals(URI.create(layout[0]).getRawQuery(), m.getRawQuery(), missing);
      assertEquals(get.getPath().length(), m.getRawPath().length(), "same shape: " + missing);
    }
    // the file name stays, the slot's directory changes (prosody ignores the name and looks up the slot id)
    String prosody = UploadFlow.neverIssued(url("https://localhost:5281/file_share/8f6e0f8e-1b1e/f.bin"), 7);
    assertTrue(prosody.endsWith("/f.bin") && !prosody.contains("8f6e0f8e-1b1e"), prosody);
    assertTrue(prosody.matches("https://localhost:5281/file_share/[0-9a-f]{8}-[0-9a-f]{4}/f\\.bin"), prosody);
  }

  @Test
  void maxFileSizeAsServersWriteIt() {
    assertEquals(10485760L, MaxFileSize.parse(" 10485760 ").bytes());
    assertNull(MaxFileSize.parse("10485760").problem());
    MaxFileSize decimal = MaxFileSize.parse("1572864.0");
    assertEquals(1572864L, decimal.bytes());
    assertTrue(decimal.problem().contains("read as 1572864"), decimal.problem());
    MaxFileSize huge = MaxFileSize.parse("99999999999999999999999");
    assertNull(huge.bytes());
    assertTrue(huge.problem().contains("larger than"), huge.problem());
    assertNull(MaxFileSize.parse("ten MB").bytes());
    assertNull(MaxFileSize.parse("-1").bytes());
    assertNull(MaxFileSize.parse(null).text());
  }

  /** Plain digits take a path of their own (no BigDecimal): the same values and words on both sides of its bound. */
  @Test
  void maxFileSizeDigitsReadAsDecimalsAre() {
    for (String text : new String[] {"0", "007", "0010485760", "999999999999999999", "9223372036854775807",
        "09223372036854775807", "9223372036854775808", "10485760.0", "+10485760", "1e6"}) {
      java.math.BigDecimal value = new java.math.BigDecimal(text);
      Long expected = value.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? null : value.longValue();
      MaxFileSize read = MaxFileSize.parse(text);
      assertEquals(expected, read.bytes(), text);
      assertEquals(expected == null || expected.toString().equals(text) ? null : "written as '" + text + "', read as " + expected,
          expected == null ? null : read.problem(), text);
    }
  }
}
