package dev.ejup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejup.testing.EjupProcess;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A big upload (from 8 MiB on) through bin/ejup, on every JDK the machine has: C2 compiles only
 * the methods that call the bytes' intrinsics (AES-GCM, AES-CTR and GHASH, SHA-1/SHA-256), the
 * intrinsics do run in that code, everything else stays in C1 as on an ordinary check, and stdout
 * carries the report alone (no JVM echo of its options). Before: C2 compiled whatever got hot (XML,
 * the handshakes' EC arithmetic, String and HashMap code, JSSE's record writer in one piece), then
 * every hot method of the crypto packages (a cipher's init and doFinal per TLS record): about a
 * third of a 100 MiB check's CPU for code the transfer runs a few thousand times (bench/put.sh).
 */
class BigUploadJitIT {
  /** The methods bin/ejup lets C2 compile, as the JIT's log names them ("class method"): the intrinsics' callers. */
  private static final Pattern C2_ALLOWED = Pattern.compile("com\\.sun\\.crypto\\.provider\\.GaloisCounterMode implGCMCrypt"
      + "|com\\.sun\\.crypto\\.provider\\.(CounterMode|GHASH|ChaCha20Cipher|Poly1305|CipherBlockChaining) .*|sun\\.security\\.provider\\.DigestBase implCompressMultiBlock"
      + "|sun\\.security\\.provider\\.SHA\\w* implCompress");
  /** The bulk cipher's intrinsics, of which C2 code must call one: whole AES-GCM (JDK 21+ on AVX2), else AES-CTR. */
  private static final Pattern BULK_INTRINSIC = Pattern.compile("<intrinsic id='_(galoisCounterMode|counterMode)_AESCrypt'");
  /**
   * One compile in the JIT's own log (-XX:+LogCompilation: one XML element per task, written whole;
   * PrintCompilation's lines interleave between compiler threads): its attributes (a C2 task has no
   * level) and whether it produced code.
   */
  private static final Pattern TASK = Pattern.compile("<task ([^>]*)>.*?<task_done success='(\\d)'", Pattern.DOTALL);
  private static final Pattern METHOD = Pattern.compile("method='([^' ]+ [^' ]+)");

  @Test
  void aBigCheckCompilesOnlyCryptoWithC2OnEveryJdk() throws Exception {
    List<Path> jdks = List.copyOf(dev.ejup.testing.Jdks.all().keySet());
    assertFalse(jdks.isEmpty(), "no JDK under /usr/lib/jvm");
    LocalEjabberd server = LocalEjabberd.up("i14bigjit");
    try {
      for (Path jdk : jdks) {
        String jit = bigCheck(server, jdk, "");
        assertTrue(BULK_INTRINSIC.matcher(jit).find(), jdk + ": no C2 code calls the AES intrinsics; C2 compiled " + c2(jit));
        // a server or proxy that prefers ChaCha20-Poly1305: its intrinsic's callers are on the list too (JDK 21+)
        if (flag(jdk, "UseChaCha20Intrinsics")) {
          String chacha = bigCheck(server, jdk, "-Djdk.tls.client.cipherSuites=TLS_CHACHA20_POLY1305_SHA256");
          assertTrue(chacha.contains("<intrinsic id='_chacha20Block'"), jdk + ": no C2 code calls ChaCha20's intrinsic; C2 compiled " + c2(chacha));
        }
      }
    } finally {
      server.down();
    }
  }

  /** An 8 MiB check through bin/ejup on jdk with more JVM options: OK, the report alone on stdout, C2 only for the allowed methods; the JIT's log. */
  private static String bigCheck(LocalEjabberd server, Path jdk, String options) throws Exception {
    Path log = Files.createTempFile("ejup-jit", ".log");
    try {
      Map<String, String> env = new HashMap<>(Map.of("EJUP_PASSWORD", server.password(), "EJUP_NO_CDS_LEARNING", "1",
          "JAVA_HOME", jdk.toString(), "EJUP_JAVA_OPTS", options + " -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=" + log));
      EjupProcess.Result r = EjupProcess.launcher(env, "check", "--jid", server.get("JID"), "--server",
          "localhost:" + server.get("XMPP_PORT"), "--size", "8M", "--no-probes", "--format", "json",
          "--deadline", "240", "--step-timeout", "120").waitFor(300);
      assertEquals(0, r.exitCode(), jdk + " " + options + ": " + r.out());
      JsonNode report = new ObjectMapper().readTree(r.out());
      assertEquals("OK", report.get("status").asText(), jdk + " " + options + ": " + r.out());
      String jit = Files.readString(log);
      assertTrue(TASK.matcher(jit).results().count() > 100, jdk + ": the JIT's log holds too few compiles");
      Set<String> c2 = c2(jit);
      Set<String> elsewhere = new TreeSet<>();
      c2.stream().filter(method -> !C2_ALLOWED.matcher(method).matches()).forEach(elsewhere::add);
      assertTrue(elsewhere.isEmpty(), jdk + " " + options + ": C2 compiled more than the intrinsics' callers: " + elsewhere);
      assertTrue(c2.stream().anyMatch(method -> method.startsWith("com.sun.crypto.provider.")),
          jdk + " " + options + ": the crypto classes never reached C2, so their intrinsics never ran: " + c2);
      return jit;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** The methods C2 compiled, from the JIT's log. */
  private static Set<String> c2(String jit) {
    Set<String> c2 = new TreeSet<>();
    for (Matcher task = TASK.matcher(jit); task.find(); ) {
      Matcher method = METHOD.matcher(task.group(1));
      if (!task.group(1).contains(" level='") && task.group(2).equals("1") && method.find()) {
        c2.add(method.group(1));
      }
    }
    return c2;
  }

  /** Whether a boolean VM flag (a diagnostic one too) is on in jdk on this CPU. */
  private static boolean flag(Path jdk, String name) throws Exception {
    Process vm = new ProcessBuilder(jdk.resolve("bin/java").toString(), "-XX:+UnlockDiagnosticVMOptions", "-XX:+PrintFlagsFinal", "-version")
        .redirectErrorStream(true).start();
    String flags = new String(vm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    vm.waitFor();
    return Pattern.compile("\\b" + name + "\\s+= true").matcher(flags).find();
  }
}
