package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SystemTrust against the JDK's own trust manager over the same store file, with real certificate
 * chains made by the JDK's keytool: every verdict must be the JDK's, and the whole store is read
 * only when the anchors indexed for a chain do not settle it.
 */
class SystemTrustTest {
  private static final String AUTH = "ECDHE_ECDSA";
  @TempDir static Path dir;
  private static X509Certificate root;
  private static X509Certificate intermediate;
  private static X509Certificate leaf;
  private static X509Certificate leafOfRoot;
  private static X509Certificate expiredLeaf;
  private static X509Certificate stranger;
  private static X509Certificate strangerLeaf;

  @BeforeAll
  static void chains() throws Exception {
    root = selfSigned("root", "CN=ejup test root", "-ext", "bc:c");
    intermediate = signed("inter", "CN=ejup test intermediate", "root", "-ext", "bc:c");
    leaf = signed("leaf", "CN=upload.localhost", "inter");
    leafOfRoot = signed("direct", "CN=direct.localhost", "root");
    expiredLeaf = signed("old", "CN=old.localhost", "inter", "-startdate", "-10d", "-validity", "2");
    stranger = selfSigned("stranger", "CN=ejup stranger root", "-ext", "bc:c");
    strangerLeaf = signed("strangerleaf", "CN=upload.localhost", "stranger");
  }

  @Test
  void acceptsAChainThroughItsIntermediateWithoutReadingTheWholeStore() throws Exception {
    Path store = jks("store", root, stranger);
    SystemTrust trust = new SystemTrust(store, () -> jdk(store));
    X509Certificate[] chain = {leaf, intermediate};
    jdk(store).checkServerTrusted(chain, AUTH);
    trust.checkServerTrusted(chain, AUTH);
    assertFalse(trust.wholeStoreRead(), "the root indexed for the chain settled it");
    assertEquals(List.of(root), List.of(trust.getAcceptedIssuers()), "JSSE's algorithm check asks which anchors are known");
  }

  @Test
  void acceptsWhatTheJdkAcceptsWhereverTheAnchorSits() throws Exception {
    Path roots = jks("roots", stranger, root);
    Path intermediates = jks("intermediates", intermediate);
    List<Object[]> cases = List.of(
        new Object[] {roots, new X509Certificate[] {leaf, intermediate, root}, "the server sends the root too"},
        new Object[] {roots, new X509Certificate[] {leafOfRoot}, "a leaf the root signed itself"},
        new Object[] {roots, new X509Certificate[] {root}, "the anchor itself"},
        new Object[] {intermediates, new X509Certificate[] {leaf, intermediate}, "an intermediate trusted as the anchor"},
        new Object[] {intermediates, new X509Certificate[] {leaf}, "the leaf of a trusted intermediate, alone"});
    for (Object[] c : cases) {
      Path store = (Path) c[0];
      X509Certificate[] chain = (X509Certificate[]) c[1];
      SystemTrust trust = new SystemTrust(store, () -> jdk(store));
      jdk(store).checkServerTrusted(chain, AUTH);
      trust.checkServerTrusted(chain, AUTH);
      assertFalse(trust.wholeStoreRead(), (String) c[2]);
    }
  }

  @Test
  void refusesWhatTheJdkRefusesWithTheJdksWords() throws Exception {
    Path store = jks("refusals", root);
    List<Object[]> cases = List.of(
        new Object[] {new X509Certificate[] {strangerLeaf}, "a root the store does not hold"},
        new Object[] {new X509Certificate[] {strangerLeaf, stranger}, "an untrusted root sent along"},
        new Object[] {new X509Certificate[] {expiredLeaf, intermediate}, "an expired leaf"},
        new Object[] {new X509Certificate[] {leaf}, "the intermediate missing"},
        new Object[] {new X509Certificate[] {leaf, leafOfRoot}, "a chain that does not chain"});
    for (Object[] c : cases) {
      X509Certificate[] chain = (X509Certificate[]) c[0];
      SystemTrust trust = new SystemTrust(store, () -> jdk(store));
      CertificateException expected = assertThrows(CertificateException.class, () -> jdk(store).checkServerTrusted(chain, AUTH), (String) c[1]);
      CertificateException got = assertThrows(CertificateException.class, () -> trust.checkServerTrusted(chain, AUTH), (String) c[1]);
      assertEquals(expected.getClass(), got.getClass(), (String) c[1]);
      assertEquals(expected.getMessage(), got.getMessage(), (String) c[1]);
      assertTrue(trust.wholeStoreRead(), c[1] + ": a refusal is the whole store's");
    }
  }

