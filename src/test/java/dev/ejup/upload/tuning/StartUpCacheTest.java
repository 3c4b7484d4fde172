package dev.ejup.upload.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mark bin/ejup keeps a learned cache by: only for a run that got through (exit 0 or 1). */
class StartUpCacheTest {
  @TempDir
  Path dir;

  @AfterEach
  void clear() {
    System.clearProperty(StartUpCache.PROPERTY);
  }

  private boolean marked(int exitCode) throws Exception {
    Path mark = dir.resolve("learn." + exitCode + ".ok");
    System.setProperty(StartUpCache.PROPERTY, mark.toString());
    StartUpCache.ranThrough(exitCode);
    return Files.exists(mark);
  }

  @Test
  void okAndWarningKeepTheCacheCriticalAndUnknownDoNot() throws Exception {
    assertEquals(true, marked(0));
    assertEquals(true, marked(1));
    assertEquals(false, marked(2));
    assertEquals(false, marked(3));
  }

  @Test
  void aRunThatIsNotLearningLeavesNoMarkAndAnUnwritableMarkIsNoError() throws Exception {
    StartUpCache.ranThrough(0);
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
    System.setProperty(StartUpCache.PROPERTY, dir.resolve("no/such/dir/learn.ok").toString());
    StartUpCache.ranThrough(0); // the launcher then throws the cache away; the check's exit code stands
  }
}
