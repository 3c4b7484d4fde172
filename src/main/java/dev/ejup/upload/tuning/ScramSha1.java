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
 * in it). Here each login has its own HMAC, keyed once per key ({@link KeyedOnceHmac}).
 */
final class ScramSha1 extends ScramMechanism {
  /** Smack's SCRAMSHA1Mechanism.PRIORITY, so the mechanism chosen does not change. */
  private static final int PRIORITY = 110;

  ScramSha1() {
    super(new KeyedOnceHmac());
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
   * HMAC-SHA1 (RFC 2104) keyed once per key: the digest states after the key's inner and outer
   * pad blocks are kept, and each call continues a copy of them. javax.crypto.Mac hashes both pad
   * blocks again on every call, four SHA-1 blocks per HMAC where two do; PBKDF2's 4,096 calls
   * are most of a login's CPU (SHA-1 runs without its CPU instructions under C1, which the
   * launcher uses for checks), so this halves them.
   */
  static final class KeyedOnceHmac implements ScramHmac {
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

    private static MessageDigest sha1() {
      try {
        return MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK always has SHA-1", e);
      }
    }

    private static MessageDigest copy(MessageDigest digest) {
      try {
        return (MessageDigest) digest.clone();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("the JDK's SHA-1 can always be cloned", e);
      }
    }
  }
}
