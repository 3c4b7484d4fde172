package dev.ejup.check;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The file a check uploads: random bytes from a seed, produced chunk by chunk so memory never
 * grows with the size, and named so `ejup docroot prune --match 'ejup-check-*'` finds it.
 */
final class TestFile {
  static final String PREFIX = "ejup-check-";
  static final int CHUNK = 64 * 1024;

  final String name;
  final long size;
  final long seed;

  TestFile(long size, long epochSeconds, long seed) {
    this.size = size;
    this.seed = seed;
    this.name = PREFIX + epochSeconds + "-" + String.format("%08x", (int) seed) + ".bin";
  }

  /** Fills the buffer with the next bytes; the same seed always gives the same file. */
  static final class Stream {
    private final SplittableRandom random;
    private long left;

    Stream(TestFile file) {
      this.random = new SplittableRandom(file.seed);
      this.left = file.size;
    }

    int next(byte[] buffer) {
      int n = (int) Math.min(buffer.length, left);
      for (int i = 0; i < n; i += 8) {
        long r = random.nextLong();
        for (int b = 0; b < 8 && i + b < n; b++) {
          buffer[i + b] = (byte) (r >>> (8 * b));
        }
      }
      left -= n;
      return n;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }
}
