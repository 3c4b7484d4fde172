package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** docroot prune tells check files from users' uploads by the name check gives them: the two must not drift apart. */
class CheckFileNameTest {
  @Test
  void pruneKnowsTheNameCheckGivesItsFiles() {
    assertEquals(TestFile.PREFIX, dev.ejup.docroot.Docroot.CHECK_FILE_PREFIX);
  }
}
