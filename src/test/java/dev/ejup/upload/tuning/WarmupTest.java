package dev.ejup.upload.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-up makes key pairs of the groups JSSE's ClientHello shares, and of no other. */
class WarmupTest {
  @Test
  void theJdksDefaultSharesX25519AndP256() {
    assertEquals(List.of("x25519", "secp256r1"), Warmup.shared(null));
    assertEquals(List.of("x25519", "secp256r1"), Warmup.shared(" "));
  }

  @Test
  void oneFamilyListedIsOneShareAndNoP256() {
    assertEquals(List.of("x25519"), Warmup.shared("x25519,x448"));
    assertEquals(List.of("x448"), Warmup.shared("\"x448, x25519\""));
  }

  @Test
  void theFirstGroupOfEachOfTheFirstTwoFamiliesInOrder() {
    assertEquals(List.of("secp384r1", "x25519"), Warmup.shared("secp384r1,secp256r1,x25519"));
    // JSSE's second family here is FFDHE: it sends no ECDHE share, and the warm-up makes none
    assertEquals(List.of("x25519"), Warmup.shared("x25519,ffdhe2048,secp256r1"));
    assertEquals(List.of(), Warmup.shared("ffdhe2048,ffdhe3072"));
    assertEquals(List.of("secp256r1"), Warmup.shared("nonsense,SECP256R1"));
  }
}
