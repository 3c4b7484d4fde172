package dev.ejup.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Certificates from the test CA that the system trusts (scripts/lib/test-ca.sh, made here when
 * missing), with the dates a test asks for: OpenSSL's {@code ca} sets any start and end, where
 * {@code x509 -req} counts days from now. Needs root (the CA's key) and openssl.
 */
public final class TestCa {
  public static final Path CA = Path.of("/var/lib/ejup-test/ca");

  /** A certificate and its key, as PEM files. */
  public record Issued(Path cert, Path key) {}

  private TestCa() {}

  /** The test CA itself, made and trusted system-wide when it is not yet. */
  public static Issued root() throws Exception {
    run(null, List.of("bash", "-c", "set -e; ca=" + CA + "; . scripts/lib/test-ca.sh; make_certificates"));
    return new Issued(CA.resolve("ca.pem"), CA.resolve("ca.key"));
  }

  /**
   * A certificate signed by issuer, valid from notBefore to notAfter (OpenSSL's YYYYMMDDHHMMSSZ),
   * for localhost and 127.0.0.1, or a CA certificate (CN=cn) when ca.
   */
  public static Issued issue(Path dir, String cn, Issued issuer, String notBefore, String notAfter, boolean ca) throws Exception {
    Path work = Files.createTempDirectory(dir, cn.replaceAll("[^A-Za-z0-9]", "-"));
    Files.writeString(work.resolve("index.txt"), "");
    Files.writeString(work.resolve("serial"), Long.toHexString(System.nanoTime() | 0x1000) + "\n");
    String ext = ca ? "basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\n"
        : "basicConstraints = CA:FALSE\nsubjectAltName = DNS:localhost, IP:127.0.0.1\n";
    Files.writeString(work.resolve("ca.cnf"), "[ ca ]\ndefault_ca = c\n[ c ]\ndatabase = " + work.resolve("index.txt")
        + "\nserial = " + work.resolve("serial") + "\nnew_certs_dir = " + work + "\ndefault_md = sha256\npolicy = p\n"
        + "unique_subject = no\nx509_extensions = ext\n[ p ]\ncommonName = supplied\n[ ext ]\n" + ext);
    Path key = work.resolve("key.pem");
    Path csr = work.resolve("req.pem");
    Path cert = work.resolve("cert.pem");
    run(work, List.of("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-subj", "/CN=" + cn, "-out", csr.toString()));
    run(work, List.of("openssl", "ca", "-batch", "-config", work.resolve("ca.cnf").toString(), "-cert", issuer.cert().toString(),
        "-keyfile", issuer.key().toString(), "-in", csr.toString(), "-out", cert.toString(), "-startdate", notBefore, "-enddate", notAfter, "-notext"));
    return new Issued(cert, key);
  }

  /** A server TLS context serving cert and the chain after it (the intermediate CA certificates, leaf's issuer first). */
  public static SSLContext serverContext(Path dir, Issued cert, Path... chain) throws Exception {
    Path p12 = Files.createTempFile(dir, "server", ".p12");
    List<String> command = new ArrayList<>(List.of("openssl", "pkcs12", "-export", "-inkey", cert.key().toString(), "-in", cert.cert().toString(),
        "-out", p12.toString(), "-passout", "pass:changeit", "-name", "server"));
    if (chain.length > 0) {
      Path all = Files.createTempFile(dir, "chain", ".pem");
      for (Path c : chain) {
        Files.write(all, Files.readAllBytes(c), java.nio.file.StandardOpenOption.APPEND);
      }
      command.addAll(List.of("-certfile", all.toString()));
    }
    run(dir, command);
    return SelfSignedTls.fromPkcs12(p12);
  }

  private static void run(Path dir, List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    Process p = builder.start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + said.strip());
    }
  }
}
