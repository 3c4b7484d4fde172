package dev.ejup.upload.tuning;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.jivesoftware.smack.sasl.SASLMechanism;
import org.jivesoftware.smack.sasl.core.ScramHmac;
import org.jivesoftware.smack.sasl.core.ScramMechanism;

/**
 * SCRAM-SHA-1 as Smack does it, with a faster HMAC. Smack's goes through one static synchronized
 * Mac that it re-keys on every call, and SCRAM's PBKDF2 calls it 4,096 times per login with the
 * same key: parallel checks in a fleet queued on that lock (a quarter of a fleet run's CPU was
 * in it). Here each login has its own HMAC, keyed once per key ({@link KeyedOnceHmac}), on ints
 * where C1 compiles, on the JDK's SHA-1 where C2 does ({@link SmackSetup#compiledByC2}).
 */
final class ScramSha1 extends ScramMechanism {
  /** Smack's SCRAMSHA1Mechanism.PRIORITY, so the mechanism chosen does not change. */
  private static final int PRIORITY = 110;

  /** Set once by the exporter, whose JVM runs C2 (bin/ejup): the JDK's SHA-1 is the faster one there. */
  static volatile boolean jdkDigest;

  ScramSha1() {
    super(jdkDigest ? new JdkDigestHmac() : new KeyedOnceHmac());
  }

  @Override
  public int getPriority() {
    return PRIORITY;
  }

  @Override
  protected SASLMechanism newInstance() {
    return new ScramSha1();
  }

  /**
   * HMAC-SHA1 (RFC 2104) keyed once per key: the SHA-1 states after the key's inner and outer pad
   * blocks are kept, and each call goes on from them, two SHA-1 blocks per HMAC where
   * javax.crypto.Mac hashes four. PBKDF2 calls it 4,096 times with the same key at each login with
   * a salt Smack has not seen (it keeps the keys of 10 password-and-salt pairs; ejabberd's default
   * plain password storage sends a new salt at every login). Under C1, which the launcher uses for
   * checks and fleets, SHA-1 runs without its CPU instructions: its compression function (FIPS
   * 180-4 section 6.1.2) is done here on ints, without the JDK MessageDigest's clone, buffer and
   * byte-order calls per block. A login's Hi() in a fresh C1-only JVM: 16 against 62 ms the first
   * time, 5 against 10 ms later; a cold check's login step 43 against 54 ms. The answers are the JDK
   * Mac's (ScramSha1Test: key lengths around the block, every message length up to three blocks).
   */
  static final class KeyedOnceHmac implements ScramHmac {
    private static final int BLOCK = 64;
    private static final int[] INITIAL = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    private final int[] inner = new int[5];
    private final int[] outer = new int[5];
    private final int[] state = new int[5];
    private final int[] w = new int[80];
    private byte[] key;

    @Override
    public String getHmacName() {
      return "SHA-1";
    }

    @Override
    public synchronized byte[] hmac(byte[] key, byte[] str) throws InvalidKeyException {
      if (this.key == null || !Arrays.equals(this.key, key)) {
        byte[] k = key.length > BLOCK ? sha1().digest(key) : key;
        keyed(k, 0x36, inner);
        keyed(k, 0x5c, outer);
        this.key = key.clone();
      }
      // inner hash: the message after the ipad block, padded (FIPS 180-4 section 5.1.1) with the
      // length of both in bits
      int[] h = state;
      System.arraycopy(inner, 0, h, 0, 5);
      long bits = (BLOCK + (long) str.length) * 8;
      int blocks = (str.length + 8) / BLOCK + 1;
      int total = blocks * BLOCK;
      for (int b = 0; b < blocks; b++) {
        for (int i = 0; i < 16; i++) {
          int at = b * BLOCK + 4 * i;
          if (at + 4 <= str.length) {
            w[i] = (str[at] << 24) | ((str[at + 1] & 0xff) << 16) | ((str[at + 2] & 0xff) << 8) | (str[at + 3] & 0xff);
          } else if (at >= total - 8) {
            w[i] = (int) (at == total - 8 ? bits >>> 32 : bits);
          } else if (at > str.length) {
            w[i] = 0;
          } else {
            // the word where the message ends: its last bytes, 0x80, zeros
            int word = 0;
            for (int j = at; j < at + 4; j++) {
              word = (word << 8) | (j < str.length ? str[j] & 0xff : j == str.length ? 0x80 : 0);
            }
            w[i] = word;
          }
        }
        compress(h, w);
      }
      // outer hash: the inner digest after the opad block, one block
      System.arraycopy(h, 0, w, 0, 5);
      w[5] = 0x80000000;
      Arrays.fill(w, 6, 15, 0);
      w[15] = (BLOCK + 20) * 8;
      System.arraycopy(outer, 0, h, 0, 5);
      compress(h, w);
      byte[] mac = new byte[20];
      for (int i = 0; i < 5; i++) {
        mac[4 * i] = (byte) (h[i] >>> 24);
        mac[4 * i + 1] = (byte) (h[i] >>> 16);
        mac[4 * i + 2] = (byte) (h[i] >>> 8);
        mac[4 * i + 3] = (byte) h[i];
      }
      return mac;
    }

