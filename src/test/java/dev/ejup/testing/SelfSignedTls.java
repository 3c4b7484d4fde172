package dev.ejup.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A TLS server side for test peers: a self-signed EC certificate for localhost and 127.0.0.1, made by the JDK's keytool (clients check with --insecure). */
public final class SelfSignedTls {
  private SelfSignedTls() {}

  /** A server TLS context whose key and certificate are written into dir. */
  public static SSLContext serverContext(Path dir) throws Exception {
    Path store = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    String said = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + said);
    }
    return fromPkcs12(store);
  }

  /** A server TLS context with the key and certificate of a PKCS#12 file whose password is "changeit". */
  public static SSLContext fromPkcs12(Path p12) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    managers.init(keys, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(managers.getKeyManagers(), null, null);
    return tls;
  }
}
