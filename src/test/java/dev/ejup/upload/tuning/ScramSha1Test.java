package dev.ejup.upload.tuning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The login's HMAC keeps its keyed pad states between calls; it must still answer as a freshly keyed HMAC-SHA1 does. */
class ScramSha1Test {
  private static byte[] reference(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(key, "HmacSHA1"));
    return mac.doFinal(data);
  }

  @Test
  void smackLogsInWithThisMechanismInsteadOfItsOwn() {
    SmackSetup.ensure();
    var registered = org.jivesoftware.smack.SASLAuthentication.getRegisterdSASLMechanisms();
    assertEquals("SASL Mech: SCRAM-SHA-1, Prio: 110", registered.get(ScramSha1.class.getName()), "Smack's name and priority, so the choice does not change");
    assertFalse(registered.containsKey("org.jivesoftware.smack.sasl.core.SCRAMSHA1Mechanism"), registered.toString());
  }

  /** Both of the login's HMACs: on ints (C1) and on the JDK's SHA-1 (C2). */
  private static java.util.List<org.jivesoftware.smack.sasl.core.ScramHmac> hmacs() {
    return java.util.List.of(new ScramSha1.KeyedOnceHmac(), new ScramSha1.JdkDigestHmac());
  }

  @Test
  void sameAnswersAsAFreshHmacWhateverTheOrderOfKeys() throws Exception {
    for (var hmac : hmacs()) {
      sameAnswersWhateverTheOrderOfKeys(hmac);
    }
  }

  private static void sameAnswersWhateverTheOrderOfKeys(org.jivesoftware.smack.sasl.core.ScramHmac hmac) throws Exception {
    byte[] password = "pencil".getBytes(StandardCharsets.UTF_8);
    byte[] other = "clientKey".getBytes(StandardCharsets.UTF_8);
    byte[] u = "salt\u0000\u0000\u0000\u0001".getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < 5; i++) {
      byte[] next = hmac.hmac(password, u);
      assertArrayEquals(reference(password, u), next);
      u = next;
    }
    assertArrayEquals(reference(other, u), hmac.hmac(other, u), "a new key re-keys");
    byte[] mutable = password.clone();
    hmac.hmac(mutable, u);
    mutable[0] ^= 1;
    assertArrayEquals(reference(mutable, u), hmac.hmac(mutable, u), "a key changed in place is a new key");
  }

  @Test
  void everyKeyLengthAndMessageLengthAsTheJdksHmac() throws Exception {
    for (var hmac : hmacs()) {
      everyLengthAsTheJdksHmac(hmac);
    }
  }

  private static void everyLengthAsTheJdksHmac(org.jivesoftware.smack.sasl.core.ScramHmac hmac) throws Exception {
    java.util.Random random = new java.util.Random(42);
    // around the 64-byte block: a longer key is hashed first (RFC 2104 section 2), a shorter one padded;
    // every message length over three blocks: the padding's 0x80 and bit length land in every word
    // of a block, or spill into a block of their own (55 and 56 bytes)
    for (int keyLength : new int[] {1, 19, 20, 63, 64, 65, 100, 130}) {
      byte[] key = new byte[keyLength];
      random.nextBytes(key);
      for (int length = 0; length <= 200; length++) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        assertArrayEquals(reference(key, data), hmac.hmac(key, data), "key " + keyLength + " bytes, data " + length + " bytes");
        assertArrayEquals(reference(key, data), hmac.hmac(key, data), "the same again from the kept state");
      }
    }
  }

  @Test
  void scramsHiIsPbkdf2WithHmacSha1() throws Exception {
    for (var hmac : hmacs()) {
      hiIsPbkdf2(hmac);
    }
  }

  private static void hiIsPbkdf2(org.jivesoftware.smack.sasl.core.ScramHmac hmac) throws Exception {
    // RFC 5802 section 2.2: Hi(str, salt, i) is PBKDF2 with HMAC-SHA1, dkLen 20: what the login computes with this HMAC
    byte[] password = "pencil".getBytes(StandardCharsets.UTF_8);
    byte[] salt = java.util.Base64.getDecoder().decode("QSXCR+Q6sek8bf92");
    byte[] u = hmac.hmac(password, java.nio.ByteBuffer.allocate(salt.length + 4).put(salt).putInt(1).array());
    byte[] hi = u.clone();
    for (int i = 1; i < 4096; i++) {
      u = hmac.hmac(password, u);
      for (int j = 0; j < u.length; j++) {
        hi[j] ^= u[j];
      }
    }
    var spec = new javax.crypto.spec.PBEKeySpec("pencil".toCharArray(), salt, 4096, 160);
    byte[] expected = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(spec).getEncoded();
    assertArrayEquals(expected, hi);
    // RFC 5802 section 5's example: ClientKey = HMAC(SaltedPassword, "Client Key"), and the proof it gives
    byte[] clientKey = hmac.hmac(hi, "Client Key".getBytes(StandardCharsets.US_ASCII));
    byte[] storedKey = java.security.MessageDigest.getInstance("SHA-1").digest(clientKey);
    byte[] authMessage = ("n=user,r=fyko+d2lbbFgONRv9qkxdawL,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,"
        + "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j").getBytes(StandardCharsets.US_ASCII);
    byte[] signature = hmac.hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    assertEquals("v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", java.util.Base64.getEncoder().encodeToString(proof));
  }
}
