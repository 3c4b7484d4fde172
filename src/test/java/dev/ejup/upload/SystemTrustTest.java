package dev.ejup.upload;

import static dev.ejup.testing.SelfSignedTls.keytool;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
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
    Files.write(store, rawJks(List.of("test", "Test"), List.of(root.getEncoded(), stranger.getEncoded())));
    X509TrustManager jdk = jdk(store);
    assertEquals(List.of(root), List.of(jdk.getAcceptedIssuers()), "the JDK's anchors");
    SystemTrust trust = new SystemTrust(store, () -> jdk(store));
    trust.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH);
    assertFalse(trust.wholeStoreRead());
    assertThrows(CertificateException.class, () -> jdk.checkServerTrusted(new X509Certificate[] {strangerLeaf}, AUTH));
    assertThrows(CertificateException.class, () -> trust.checkServerTrusted(new X509Certificate[] {strangerLeaf}, AUTH));
  }

  @Test
  void aChainWithANameThatIsNotPlainIsTheWholeStores() throws Exception {
    X509Certificate umlaut = selfSigned("umlaut", "CN=ejup r\u00f6\u00f6t", "-ext", "bc:c");
    X509Certificate leafOfUmlaut = signed("umlautleaf", "CN=upload.localhost", "umlaut");
    Path store = jks("umlauts", umlaut, root);
    SystemTrust trust = new SystemTrust(store, () -> jdk(store));
    jdk(store).checkServerTrusted(new X509Certificate[] {leafOfUmlaut}, AUTH);
    trust.checkServerTrusted(new X509Certificate[] {leafOfUmlaut}, AUTH);
    assertTrue(trust.wholeStoreRead(), "its issuer is not plain: the JDK decides with the whole store, untouched");
  }

  @Test
  void aPlainNameThatEqualsAnAnchorsNameThatIsNotIsTheWholeStores() throws Exception {
    // NFKD makes U+FF0B a '+' after escaping: the anchor's one attribute "a\uFF0BO=b" has the
    // canonical form of the two-attribute RDN "CN=a+O=b", which the JDK takes for equal or not
    // depending on whether both forms were computed before (X500Name.equals); fullwidth letters
    // become ASCII the same way. Such a chain is the whole store's, its objects untouched
    for (String[] names : new String[][] {{"CN=a\uff0bO=b", "CN=a+O=b"}, {"CN=\uff45\uff4a\uff55\uff50 \uff52\uff4f\uff4f\uff54", "CN=EJUP ROOT"}}) {
      String alias = "odd" + Math.abs(names[0].hashCode());
      X509Certificate odd = selfSigned(alias, names[0], "-ext", "bc:c");
      Path plainCopy = dir.resolve(alias + "plain.p12");
      Files.copy(dir.resolve(alias + ".p12"), plainCopy);
      keytool(List.of("-selfcert", "-alias", alias, "-dname", names[1], "-validity", "20", "-keystore", plainCopy.toString(), "-storepass", "changeit"));
      Files.copy(plainCopy, dir.resolve(alias + "p.p12"));
      keytool(List.of("-changealias", "-alias", alias, "-destalias", alias + "p", "-keystore", dir.resolve(alias + "p.p12").toString(), "-storepass", "changeit"));
      X509Certificate issued = signed(alias + "leaf", "CN=upload.localhost", alias + "p");
      assertEquals(names[1].replace(" ", ""), issued.getIssuerX500Principal().getName().replace(" ", ""), "a plain issuer name, the anchor's key");
      Path store = jks(alias + "store", odd, root);
      X509Certificate[] chain = {issued};
      SystemTrust trust = new SystemTrust(store, () -> jdk(store));
      String ours = verdict(() -> trust.checkServerTrusted(chain, AUTH));
      assertTrue(trust.wholeStoreRead(), names[0]);
      assertEquals(verdict(() -> jdk(store).checkServerTrusted(chain, AUTH)), ours, names[0]);
      if (names[1].contains("+")) {
        // the chain also leads to a plain anchor: the root's leaf, then a certificate named as the
        // root (a key of its own) that the odd anchor issued. The JDK takes the odd anchor for its
        // issuer and refuses (the leaf's signature is not that certificate's); found by plain
        // names alone, the root would accept the leaf
        X509Certificate namedAsRoot = signed(alias + "x", root.getSubjectX500Principal().getName(), alias + "p", "-ext", "bc:c");
        X509Certificate[] tricky = {leafOfRoot, namedAsRoot};
        SystemTrust fresh = new SystemTrust(store, () -> jdk(store));
        String got = verdict(() -> fresh.checkServerTrusted(tricky, AUTH));
        String expected = verdict(() -> jdk(store).checkServerTrusted(tricky, AUTH));
        assertTrue(expected.contains("signature check failed"), expected);
        assertEquals(expected, got);
      }
    }
  }

  @Test
  void everyEntryOfTheStoreMustBeWellFormedNotOnlyTheAnchors() throws Exception {
    // JavaKeyStore parses every entry it reads, the one a later entry of its alias replaces and the
    // one whose alias no lookup reaches too, and trusts nothing when one fails
    byte[] junk = new byte[] {0x30, 0x03, 0x02, 0x6d, 0x00};
    Path unreachable = dir.resolve("unreachable.jks");
    Files.write(unreachable, rawJks(List.of("t", "JUNK"), List.of(root.getEncoded(), junk)));
    Path replaced = dir.resolve("replaced.jks");
    Files.write(replaced, rawJks(List.of("t", "t"), List.of(junk, root.getEncoded())));
    for (Path store : List.of(unreachable, replaced)) {
      assertThrows(RuntimeException.class, () -> jdk(store), "the JDK does not read " + store.getFileName());
      assertNull(SystemTrust.Index.read(store), store.getFileName().toString());
    }
  }

  @Test
  void theAcceptedIssuersOfAStoreNotIndexedAreTheWholeStoresAtOnce() throws Exception {
    // JSSE sends them in the ClientHello with jdk.tls.client.enableCAExtension (then nothing is indexed)
    Path pkcs12 = keyStore("PKCS12", "issuers.p12", root, stranger);
    // many times: the store is read on the common pool while the constructor returns
    for (int i = 0; i < 100; i++) {
      SystemTrust trust = new SystemTrust(pkcs12, () -> jdk(pkcs12));
      assertEquals(2, trust.getAcceptedIssuers().length);
      trust.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH);
    }
  }

  private interface Check {
    void run() throws Exception;
  }

  /** "accepted", or the refusal's class and message. */
  private static String verdict(Check check) {
    try {
      check.run();
      return "accepted";
    } catch (Exception e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  @Test
  void oneProcessJudgesByOneReadingOfTheStore() throws Exception {
    // as the JDK's default trust manager read once: a store rewritten while ejup serve runs changes
    // nothing until it starts again, neither what the index accepts nor what the whole store refuses
    Path store = jks("rewritten", root);
    SystemTrust trust = new SystemTrust(store, () -> jdk(store));
    trust.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH);
    Files.copy(jks("replacement", stranger), store, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThrows(CertificateException.class, () -> trust.checkServerTrusted(new X509Certificate[] {strangerLeaf}, AUTH));
    trust.checkServerTrusted(new X509Certificate[] {leafOfRoot}, AUTH);
  }

  @Test
  void aStoreTheIndexCannotReadIsReadWholeByTheJdk() throws Exception {
    Path pkcs12 = keyStore("PKCS12", "store.p12", root);
    Path truncated = dir.resolve("truncated.jks");
    byte[] whole = Files.readAllBytes(jks("tobecut", root, stranger));
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
    Path privateKey = dir.resolve("privatekey.jks");
    Files.write(privateKey, rawJks(List.of("key"), List.of()));
    Path cut = dir.resolve("cut.jks");
    Files.write(cut, rawJks(List.of("good", "cut"), List.of(stranger.getEncoded(), Arrays.copyOf(root.getEncoded(), root.getEncoded().length - 1))));
    // a length after the subject one too long (the public key's algorithm): the subject is still
    // found, but the JDK cannot parse the certificate, and so trusts nothing of this store
    byte[] bad = root.getEncoded();
    byte[] subject = SystemTrust.subject(bad);
    int publicKey = lastIndexOf(bad, subject) + subject.length; // the root's issuer is the same name, before it
    assertEquals(0x30, bad[publicKey] & 0xff);
    assertEquals(0x30, bad[publicKey + 2] & 0xff);
    bad[publicKey + 3]++;
    assertThrows(CertificateException.class, () -> parse(bad), "the JDK refuses it");
    assertArrayEquals(subject, SystemTrust.subject(bad), "the subject is still found");
    Path corrupt = dir.resolve("corrupt.jks");
    Files.write(corrupt, rawJks(List.of("good", "bad"), List.of(stranger.getEncoded(), bad)));
    assertThrows(RuntimeException.class, () -> jdk(corrupt), "the JDK does not read this store");
    for (Path store : List.of(pkcs12, truncated, privateKey, cut, corrupt)) {
      assertNull(SystemTrust.Index.read(store), store.getFileName().toString());
    }
    SystemTrust trust = new SystemTrust(pkcs12, () -> jdk(pkcs12));
    trust.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH);
    assertTrue(trust.wholeStoreRead(), "no index: the JDK reads the store, as without SystemTrust");
  }

  @Test
  void findsEveryAnchorOfThisMachinesStoreByItsNameAsTheJdkReadsThem() throws Exception {
    Path store = SystemTrust.defaultStore();
    assumeTrue(store != null && SystemTrust.Index.read(store) != null, "this JDK's trust store is no Java KeyStore file (Debian 12's is)");
    SystemTrust.Index index = SystemTrust.Index.read(store);
    X509Certificate[] jdk = jdkDefault().getAcceptedIssuers();
    List<String> indexed = new ArrayList<>();
    for (byte[] der : index.certificates()) {
      indexed.add(Arrays.toString(der));
    }
    List<String> anchors = new ArrayList<>();
    for (X509Certificate anchor : jdk) {
      anchors.add(Arrays.toString(anchor.getEncoded()));
      byte[] name = anchor.getSubjectX500Principal().getEncoded();
      List<byte[]> found = index.certificatesNamed(name);
      if (SystemTrust.Names.plain(name) == null) {
        assertNull(found, "a name that is not plain is the whole store's: " + anchor.getSubjectX500Principal());
        continue;
      }
      List<String> named = new ArrayList<>();
      for (byte[] der : found) {
        named.add(Arrays.toString(der));
      }
      assertTrue(named.contains(Arrays.toString(anchor.getEncoded())), anchor.getSubjectX500Principal().getName());
    }
    Collections.sort(indexed);
    Collections.sort(anchors);
    assertTrue(anchors.size() > 50, "a system store holds the public CAs: " + anchors.size());
    assertEquals(anchors, indexed, "the same certificates as the JDK's anchors");
  }

  @Test
  void plainNamesTheJdkTakesForEqualShareTheKeyTheyAreFoundBy() {
    // CN, O (keywords: compared as text when a PrintableString or UTF8String, else as DER) and
    // serialNumber (a dotted type: always as DER) in other string types, cases, spacings and
    // Unicode forms; and a two-attribute RDN in the other order
    List<byte[]> names = List.of(
        name(rdn(ava(CN, PRINTABLE, "Foo  Bar")), rdn(ava(O, PRINTABLE, "Acme"))),
        name(rdn(ava(CN, UTF8, " foo bar ")), rdn(ava(O, UTF8, "ACME"))),
        name(rdn(ava(CN, UTF8, "FOO BAR")), rdn(ava(O, PRINTABLE, "acme"))),
        name(rdn(ava(CN, UTF8, "Foo B\u00e4r")), rdn(ava(O, PRINTABLE, "Acme"))),
        name(rdn(ava(CN, UTF8, "foo ba\u0308r")), rdn(ava(O, PRINTABLE, "Acme"))),
        name(rdn(ava(CN, PRINTABLE, "Foo Bar"), ava(O, PRINTABLE, "Acme"))),
        name(rdn(ava(O, UTF8, "acme"), ava(CN, UTF8, "foo bar"))),
        name(rdn(ava(SERIAL, PRINTABLE, "AB12"))),
        name(rdn(ava(SERIAL, PRINTABLE, "ab12"))),
        name(rdn(ava(SERIAL, UTF8, "AB12"))),
        name(rdn(ava(CN, BMP, "FOO BAR")), rdn(ava(O, IA5, "acme"))),
        // the JDK writes an IA5String as '#' and its DER in hex, which a string value that is
        // '#' and hex after blanks imitates (breaker11): equal names, so never two keys
        name(rdn(ava(DC, IA5, "abc"))),
        name(rdn(ava(DC, UTF8, " #1603616263"))),
        name(rdn(ava(DC, PRINTABLE, "#1603616263"))));
    int equalPairs = 0;
    for (byte[] a : names) {
      for (byte[] b : names) {
        if (!new javax.security.auth.x500.X500Principal(a).equals(new javax.security.auth.x500.X500Principal(b))) {
          continue;
        }
        equalPairs++;
        String what = new javax.security.auth.x500.X500Principal(a) + " / " + new javax.security.auth.x500.X500Principal(b);
        String plainA = SystemTrust.Names.plain(a);
        String plainB = SystemTrust.Names.plain(b);
        assertTrue(plainA == null || plainB == null || plainA.equals(plainB), what);
      }
    }
    assertTrue(equalPairs > names.size() + 6, "the JDK takes several of these for equal: " + equalPairs);
    assertNull(SystemTrust.Names.plain(names.get(10)), "a BMPString is found by its shape alone");
    assertNull(SystemTrust.Names.plain(names.get(3)), "so is a name with other than ASCII");
    assertEquals(new javax.security.auth.x500.X500Principal(names.get(11)), new javax.security.auth.x500.X500Principal(names.get(12)),
        "the JDK takes an IA5String for its '#'-hex imitation");
    assertNull(SystemTrust.Names.plain(names.get(11)), "an IA5String value is the whole store's");
    assertNull(SystemTrust.Names.plain(names.get(12)), "so is a string value that starts with '#' after blanks");
    assertNull(SystemTrust.Names.plain(new byte[] {0x30, 0x03, 0x31, 0x00, 0x00}), "not a Name");
  }

  @Test
  void aChainTheJdkMustBuildAPathForIsTheWholeStores() throws Exception {
    // breaker12: two intermediates named CN=I with one key, one under N (an anchor that is no CA),
    // one under R (a CA), sent out of order, so the JDK's path builder searches. It tries the
    // candidates in an order set by every anchor of the store: Z, which no name of the chain
    // names, makes it take the path to N first, and the JDK refuses (N is no CA) without trying
    // the other. Anchors found by the chain's names alone would have it try R first and accept
    String rName = null;
    String zName = null;
    for (int r = 0; r < 100 && zName == null; r++) {
      rName = "CN=R" + r + ", O=Other";
      for (int z = 0; z < 100 && zName == null; z++) {
        String candidate = "CN=Z" + z + ", O=Acme";
        if (bucket(candidate, 3) < bucket(rName, 3) && bucket(candidate, 15) < bucket(rName, 15)) {
          zName = candidate;
        }
      }
    }
    assertNotNull(zName);
    // made field by field: keytool's key identifiers would tie each certificate to its issuer,
    // and the builder would then follow those first, whatever the store holds
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair kn = generator.generateKeyPair();
    java.security.KeyPair kr = generator.generateKeyPair();
    java.security.KeyPair kz = generator.generateKeyPair();
    java.security.KeyPair kk1 = generator.generateKeyPair();
    java.security.KeyPair kk2 = generator.generateKeyPair();
    java.security.KeyPair ki = generator.generateKeyPair();
    X509Certificate n = made("CN=N", kn.getPublic(), "CN=N", kn.getPrivate(), false);
    X509Certificate r = made(rName, kr.getPublic(), rName, kr.getPrivate(), true);
    X509Certificate z = made(zName, kz.getPublic(), zName, kz.getPrivate(), true);
    X509Certificate k1 = made("CN=K1, O=Acme", kk1.getPublic(), "CN=N", kn.getPrivate(), true);
    X509Certificate k2 = made("CN=K2, O=Other", kk2.getPublic(), rName, kr.getPrivate(), true);
    X509Certificate i1 = made("CN=I", ki.getPublic(), "CN=K1, O=Acme", kk1.getPrivate(), true);
    X509Certificate i2 = made("CN=I", ki.getPublic(), "CN=K2, O=Other", kk2.getPrivate(), true);
    X509Certificate end = made("CN=upload.localhost", generator.generateKeyPair().getPublic(), "CN=I", ki.getPrivate(), false);
    X509Certificate[] chain = {end, i1, i2, k1, k2};
    Path withZ = jks("pathz", n, r, z);
    Path withoutZ = jks("path", n, r);
    assertEquals("accepted", verdict(() -> jdk(withoutZ).checkServerTrusted(chain, AUTH)), "without Z the JDK takes the path to R");
    String expected = verdict(() -> jdk(withZ).checkServerTrusted(chain, AUTH));
    assertTrue(expected.contains("not a CA"), expected);
    for (Path store : List.of(withZ, withoutZ)) {
      SystemTrust trust = new SystemTrust(store, () -> jdk(store));
      assertEquals(verdict(() -> jdk(store).checkServerTrusted(chain, AUTH)), verdict(() -> trust.checkServerTrusted(chain, AUTH)), store.toString());
      assertTrue(trust.wholeStoreRead(), "a chain out of order is the whole store's");
    }
    // the same certificates in order are validated as given: found by their names
    SystemTrust ordered = new SystemTrust(withZ, () -> jdk(withZ));
    ordered.checkServerTrusted(new X509Certificate[] {end, i2, k2}, AUTH);
    assertFalse(ordered.wholeStoreRead(), "in order up to an anchor's name: the anchors named decide");
  }

  @Test
  void aNameTwoAnchorsShareIsTheWholeStores() throws Exception {
    // breaker13: PKIX tries same-named anchors in a set's order that changes with each trust
    // manager, and does not go back on the first that validates: here N (no CA) refuses and R
    // (a CA, the same name and key) accepts, at random. Only the whole store may draw; a subset
    // tried first would be a second draw. Eight fresh trusts: a subset would decide some of them
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair twin = generator.generateKeyPair();
    X509Certificate n = made("CN=Twin", twin.getPublic(), "CN=Twin", twin.getPrivate(), false);
    X509Certificate r = made("CN=Twin", twin.getPublic(), "CN=Twin", twin.getPrivate(), true);
    X509Certificate end = made("CN=upload.localhost", generator.generateKeyPair().getPublic(), "CN=Twin", twin.getPrivate(), false);
    Path store = jks("twins", n, r, root);
    for (int i = 0; i < 8; i++) {
      SystemTrust trust = new SystemTrust(store, () -> jdk(store));
      verdict(() -> trust.checkServerTrusted(new X509Certificate[] {end}, AUTH));
      assertTrue(trust.wholeStoreRead(), "a name two anchors share: the whole store decides");
    }
    SystemTrust other = new SystemTrust(store, () -> jdk(store));
    other.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH);
    assertFalse(other.wholeStoreRead(), "the other names of the store are still found by name");
  }

  @Test
  void aStoreTheJdkCannotReadAtAllRefusesAsARefusal() throws Exception {
    // no Java KeyStore at all (a 0-byte or garbage cacerts): not indexed, and the JDK cannot
    // make a trust manager of it; a check refuses as a CertificateException, which --insecure
    // overrides, and JSSE's question for the accepted issuers gets none (breaker13)
    for (byte[] content : new byte[][] {new byte[0], "not a key store".getBytes(StandardCharsets.US_ASCII)}) {
      Path store = dir.resolve("unreadable" + content.length);
      Files.write(store, content);
      assertNull(SystemTrust.Index.read(store));
      SystemTrust trust = new SystemTrust(store, () -> jdk(store));
      UnusableTrustStore refused = assertThrows(UnusableTrustStore.class, () -> trust.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH));
      assertTrue(refused.getMessage().startsWith("the JDK's trust store " + store + (content.length == 0 ? " is empty (0 bytes)" : " cannot be read: ")),
          refused.getMessage());
      assertFalse(refused.getMessage().contains("connection"), "a file's words: " + refused.getMessage());
      assertTrue(refused.fix().contains("ca-certificates-java"), refused.fix());
      assertEquals(0, trust.getAcceptedIssuers().length);
    }
    // a key store without a trusted certificate (what a failed ca-certificates-java run leaves):
    // the JDK's PKIX throws an unchecked "trustAnchors parameter must be non-empty" from deep inside
    for (String type : List.of("JKS", "PKCS12")) {
      Path store = keyStore(type, type.equals("JKS") ? "empty.jks" : "empty.p12", new X509Certificate[0]);
      assertThrows(RuntimeException.class, () -> jdk(store).checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH), "the JDK's");
      SystemTrust trust = new SystemTrust(store, () -> jdk(store));
      UnusableTrustStore refused = assertThrows(UnusableTrustStore.class, () -> trust.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH));
      assertEquals("the JDK's trust store " + store + " holds no trusted certificate", refused.getMessage());
    }
    // no file at all: the JDK reads it as an empty store (Debian without ca-certificates-java)
    Path missing = dir.resolve("missing.jks");
    KeyStore nothing = KeyStore.getInstance("JKS");
    nothing.load(null, null);
    SystemTrust gone = new SystemTrust(missing, () -> {
      try {
        return fromFactory(nothing);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    UnusableTrustStore refused = assertThrows(UnusableTrustStore.class, () -> gone.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH));
    assertEquals("the JDK's trust store " + missing + " does not exist", refused.getMessage());
    Path directory = Files.createDirectories(dir.resolve("adirectory"));
    SystemTrust folder = new SystemTrust(directory, () -> {
      try {
        return fromFactory(nothing);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals("the JDK's trust store " + directory + " is a directory",
        assertThrows(UnusableTrustStore.class, () -> folder.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH)).getMessage());
  }

  @Test
  void aStoreWithoutCertificatesIsReadAgainOnceFixed() throws Exception {
    // what an exporter meets: the store is fixed while it runs (breaker14); a store that could
    // judge nothing is not kept, so the next check reads the file again
    Path store = keyStore("JKS", "fixed.jks", new X509Certificate[0]);
    SystemTrust trust = new SystemTrust(store, () -> jdk(store));
    X509Certificate[] chain = {leaf, intermediate};
    assertThrows(UnusableTrustStore.class, () -> trust.checkServerTrusted(chain, AUTH));
    Files.copy(jks("fixedsource", root), store, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    trust.checkServerTrusted(chain, AUTH);
    assertTrue(trust.getAcceptedIssuers().length > 0);
  }

  /**
   * A v3 certificate made field by field and signed with ECDSA P-256 (SHA-256), valid from a day
   * ago for 20 days; with basic constraints cA when ca, and no other extension.
   */
  private static X509Certificate made(String subject, java.security.PublicKey key, String issuer, java.security.PrivateKey signer, boolean ca) throws Exception {
    byte[] algorithm = der(0x30, new org.ietf.jgss.Oid("1.2.840.10045.4.3.2").getDER());
    java.time.format.DateTimeFormatter utcTime = java.time.format.DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(java.time.ZoneOffset.UTC);
    java.time.Instant now = java.time.Instant.now();
    byte[] validity = der(0x30, der(0x17, utcTime.format(now.minus(java.time.Duration.ofDays(1))).getBytes(StandardCharsets.US_ASCII)),
        der(0x17, utcTime.format(now.plus(java.time.Duration.ofDays(20))).getBytes(StandardCharsets.US_ASCII)));
    List<byte[]> fields = new ArrayList<>(List.of(der(0xa0, der(0x02, new byte[] {2})),
        der(0x02, new java.math.BigInteger(62, new java.security.SecureRandom()).add(java.math.BigInteger.ONE).toByteArray()), algorithm,
        new javax.security.auth.x500.X500Principal(issuer).getEncoded(), validity, new javax.security.auth.x500.X500Principal(subject).getEncoded(),
        key.getEncoded()));
    if (ca) {
      byte[] basicConstraints = der(0x30, new org.ietf.jgss.Oid("2.5.29.19").getDER(), der(0x01, new byte[] {(byte) 0xff}),
          der(0x04, der(0x30, der(0x01, new byte[] {(byte) 0xff}))));
      fields.add(der(0xa3, der(0x30, basicConstraints)));
    }
    byte[] tbs = der(0x30, fields.toArray(new byte[0][]));
    java.security.Signature signature = java.security.Signature.getInstance("SHA256withECDSA");
    signature.initSign(signer);
    signature.update(tbs);
    byte[] value = signature.sign();
    byte[] bits = new byte[value.length + 1]; // no unused bits
    System.arraycopy(value, 0, bits, 1, value.length);
    return parse(der(0x30, tbs, algorithm, der(0x03, bits)));
  }

  /** The bucket of a name's hash in a hash table of mask + 1 buckets (java.util.HashMap's spreading). */
  private static int bucket(String name, int mask) {
    int hash = new javax.security.auth.x500.X500Principal(name).hashCode();
    return (hash ^ (hash >>> 16)) & mask;
  }

  @Test
  void aStoreTheJdkCannotReadRefusesEveryChainAsARefusal() throws Exception {
    // well-formed DER whose validity has a letter for a digit: indexed, but the JDK's parser
    // refuses it, so the JDK reads no store at all; the whole store's answer is then a refusal
    // (which --insecure overrides), not an exception of another kind (breaker12)
    byte[] lettered = root.getEncoded();
    int time = 0;
    while (!(lettered[time] == 0x17 && lettered[time + 1] == 13)) {
      time++;
    }
    lettered[time + 2] = 'A';
    assertThrows(CertificateException.class, () -> parse(lettered), "the JDK refuses it");
    Path store = dir.resolve("lettered.jks");
    Files.write(store, rawJks(List.of("bad", "good"), List.of(lettered, stranger.getEncoded())));
    assertNotNull(SystemTrust.Index.read(store), "well-formed DER is indexed");
    SystemTrust trust = new SystemTrust(store, () -> jdk(store));
    UnusableTrustStore refused = assertThrows(UnusableTrustStore.class, () -> trust.checkServerTrusted(new X509Certificate[] {leaf, intermediate}, AUTH));
    assertTrue(refused.getMessage().startsWith("the JDK's trust store " + store + " cannot be read: "), refused.getMessage());
  }

  @Test
  void anAnchorWhoseNameTheJdkTakesForTheIntermediatesDecidesAsInTheJdk() throws Exception {
    // the store's T is named the intermediate's name in capitals, with its key, and is no CA: the
    // JDK cuts the chain at the intermediate, takes T for its anchor and refuses. Found by its
    // bytes only, T would be left out and the chain accepted through the root
    Path copy = dir.resolve("intercopy.p12");
    Files.copy(dir.resolve("inter.p12"), copy);
    keytool(List.of("-selfcert", "-alias", "inter", "-dname", "CN=EJUP TEST INTERMEDIATE", "-validity", "20",
        "-keystore", copy.toString(), "-storepass", "changeit"));
    X509Certificate capitals = parse(keytool(List.of("-exportcert", "-alias", "inter", "-keystore", copy.toString(), "-storepass", "changeit")));
    assertEquals(intermediate.getSubjectX500Principal(), capitals.getSubjectX500Principal(), "the JDK takes the names for equal");
    Path store = jks("capitals", root, capitals);
    X509Certificate[] chain = {leaf, intermediate};
    SystemTrust trust = new SystemTrust(store, () -> jdk(store));
    CertificateException expected = assertThrows(CertificateException.class, () -> jdk(store).checkServerTrusted(chain, AUTH));
    CertificateException got = assertThrows(CertificateException.class, () -> trust.checkServerTrusted(chain, AUTH));
    assertEquals(expected.getMessage(), got.getMessage());
  }

  @Test
  void theJdksOwnChoicesOtherThanItsDefaultsLeaveTheStoreToTheJdk() throws Exception {
    assumeTrue(SystemTrust.defaultStore() != null, "this JDK's trust store is no Java KeyStore file (Debian 12's is)");
    String[][] systemProperties = {
        {"javax.net.ssl.trustStore", SystemTrust.defaultStore().toString()}, {"javax.net.ssl.trustStorePassword", "changeit"},
        {"javax.net.ssl.trustStoreType", "jks"}, {"javax.net.ssl.trustStoreProvider", "SUN"}, {"jdk.tls.client.enableCAExtension", "true"},
        // revocation checking looks for a CRL's issuer among all anchors (breaker12)
        {"com.sun.net.ssl.checkRevocation", "true"}};
    for (String[] property : systemProperties) {
      String before = System.getProperty(property[0]);
      System.setProperty(property[0], property[1]);
      try {
        assertNull(SystemTrust.defaultStore(), property[0]);
      } finally {
        if (before == null) {
          System.clearProperty(property[0]);
        } else {
          System.setProperty(property[0], before);
        }
      }
    }
    // KeyStoreDelegator reads a JKS file as PKCS12 only with exactly "true"; SunX509's validator
    // picks among anchors of one name by a set's order, which a subset changes
    String[][] securityProperties = {{"keystore.type.compat", "yes"}, {"keystore.type.compat", "false"},
        {"ssl.TrustManagerFactory.algorithm", "SunX509"}};
    for (String[] property : securityProperties) {
      String before = Security.getProperty(property[0]);
      Security.setProperty(property[0], property[1]);
      try {
        if (!KeyStore.getDefaultType().equalsIgnoreCase("jks") || !property[0].startsWith("keystore")) {
          assertNull(SystemTrust.defaultStore(), property[0] + "=" + property[1]);
        }
      } finally {
        Security.setProperty(property[0], before);
      }
    }
    assertNotNull(SystemTrust.defaultStore(), "the defaults again");
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

  // ---- names, certificates and stores

  private static final String CN = "2.5.4.3";
  private static final String O = "2.5.4.10";
  private static final String SERIAL = "2.5.4.5";
  private static final String DC = "0.9.2342.19200300.100.1.25";
  private static final int PRINTABLE = 0x13;
  private static final int UTF8 = 0x0c;
  private static final int IA5 = 0x16;
  private static final int BMP = 0x1e;

  private static byte[] name(byte[]... rdns) {
    return der(0x30, rdns);
  }

  private static byte[] rdn(byte[]... avas) {
    return der(0x31, avas);
  }

  private static byte[] ava(String oid, int tag, String value) {
    byte[] type;
    try {
      type = new org.ietf.jgss.Oid(oid).getDER();
    } catch (org.ietf.jgss.GSSException e) {
      throw new IllegalArgumentException(oid, e);
    }
    byte[] bytes = value.getBytes(tag == BMP ? StandardCharsets.UTF_16BE : tag == UTF8 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII);
    return der(0x30, type, der(tag, bytes));
  }

  private static byte[] der(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    byte[] body = content.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (body.length < 0x80) {
      out.write(body.length);
    } else if (body.length < 0x100) {
      out.write(0x81);
      out.write(body.length);
    } else {
      out.write(0x82);
      out.write(body.length >> 8);
      out.write(body.length & 0xff);
    }
    out.writeBytes(body);
    return out.toByteArray();
  }


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
    return keyStore("JKS", name + ".jks", anchors);
  }

  /** A store of the type, file name in dir, with the anchors (password "changeit"). */
  private static Path keyStore(String type, String file, X509Certificate... anchors) throws Exception {
    KeyStore keys = KeyStore.getInstance(type);
    keys.load(null, null);
    for (int i = 0; i < anchors.length; i++) {
      keys.setCertificateEntry("anchor" + i, anchors[i]);
    }
    Path store = dir.resolve(file);
    try (OutputStream out = Files.newOutputStream(store)) {
      keys.store(out, "changeit".toCharArray());
    }
    return store;
  }

  /** A JKS file written field by field (sun.security.provider.JavaKeyStore's format, version 2); an alias without a certificate is a private key entry's tag. */
  private static byte[] rawJks(List<String> aliases, List<byte[]> certificates) throws Exception {
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
      byte[] der = certificates.get(i);
      out.writeInt(der.length);
      out.write(der);
    }
    out.write(new byte[20]); // the integrity digest, checked only with a password
    return bytes.toByteArray();
  }

  private static int lastIndexOf(byte[] in, byte[] part) {
    for (int i = in.length - part.length; i >= 0; i--) {
      if (Arrays.equals(in, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new IllegalArgumentException("not found");
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
}