  @Test
  void anAliasIsTheEntryOfItsLowerCaseAsTheJdkLooksItUp() throws Exception {
    // JavaKeyStore reads aliases as written but looks each up in lower case: "Test" stands for the
    // entry of "test", and the certificate written under "Test" is no anchor at all
    Path store = dir.resolve("aliases.jks");
    Files.write(store, rawJks(List.of("test", "Test"), List.of(root, stranger)));
    X509TrustManager jdk = jdk(store);
    assertEquals(List.of(root), List.of(jdk.getAcceptedIssuers()), "the JDK's anchors");
    SystemTrust trust = new SystemTrust(store, () -> jdk(store));
    trust.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH);
    assertFalse(trust.wholeStoreRead());
    assertThrows(CertificateException.class, () -> jdk.checkServerTrusted(new X509Certificate[] {strangerLeaf}, AUTH));
    assertThrows(CertificateException.class, () -> trust.checkServerTrusted(new X509Certificate[] {strangerLeaf}, AUTH));
  }

  @Test
  void aStoreTheIndexCannotReadIsReadWholeByTheJdk() throws Exception {
    Path pkcs12 = dir.resolve("store.p12");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setCertificateEntry("root", root);
    try (OutputStream out = Files.newOutputStream(pkcs12)) {
      keys.store(out, "changeit".toCharArray());
    }
    Path truncated = dir.resolve("truncated.jks");
    byte[] whole = Files.readAllBytes(jks("tobecut", root, stranger));
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
    Path privateKey = dir.resolve("privatekey.jks");
    Files.write(privateKey, rawJks(List.of("key"), List.of()));
    for (Path store : List.of(pkcs12, truncated, privateKey)) {
      assertNull(SystemTrust.index(store), store.getFileName().toString());
    }
    SystemTrust trust = new SystemTrust(pkcs12, () -> jdk(pkcs12));
    trust.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH);
    assertTrue(trust.wholeStoreRead(), "no index: the JDK reads the store, as without SystemTrust");
  }

  @Test
  void indexesTheSubjectOfEveryCertificateOfThisMachinesStoreAsTheJdkReadsIt() throws Exception {
    Path store = SystemTrust.defaultStore();
    assumeTrue(store != null && SystemTrust.index(store) != null, "this JDK's trust store is no Java KeyStore file (Debian 12's is)");
    Map<ByteBuffer, List<byte[]>> index = SystemTrust.index(store);
    List<String> indexed = new ArrayList<>();
    for (var e : index.entrySet()) {
      for (byte[] der : e.getValue()) {
        X509Certificate certificate = parse(der);
        assertArrayEquals(certificate.getSubjectX500Principal().getEncoded(), e.getKey().array(), certificate.getSubjectX500Principal().getName());
        indexed.add(certificate.getSubjectX500Principal().getName() + " " + Arrays.hashCode(der));
      }
    }
    List<String> jdk = new ArrayList<>();
    for (X509Certificate anchor : jdkDefault().getAcceptedIssuers()) {
      jdk.add(anchor.getSubjectX500Principal().getName() + " " + Arrays.hashCode(anchor.getEncoded()));
    }
    Collections.sort(indexed);
    Collections.sort(jdk);
    assertTrue(jdk.size() > 50, "a system store holds the public CAs: " + jdk.size());
    assertEquals(jdk, indexed);
  }

  @Test
  void theSubjectOfACertificateIsFoundWithOrWithoutAVersionField() throws Exception {
    for (X509Certificate certificate : List.of(root, leaf, expiredLeaf)) {
      assertArrayEquals(certificate.getSubjectX500Principal().getEncoded(), SystemTrust.subject(certificate.getEncoded()));
    }
    byte[] der = leaf.getEncoded();
    assertNull(SystemTrust.subject(Arrays.copyOf(der, 40)), "cut short");
    assertNull(SystemTrust.subject("not a certificate".getBytes(StandardCharsets.US_ASCII)));
    assertNotNull(SystemTrust.subject(der));
  }

  // ---- certificates and stores

  private static X509TrustManager jdk(Path store) {
    try {
      KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, store.toString().endsWith(".p12") ? "changeit".toCharArray() : null);
      }
      return fromFactory(keys);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509TrustManager jdkDefault() throws Exception {
    return fromFactory(null);
  }

  private static X509TrustManager fromFactory(KeyStore keys) throws Exception {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(keys);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }

  private static Path jks(String name, X509Certificate... anchors) throws Exception {
    KeyStore keys = KeyStore.getInstance("JKS");
    keys.load(null, null);
    for (int i = 0; i < anchors.length; i++) {
      keys.setCertificateEntry(name + i, anchors[i]);
    }
    Path store = dir.resolve(name + ".jks");
    try (OutputStream out = Files.newOutputStream(store)) {
      keys.store(out, "changeit".toCharArray());
    }
    return store;
  }

  /** A JKS file written field by field (sun.security.provider.JavaKeyStore's format, version 2); an alias without a certificate is a private key entry's tag. */
  private static byte[] rawJks(List<String> aliases, List<X509Certificate> certificates) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(0xFEEDFEED);
    out.writeInt(2);
    out.writeInt(aliases.size());
    for (int i = 0; i < aliases.size(); i++) {
      if (i >= certificates.size()) {
        out.writeInt(1);
        out.writeUTF(aliases.get(i));
        out.writeLong(0);
        continue;
      }
      out.writeInt(2);
      out.writeUTF(aliases.get(i));
      out.writeLong(System.currentTimeMillis());
      out.writeUTF("X.509");
      byte[] der = certificates.get(i).getEncoded();
      out.writeInt(der.length);
      out.write(der);
    }
    out.write(new byte[20]); // the integrity digest, checked only with a password
    return bytes.toByteArray();
  }

  private static X509Certificate parse(byte[] der) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  private static X509Certificate selfSigned(String alias, String dname, String... more) throws Exception {
    keytool(concat(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
        "-validity", "30", "-keystore", dir.resolve(alias + ".p12").toString(), "-storepass", "changeit"), more));
    return parse(keytool(List.of("-exportcert", "-alias", alias, "-keystore", dir.resolve(alias + ".p12").toString(), "-storepass", "changeit")));
  }

  /** A certificate for dname signed by issuer's key (keytool -certreq | keytool -gencert). */
  private static X509Certificate signed(String alias, String dname, String issuer, String... more) throws Exception {
    selfSigned(alias, dname);
    byte[] request = keytool(List.of("-certreq", "-alias", alias, "-keystore", dir.resolve(alias + ".p12").toString(), "-storepass", "changeit"));
    Path requestFile = dir.resolve(alias + ".csr");
    Files.write(requestFile, request);
    List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", issuer, "-keystore", dir.resolve(issuer + ".p12").toString(),
        "-storepass", "changeit", "-infile", requestFile.toString()));
    if (!Arrays.asList(more).contains("-validity")) {
      gencert.addAll(List.of("-validity", "20"));
    }
    return parse(keytool(concat(gencert, more)));
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(b));
    return all;
  }

  private static byte[] keytool(List<String> arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(arguments);
    Process keytool = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = keytool.getInputStream().readAllBytes();
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool " + arguments + " failed");
    }
    return out;
  }
}
