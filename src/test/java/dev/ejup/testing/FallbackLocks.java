package dev.ejup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * ejup's lock directories for runs without XDG_RUNTIME_DIR (cron, {@code env -i}, setpriv):
 * /tmp/ejup-UID. They are meant to stay on a real host; a test whose runs make one removes it
 * again, unless it was there before (then it may be another run's, in use).
 */
public final class FallbackLocks {
  private final List<Path> absent = new ArrayList<>();

  private FallbackLocks() {}

  /** Notes which of these users' fallback directories do not exist yet. */
  public static FallbackLocks before(int... uids) {
    FallbackLocks locks = new FallbackLocks();
    for (int uid : uids) {
      Path dir = Path.of("/tmp", "ejup-" + uid);
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        locks.absent.add(dir);
      }
    }
    return locks;
  }

  /** Removes those of them the test's runs made, with their lock files. */
  public void removeMade() throws IOException {
    for (Path dir : absent) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path lock : files.toList()) {
          Files.delete(lock);
        }
        Files.delete(dir);
      } catch (NoSuchFileException e) {
        // the runs made none there (a /run/user/UID of their own)
      }
    }
  }
}
