package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TestFileTest {
  private static byte[] bytes(TestFile file) {
    byte[] all = new byte[(int) file.size];
    byte[] buffer = new byte[TestFile.CHUNK];
    TestFile.Stream stream = new TestFile.Stream(file);
    int at = 0;
    for (int n; (n = stream.next(buffer)) > 0; at += n) {
      System.arraycopy(buffer, 0, all, at, n);
    }
    assertEquals(file.size, at);
    return all;
  }

  @Test
  void theSameSeedGivesTheSameBytesAndNoTwoBlocksAreAlike() {
    TestFile a = new TestFile(3 * TestFile.CHUNK + 17, 1, 42, "application/octet-stream");
    byte[] first = bytes(a);
    assertArrayEquals(first, bytes(new TestFile(a.size, 2, 42, "application/octet-stream")));
    assertFalse(Arrays.equals(first, 0, TestFile.CHUNK, first, TestFile.CHUNK, 2 * TestFile.CHUNK));
    assertFalse(Arrays.equals(first, bytes(new TestFile(a.size, 1, 43, "application/octet-stream"))));
    assertEquals(a.sha256(), new TestFile(a.size, 9, 42, "x/y").sha256());
  }

  @Test
  void smallAndEmptyFilesAreExactlyTheirSize() {
    assertEquals(1024, bytes(new TestFile(1024, 1, 7, "application/octet-stream")).length);
    assertEquals(0, new TestFile.Stream(new TestFile(0, 1, 7, "application/octet-stream")).next(new byte[TestFile.CHUNK]));
  }

  @Test
  void namesAreFindableByPruneAndFollowTheType() {
    TestFile f = new TestFile(10, 1795580635L, 0x897c3894L, "image/png");
    assertEquals("ejup-check-1795580635-897c3894.png", f.name);
    assertTrue(new TestFile(1, 1, 1, "application/octet-stream").name.endsWith(".bin"));
  }
}