    /** The SHA-1 state after one block: the key, zero-filled to the block, XORed with the pad byte. */
    private void keyed(byte[] k, int pad, int[] into) {
      System.arraycopy(INITIAL, 0, into, 0, 5);
      for (int i = 0; i < 16; i++) {
        int word = 0;
        for (int j = 4 * i; j < 4 * i + 4; j++) {
          word = (word << 8) | (((j < k.length ? k[j] : 0) ^ pad) & 0xff);
        }
        w[i] = word;
      }
      compress(into, w);
    }

    /** SHA-1's compression function (FIPS 180-4 section 6.1.2) on {@code h}, with w[0..15] the block's words. */
    private static void compress(int[] h, int[] w) {
      for (int t = 16; t < 80; t++) {
        int x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
        w[t] = (x << 1) | (x >>> 31);
      }
      int a = h[0];
      int b = h[1];
      int c = h[2];
      int d = h[3];
      int e = h[4];
      // four loops, one per round function: C1 compiles no branch per round then
      for (int t = 0; t < 20; t++) {
        int next = ((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + w[t] + 0x5a827999;
        e = d;
        d = c;
        c = (b << 30) | (b >>> 2);
        b = a;
        a = next;
      }
      for (int t = 20; t < 40; t++) {
        int next = ((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[t] + 0x6ed9eba1;
        e = d;
        d = c;
        c = (b << 30) | (b >>> 2);
        b = a;
        a = next;
      }
      for (int t = 40; t < 60; t++) {
        int next = ((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + w[t] + 0x8f1bbcdc;
        e = d;
        d = c;
        c = (b << 30) | (b >>> 2);
        b = a;
        a = next;
      }
      for (int t = 60; t < 80; t++) {
        int next = ((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[t] + 0xca62c1d6;
        e = d;
        d = c;
        c = (b << 30) | (b >>> 2);
        b = a;
        a = next;
      }
      h[0] += a;
      h[1] += b;
      h[2] += c;
      h[3] += d;
      h[4] += e;
    }
  }

  /**
   * HMAC-SHA1 keyed once per key on the JDK's SHA-1, for the exporter, whose JVM runs C2 for days:
   * there the JDK's SHA-1 runs on the CPU's SHA instructions (an intrinsic). Two exporters side by
   * side after 1,000 probes each (plain-stored passwords, so PBKDF2 at every probe), twice with the
   * order swapped: about 1 ms of wall and CPU per probe less than {@link KeyedOnceHmac}. Its first
   * logins are slower (cold, 67-152 against 17-44 ms), which an exporter pays once per account
   * when passwords are stored as SCRAM (Smack's cache). The same two kept pad states, continued by
   * a clone.
   */
  static final class JdkDigestHmac implements ScramHmac {
    private static final int BLOCK = 64;
    private MessageDigest inner;
    private MessageDigest outer;
    private byte[] key;

    @Override
    public String getHmacName() {
      return "SHA-1";
    }

    @Override
    public synchronized byte[] hmac(byte[] key, byte[] str) throws InvalidKeyException {
      if (this.key == null || !Arrays.equals(this.key, key)) {
        byte[] k = key.length > BLOCK ? sha1().digest(key) : key;
        byte[] ipad = new byte[BLOCK];
        byte[] opad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
          byte b = i < k.length ? k[i] : 0;
          ipad[i] = (byte) (b ^ 0x36);
          opad[i] = (byte) (b ^ 0x5c);
        }
        inner = sha1();
        inner.update(ipad);
        outer = sha1();
        outer.update(opad);
        this.key = key.clone();
      }
      MessageDigest in = copy(inner);
      in.update(str);
      MessageDigest out = copy(outer);
      out.update(in.digest());
      return out.digest();
    }

    private static MessageDigest copy(MessageDigest digest) {
      try {
        return (MessageDigest) digest.clone();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("the JDK's SHA-1 can always be cloned", e);
      }
    }
  }

  static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-1", e);
    }
  }
}
