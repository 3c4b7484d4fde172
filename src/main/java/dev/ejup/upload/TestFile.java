package dev.ejup.upload;

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

  TestFile(long size, long epochSeconds, long seed, String contentType) {
    this.size = size;
    this.seed = seed;
    this.name = PREFIX + epochSeconds + "-" + String.format("%08x", (int) seed) + extension(contentType);
  }

  /** ejabberd serves a file with the type its name suggests, so the name follows the type. */
  static String extension(String contentType) {
    return switch (contentType.toLowerCase(java.util.Locale.ROOT).replaceAll(";.*", "").trim()) {
      case "image/png" -> ".png";
      case "image/jpeg" -> ".jpg";
      case "image/gif" -> ".gif";
      case "text/plain" -> ".txt";
      case "application/pdf" -> ".pdf";
      default -> ".bin";
    };
  }

  /**
   * Fills buffers with the file's bytes: one random block from the seed, repeated with each
   * block's number written into its first bytes, so no two blocks are alike and producing a
   * 100 MB file costs next to nothing (the PUT must measure the network, not a random generator).
   */
  static final class Stream {
    private final byte[] block;
    private long left;
    private long index;

    Stream(TestFile file) {
      // no bigger than the file: a 1 KiB check makes this several times per run
      this.block = new byte[(int) Math.min(CHUNK, file.size)];
      new SplittableRandom(file.seed).nextBytes(block);
      this.left = file.size;
    }

    int next(byte[] buffer) {
      int n = (int) Math.min(Math.min(buffer.length, block.length), left);
      if (n <= 0) {
        return 0;
      }
      System.arraycopy(block, 0, buffer, 0, n);
      long mark = index++ ^ block[0];
      for (int b = 0; b < 8 && b < n; b++) {
        buffer[b] = (byte) (mark >>> (8 * b));
      }
      left -= n;
      return n;
    }
  }

  /** The file's SHA-256, computed from its seed. */
  String sha256() {
    MessageDigest digest = sha256Digest();
    Stream stream = new Stream(this);
    byte[] buffer = new byte[CHUNK];
    for (int n; (n = stream.next(buffer)) > 0; ) {
      digest.update(buffer, 0, n);
    }
    return hex(digest.digest());
  }

  static MessageDigest sha256Digest() {
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
