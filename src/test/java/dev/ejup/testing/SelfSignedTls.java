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
    List<String> arguments = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn));
    arguments.addAll(List.of(more));
    arguments.addAll(List.of("-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit"));
    keytool(arguments);
    return store;
  }

  /**
   * What the JDK's keytool writes on stdout for the arguments (a certificate's DER for -exportcert
   * and -gencert); its words on stderr in the exception when it fails. In a UTF-8 locale, so that
   * names with other than ASCII in them pass as arguments.
   */
  public static byte[] keytool(List<String> arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("LC_ALL", "C.UTF-8");
    Process keytool = builder.start();
    byte[] out = keytool.getInputStream().readAllBytes();
    String said = new String(keytool.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool " + arguments + " failed: " + said.strip());
    }
    return out;
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
