package dev.ejup.upload.tuning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The login's HMAC keeps its key between calls; it must still answer as a freshly keyed HMAC-SHA1 does. */
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

  @Test
  void sameAnswersAsAFreshHmacWhateverTheOrderOfKeys() throws Exception {
    ScramSha1.KeyedOnceHmac hmac = new ScramSha1.KeyedOnceHmac();
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
}
