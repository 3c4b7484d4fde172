package dev.ejup.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A TLS server side for test peers: a self-signed EC certificate for localhost and 127.0.0.1, made by the JDK's keytool (clients check with --insecure). */
public final class SelfSignedTls {
  private SelfSignedTls() {}

  /** A server TLS context whose key and certificate are written into dir. */
  public static SSLContext serverContext(Path dir) throws Exception {
    return fromPkcs12(generate(dir, "server", "localhost", "-ext", "san=dns:localhost,ip:127.0.0.1"));
  }

  /** A self-signed EC certificate for cn, valid for two days from now, its key kept in dir. */
  public static X509Certificate certificate(Path dir, String alias, String cn) throws Exception {
    return (X509Certificate) keyStore(generate(dir, alias, cn)).getCertificate(alias);
  }

  /** keytool's self-signed EC key pair under alias in dir/ALIAS.p12 (password "changeit"), with more keytool options. */
  private static Path generate(Path dir, String alias, String cn, String... more) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn));
    command.addAll(List.of(more));
    command.addAll(List.of("-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit"));
    Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + said);
    }
    return store;
  }

  private static KeyStore keyStore(Path p12) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      keys.load(in, "changeit".toCharArray());
    }
    return keys;
  }

  /** A server TLS context with the key and certificate of a PKCS#12 file whose password is "changeit". */
  public static SSLContext fromPkcs12(Path p12) throws Exception {
    KeyStore keys = keyStore(p12);
    KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    managers.init(keys, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(managers.getKeyManagers(), null, null);
    return tls;
  }
}
