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
      + "|com\\.sun\\.crypto\\.provider\\.(CounterMode|GHASH) .*|sun\\.security\\.provider\\.DigestBase implCompressMultiBlock"
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
        Path log = Files.createTempFile("ejup-jit", ".log");
        Map<String, String> env = new HashMap<>(Map.of("EJUP_PASSWORD", server.password(), "EJUP_NO_CDS_LEARNING", "1",
            "JAVA_HOME", jdk.toString(), "EJUP_JAVA_OPTS", "-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=" + log));
        EjupProcess.Result r = EjupProcess.launcher(env, "check", "--jid", server.get("JID"), "--server",
            "localhost:" + server.get("XMPP_PORT"), "--size", "8M", "--no-probes", "--format", "json",
            "--deadline", "240", "--step-timeout", "120").waitFor(300);
        assertEquals(0, r.exitCode(), jdk + ": " + r.out());
        JsonNode report = new ObjectMapper().readTree(r.out());
        assertEquals("OK", report.get("status").asText(), jdk + ": " + r.out());

        Set<String> c2 = new TreeSet<>();
        int tasks = 0;
        String jit = Files.readString(log);
        for (Matcher task = TASK.matcher(jit); task.find(); tasks++) {
          Matcher method = METHOD.matcher(task.group(1));
          if (!task.group(1).contains(" level='") && task.group(2).equals("1") && method.find()) {
            c2.add(method.group(1));
          }
        }
        Files.delete(log);
        assertTrue(tasks > 100, jdk + ": the JIT's log holds " + tasks + " compiles");
        Set<String> elsewhere = new TreeSet<>();
        c2.stream().filter(method -> !C2_ALLOWED.matcher(method).matches()).forEach(elsewhere::add);
        assertTrue(elsewhere.isEmpty(), jdk + ": C2 compiled more than the intrinsics' callers: " + elsewhere);
        assertTrue(c2.stream().anyMatch(method -> method.startsWith("com.sun.crypto.provider.")),
            jdk + ": AES-GCM never reached C2, so its intrinsics never ran: " + c2);
        assertTrue(BULK_INTRINSIC.matcher(jit).find(), jdk + ": no C2 code calls the AES intrinsics; C2 compiled " + c2);
      }
    } finally {
      server.down();
    }
  }
}
