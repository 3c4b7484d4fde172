package dev.ejup.upload;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The JDK's default trust manager, built from only the trust anchors a chain can lead to.
 *
 * <p>Why: the JDK parses every certificate of its trust store before the first chain is checked
 * (Debian's {@code /etc/ssl/certs/java/cacerts}: about 140, ~60 ms of a cold check's CPU, a tenth
 * of it). Here the store's file is read once and indexed by each certificate's subject name,
 * walking only the bytes; a chain is then checked by a trust manager the JDK makes, with the JDK's
 * own factory, from the anchors whose subject the JDK takes for a name of the chain (its
 * certificates' subjects and issuers), usually one.
 *
 * <p>The verdict is the JDK's. Where the JDK validates a chain as it is given (PKIXValidator: in
 * order, up to an anchor or to a certificate whose issuer names one; servers send such chains),
 * it uses an anchor only where its subject equals a name of the chain, so the anchors left out
 * change nothing, and an acceptance is the whole store's too. Any other chain goes to the JDK's
 * path builder, whose choice among candidate paths depends on every anchor: the whole store
 * judges it, as it judges a chain with a name two anchors share (PKIX tries those in an order
 * drawn anew for each trust manager) and any run with revocation checking on. A
 * refusal is decided again by the whole store, made from the same bytes of the file (one reading
 * per process, as before), so its words are the JDK's. The JDK compares names two ways
 * (X500Name.equals: the RFC 2253 canonical forms, and the count of RDNs and attributes too unless
 * both forms were computed before), which differ only where Unicode normalisation (NFKD) turns a
 * character into a separator. So the index takes a name only when all its values are ASCII
 * PrintableString or UTF8String not starting with '#' ("plain": the canonical form is then
 * unambiguous and both ways agree), compares names on copies (never the chain's own objects, whose cached forms
 * would change how the JDK compares them later), and leaves to the whole store, untouched, every
 * chain with a name that is not plain or that equals an anchor's name that is not plain.
 *
 * <p>Only where the JDK's choices are all its defaults is the store indexed: a Java KeyStore file
 * (Debian's format) found where the JDK looks ({@code jssecacerts}, then {@code cacerts}), read by
 * the SUN provider's default keystore type, PKIX trust managers from SunJSSE over the SUN
 * provider's certificate factory and path validator and builder, none of the
 * {@code javax.net.ssl.trustStore*} properties, no {@code jdk.tls.client.enableCAExtension}
 * (which sends every anchor's name in the ClientHello) and no {@code com.sun.net.ssl.checkRevocation}. Every entry of the file must be
 * well-formed DER to its last byte. Otherwise the JDK reads the store whole, in the background, as
 * without this class. Left over: an entry that is well-formed DER but that the JDK's parser
 * refuses (a date with a letter in it) makes the JDK trust nothing at all, where this class still
 * accepts chains through the other anchors.
 *
 * <p>{@link #getAcceptedIssuers()} is what JSSE asks to decide whether a chain's last certificate
 * is itself an anchor (it then skips that one's algorithm check): it answers the anchors of the
 * chains checked so far, which include any such certificate of the chain being checked, or the
 * whole store once it has been read.
 */
final class SystemTrust implements X509TrustManager {
  /** The JKS file format's magic number (sun.security.provider.JavaKeyStore). */
  private static final int JKS_MAGIC = 0xFEEDFEED;
  /** The JDK's own trust store files are under java.home's lib/security (sun.security.ssl.TrustStoreManager). */
  private static final String SECURITY = System.getProperty("java.home") + File.separator + "lib" + File.separator + "security" + File.separator;

  /** Subset trust managers kept, one per set of anchors; past that the whole store decides. */
  private static final int MAX_SUBSETS = 64;

  /** The store's certificates by name; null: no index, the whole store decides. */
  private final CompletableFuture<Index> index;
  private final Supplier<X509TrustManager> unindexed;
  /** The store given, or null: the JDK's default (for words only; see {@link #unusable}). */
  private final Path store;
  private volatile X509TrustManager whole;
  private final Map<List<ByteBuffer>, X509TrustManager> subsets = new ConcurrentHashMap<>();
  private final Set<X509Certificate> anchorsUsed = ConcurrentHashMap.newKeySet();

  /**
   * The JDK's default trust, its store indexed on the common pool from now.
   *
   * @return a trust manager whose verdicts are those of {@code TrustManagerFactory.init((KeyStore) null)}'s
   */
  static SystemTrust startDefault() {
    return new SystemTrust(null, SystemTrust::jdkDefault);
  }

  /**
   * A trust over the Java KeyStore at store (null: {@link #defaultStore()}, where the JDK's choices
   * allow one), indexed on the common pool from now; without an index, unindexed makes the whole
   * set, read there at once.
   */
  SystemTrust(Path store, Supplier<X509TrustManager> unindexed) {
    this.store = store;
    this.unindexed = unindexed;
    this.index = CompletableFuture.supplyAsync(() -> {
      Path file = store != null ? store : defaultStore();
      Index read = file == null ? null : Index.read(file);
      if (read == null) {
        try {
          whole(null); // not whole(): this.index may not be assigned yet on this thread
        } catch (RuntimeException e) {
          // a store the JDK cannot read: each check tries again and refuses (wholeOrRefusal)
        }
      }
      dev.ejup.upload.tuning.Timeline.mark("system trust read");
      return read;
    });
  }

  /** Whether the whole store has been read (the index did not settle every chain so far). */
  boolean wholeStoreRead() {
    return whole != null;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    X509TrustManager subset = subsetFor(chain);
    if (subset != null) {
      try {
        subset.checkServerTrusted(chain, authType);
        return;
      } catch (CertificateException | RuntimeException e) {
        // the whole store decides, as the JDK would
      }
    }
    wholeOrRefusal().checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    wholeOrRefusal().checkClientTrusted(chain, authType);
  }

  /**
   * The whole store; a store the JDK cannot read, or one without a trusted certificate, refuses
   * every chain with {@link UnusableTrustStore} (a refusal, which --insecure overrides, not a crash;
   * the JDK's own words for the empty store come from deep inside PKIX as an unchecked exception).
   */
  private X509TrustManager wholeOrRefusal() throws CertificateException {
    X509TrustManager all = whole;
    if (all != null) {
      return all; // kept only when it holds a trusted certificate (whole): not asked again at every chain
    }
    try {
      all = whole(index.join());
    } catch (IllegalStateException e) {
      throw unusable(false, e.getCause() != null ? e.getCause() : e);
    }
    if (all.getAcceptedIssuers().length == 0) {
      throw unusable(true, null);
    }
    return all;
  }

  /**
   * What is wrong with the store the JDK reads (sun.security.ssl.TrustStoreManager: the trustStore
   * property's file, else jssecacerts; then cacerts; the first that is a readable file, else none:
   * an empty store), and the fix: the options of EJUP_JAVA_OPTS where one is set, else Debian's package.
   */
  private UnusableTrustStore unusable(boolean empty, Throwable cause) {
    boolean options = storeOptionSet();
    String property = System.getProperty("javax.net.ssl.trustStore");
    boolean named = store == null && property != null && !property.isEmpty();
    List<String> candidates = store != null ? List.of(store.toString())
        : List.of(named ? property : SECURITY + "jssecacerts", SECURITY + "cacerts");
    String used = firstReadable(candidates);
    String shown = used != null ? used : named ? property : candidates.get(candidates.size() - 1);
    String state;
    if (used == null) {
      state = missing(shown);
    } else if (new File(used).length() == 0) {
      state = "is empty (0 bytes)";
    } else if (empty) {
      state = "holds no trusted certificate";
    } else {
      state = "cannot be read: " + reason(cause);
    }
    String skipped = used != null && named && !used.equals(property) ? " (" + property + " " + missing(property) + ", so the JDK read this one)" : "";
    String fix = options
        ? "check -Djavax.net.ssl.trustStore, trustStoreType and trustStorePassword in EJUP_JAVA_OPTS (a PKCS12 store needs its password)"
        : "on Debian: apt-get install --reinstall ca-certificates-java && update-ca-certificates -f; or name a readable store with "
            + "EJUP_JAVA_OPTS=-Djavax.net.ssl.trustStore=FILE";
    return new UnusableTrustStore("the JDK's trust store " + linked(shown) + " " + state + skipped, fix, cause);
  }

  /** Whether any of the javax.net.ssl.trustStore* options is set (TrustStoreManager reads those four). */
  private static boolean storeOptionSet() {
    for (String property : new String[] {"javax.net.ssl.trustStore", "javax.net.ssl.trustStoreType",
        "javax.net.ssl.trustStoreProvider", "javax.net.ssl.trustStorePassword"}) {
      if (System.getProperty(property) != null) {
        return true;
      }
    }
    return false;
  }

  /** Why path is no readable file, in words. */
  private static String missing(String path) {
    try {
      Path file = Path.of(path);
      if (Files.isDirectory(file)) {
        return "is a directory";
      }
      if (Files.exists(file)) {
        return Files.isRegularFile(file) ? "cannot be read by user " + System.getProperty("user.name") : "is not a file";
      }
      return Files.isSymbolicLink(file) ? "is a link to a file that does not exist" : "does not exist";
    } catch (RuntimeException e) {
      return "is no file this system can open";
    }
  }

  /** path, and where it links to (Debian's cacerts: /etc/ssl/certs/java/cacerts). */
  private static String linked(String path) {
    try {
      Path file = Path.of(path);
      return Files.isSymbolicLink(file) ? path + " (" + Files.readSymbolicLink(file) + ")" : path;
    } catch (IOException | RuntimeException e) {
      return path;
    }
  }

  /**
   * The key store's words for why it cannot be loaded: the first two different messages of the
   * causes (the JDK's wrapper's, "problem accessing trust store", then what it wraps, e.g. "Keystore
   * was tampered with, or password was incorrect"), leaving out a parser's internals.
   */
  private static String reason(Throwable cause) {
    List<String> said = new ArrayList<>();
    for (Throwable t = cause; t != null && said.size() < 2; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage().strip();
      if (!message.isEmpty() && !message.matches("(?s).*\\b[A-Za-z_$][\\w$]*\\.[\\w$.]*\\(.*") && !message.matches("(?s)^[a-z]+(\\.[a-z0-9_]+)+\\.[A-Z].*")
          && said.stream().noneMatch(message::contains)) {
        said.add(message);
      }
    }
    return said.isEmpty() ? "not a key store this JDK can read" : String.join(": ", said);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    if (index.join() == null || whole != null) {
      try {
        return whole().getAcceptedIssuers();
      } catch (IllegalStateException e) {
        return new X509Certificate[0]; // a store the JDK cannot read: checkServerTrusted refuses
      }
    }
    return anchorsUsed.toArray(new X509Certificate[0]);
  }

  /** The JDK's trust manager over the anchors chain can lead to, or null when the whole store must decide. */
  private X509TrustManager subsetFor(X509Certificate[] chain) {
    Index byName = index.join();
    if (byName == null || chain == null || chain.length == 0) {
      return null;
    }
    // the names' bytes (copies), never the chain's principal objects: see the class comment; each
    // once (a certificate's issuer is the next one's subject), as each costs a canonical form
    Map<ByteBuffer, List<byte[]>> named = new LinkedHashMap<>();
    for (X509Certificate certificate : chain) {
      for (byte[] name : new byte[][] {certificate.getSubjectX500Principal().getEncoded(), certificate.getIssuerX500Principal().getEncoded()}) {
        ByteBuffer key = ByteBuffer.wrap(name);
        if (!named.containsKey(key)) {
          List<byte[]> anchors = byName.certificatesNamed(name);
          // Two anchors of one name: PKIX tries them in a set's order (TrustAnchor has no
          // hashCode of its own: a new order for each trust manager) and judges the first that
          // validates by checks it does not go back on (an anchor that is no CA, a CA distrust
          // policy). A subset would be a second draw after the whole store's (breaker13)
          if (anchors == null || anchors.size() > 1) {
            return null;
          }
          named.put(key, anchors);
        }
      }
    }
    try {
      if (!validatedAsGiven(chain, named)) {
        return null;
      }
    } catch (CertificateException e) {
      return null;
    }
    List<ByteBuffer> anchors = new ArrayList<>();
    for (List<byte[]> each : named.values()) {
      for (byte[] der : each) {
        ByteBuffer anchor = ByteBuffer.wrap(der);
        if (!anchors.contains(anchor)) {
          anchors.add(anchor);
        }
      }
    }
    if (anchors.isEmpty()) {
      return null;
    }
    X509TrustManager known = subsets.get(anchors);
    if (known != null) {
      return known;
    }
    if (subsets.size() >= MAX_SUBSETS) {
      return null;
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> parsed = new ArrayList<>();
      for (ByteBuffer der : anchors) {
        X509Certificate certificate = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der.array()));
        store.setCertificateEntry("anchor" + parsed.size(), certificate);
        parsed.add(certificate);
      }
      X509TrustManager subset = fromFactory(store);
      anchorsUsed.addAll(parsed);
      subsets.putIfAbsent(anchors, subset);
      return subset;
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether the JDK's PKIXValidator (engineValidate) validates chain as it is given, the one way
   * whose verdict depends on no anchor but those the chain's names lead to: its certificates in
   * order (each one's subject the previous one's issuer) up to one that is itself an anchor, or to
   * the last, whose issuer names an anchor. Any other chain goes to the JDK's path builder, which
   * tries same-named candidates in an order set by every anchor of the store (ForwardBuilder's
   * comparator: the distance to each trusted subject) and does not go back on checks made after
   * it chose a path (a trust anchor that is no CA, a CA distrust policy): a subset could choose
   * another path than the whole store (breaker12). A certificate with an anchor's name and key
   * but not its bytes is not taken for an anchor here (the JDK takes it for one after the first
   * position): the chain then goes on to the next test, which only ever leaves more to the whole
   * store.
   *
   * @param named the anchors (DER) each name of the chain leads to, by the name's DER
   */
  private static boolean validatedAsGiven(X509Certificate[] chain, Map<ByteBuffer, List<byte[]>> named) throws CertificateException {
    byte[] issuer = null;
    for (X509Certificate certificate : chain) {
      byte[] subject = certificate.getSubjectX500Principal().getEncoded();
      if (issuer != null && !java.util.Arrays.equals(subject, issuer) && !Index.canonical(subject).equals(Index.canonical(issuer))) {
        return false; // out of order
      }
      byte[] der = certificate.getEncoded();
      for (byte[] anchor : named.get(ByteBuffer.wrap(subject))) {
        if (java.util.Arrays.equals(anchor, der)) {
          return true; // trusted as it is
        }
      }
      issuer = certificate.getIssuerX500Principal().getEncoded();
    }
    return !named.get(ByteBuffer.wrap(issuer)).isEmpty();
  }

  private X509TrustManager whole() {
    X509TrustManager all = whole;
    return all != null ? all : whole(index.join());
  }

  /** The whole store: from the bytes read indexed, or as the JDK reads it without an index. */
  private X509TrustManager whole(Index read) {
    X509TrustManager all = whole;
    if (all == null) {
      synchronized (this) {
        all = whole;
        if (all == null) {
          all = read != null ? read.wholeStore() : unindexed.get();
          // a store without a certificate is not kept: once fixed, the next check reads it again
          if (all.getAcceptedIssuers().length > 0) {
            whole = all;
          }
        }
      }
    }
    return all;
  }

  /** The JDK's trust manager over its default store: what this class stands in for. */
  private static X509TrustManager jdkDefault() {
    return fromFactory(null);
  }

  private static X509TrustManager fromFactory(KeyStore store) {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (var manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("no X509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the system's trusted certificates", e);
    }
  }

  /**
   * The file the JDK's default trust manager reads (sun.security.ssl.TrustStoreManager): the first
   * readable file of jssecacerts and cacerts under java.home; null when any of the JDK's choices
   * is not its default (see the class comment), so that the JDK reads its store itself.
   */
  static Path defaultStore() {
    if (storeOptionSet()) {
      return null;
    }
    // revocation checking (PKIXValidator, off by default) looks for a CRL's issuer and an OCSP
    // responder among all the anchors, not only those the chain's names lead to (breaker12)
    if (Boolean.getBoolean("com.sun.net.ssl.checkRevocation")) {
      return null;
    }
    String ca = System.getProperty("jdk.tls.client.enableCAExtension");
    if (ca != null && !ca.equalsIgnoreCase("false")) {
      return null;
    }
    try {
      // the default keystore type reads a JKS file: the SUN provider's PKCS12 in its compatibility
      // mode (KeyStoreDelegator turns it on only for exactly "true"), or its JKS
      String type = KeyStore.getDefaultType();
      boolean readsJks = type.equalsIgnoreCase("jks")
          || type.equalsIgnoreCase("pkcs12") && "true".equalsIgnoreCase(Security.getProperty("keystore.type.compat"));
      if (!readsJks || !KeyStore.getInstance(type).getProvider().getName().equals("SUN")) {
        return null;
      }
      // PKIX uses only anchors a name of the chain leads to; SunX509's SimpleValidator picks among
      // same-named anchors by a HashSet's order, which a subset changes
      String algorithm = TrustManagerFactory.getDefaultAlgorithm();
      if (!algorithm.equalsIgnoreCase("PKIX") || !TrustManagerFactory.getInstance(algorithm).getProvider().getName().equals("SunJSSE")
          || !java.security.cert.CertPathValidator.getInstance("PKIX").getProvider().getName().equals("SUN")
          || !java.security.cert.CertPathBuilder.getInstance("PKIX").getProvider().getName().equals("SUN")
          || !CertificateFactory.getInstance("X.509").getProvider().getName().equals("SUN")) {
        return null;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
    String read = firstReadable(List.of(SECURITY + "jssecacerts", SECURITY + "cacerts"));
    return read == null ? null : Path.of(read);
  }

  /** The first of the files that is a readable file, as TrustStoreManager chooses, or null. */
  private static String firstReadable(List<String> files) {
    for (String candidate : files) {
      File file = new File(candidate);
      if (file.isFile() && file.canRead()) {
        return candidate;
      }
    }
    return null;
  }

  /** A Java KeyStore file's trusted certificates by subject name, and the file's bytes, from which the whole store is made. */
  static final class Index {
    private final byte[] file;
    /** Anchors whose subject is plain (see {@link Names#plain}), by that key. */
    private final Map<String, List<Named>> byPlainName = new HashMap<>();
    /** The other anchors (Debian's store: 4 of 145), with their subject's canonical form. */
    private final List<Named> others = new ArrayList<>();

    private Index(byte[] file) {
      this.file = file;
    }

    /** One anchor: its certificate, its subject's DER, and for one not plain the subject's canonical form. */
    private static final class Named {
      final byte[] certificate;
      final byte[] subject;
      final String canonical;

      Named(byte[] certificate, byte[] subject, String canonical) {
        this.certificate = certificate;
        this.subject = subject;
        this.canonical = canonical;
      }
    }

    /**
     * The store at path indexed, or null when it is no Java KeyStore file, holds anything but
     * trusted X.509 certificates, or has an entry that is not well-formed DER to its end.
     */
    static Index read(Path path) {
      try {
        byte[] bytes = Files.readAllBytes(path);
        List<byte[]> anchors = anchors(bytes);
        // none: the JDK reads the file (again once it is fixed: see whole)
        if (anchors == null || anchors.isEmpty()) {
          return null;
        }
        Index index = new Index(bytes);
        for (byte[] der : anchors) {
          byte[] subject = subject(der);
          if (subject == null) {
            return null;
          }
          String plain = Names.plain(subject);
          if (plain != null) {
            add(index.byPlainName.computeIfAbsent(plain, k -> new ArrayList<>(1)), new Named(der, subject, null));
          } else {
            add(index.others, new Named(der, subject, canonical(subject)));
          }
        }
        return index;
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    private static void add(List<Named> list, Named named) {
      for (Named each : list) {
        if (java.util.Arrays.equals(each.certificate, named.certificate)) {
          return; // the same certificate under two aliases is one anchor to the JDK too
        }
      }
      list.add(named);
    }

    /** The RFC 2253 canonical form of a name, as X500Principal.equals compares it, on an object of its own. */
    private static String canonical(byte[] name) {
      return new javax.security.auth.x500.X500Principal(name).getName(javax.security.auth.x500.X500Principal.CANONICAL);
    }

    /**
     * The certificates whose subject the JDK takes for name (the DER of a Name), or null when the
     * whole store must decide: name is not plain, or an anchor that is not plain has its canonical
     * form. A plain name equals another only if their plain keys do (the canonical form folds case
     * and spaces, which the key leaves out); each candidate is then compared by its canonical form,
     * unless its bytes are name's own.
     */
    List<byte[]> certificatesNamed(byte[] name) {
      String plain = Names.plain(name);
      if (plain == null) {
        return null;
      }
      String canonical = null;
      if (!others.isEmpty()) {
        canonical = canonical(name);
        for (Named other : others) {
          if (other.canonical.equals(canonical)) {
            return null;
          }
        }
      }
      List<byte[]> found = new ArrayList<>();
      for (Named candidate : byPlainName.getOrDefault(plain, List.of())) {
        if (java.util.Arrays.equals(candidate.subject, name)) {
          found.add(candidate.certificate);
        } else {
          if (canonical == null) {
            canonical = canonical(name);
          }
          if (canonical(candidate.subject).equals(canonical)) {
            found.add(candidate.certificate);
          }
        }
      }
      return found;
    }

    /** Every anchor's certificate, once each. */
    List<byte[]> certificates() {
      List<byte[]> all = new ArrayList<>();
      for (List<Named> named : byPlainName.values()) {
        for (Named each : named) {
          all.add(each.certificate);
        }
      }
      for (Named each : others) {
        all.add(each.certificate);
      }
      return all;
    }

    /** The JDK's trust manager over the whole store, read from the same bytes as TrustStoreManager reads the file. */
    X509TrustManager wholeStore() {
      try {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(new ByteArrayInputStream(file), null);
        return fromFactory(store);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot load the system's trusted certificates", e);
      }
    }

    /**
     * The trusted certificates of a Java KeyStore file as the JDK takes them, or null when it is no
     * such file, holds anything but trusted X.509 certificates, or cannot be walked to the end.
     */
    static List<byte[]> anchors(byte[] bytes) throws IOException {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      if (in.readInt() != JKS_MAGIC) {
        return null;
      }
      int version = in.readInt();
      int count = in.readInt();
      if (version != 1 && version != 2 || count < 0) {
        return null;
      }
      // as sun.security.provider.JavaKeyStore reads them: by alias as written, a later entry of the
      // same alias replacing an earlier one; the JDK's trust then takes, for each alias, the entry
      // of that alias in lower case (JKS's lookups convert it), which may be another or none
      Map<String, byte[]> byAlias = new HashMap<>();
      for (int i = 0; i < count; i++) {
        if (in.readInt() != 2) {
          return null; // a private key entry: its chain's first certificate would be an anchor too
        }
        String alias = in.readUTF();
        in.readLong();
        if (version == 2 && !in.readUTF().equals("X.509")) {
          return null;
        }
        int length = in.readInt();
        if (length <= 0 || length > in.available()) {
          return null;
        }
        byte[] der = new byte[length];
        in.readFully(der);
        if (!Der.wellFormed(der)) {
          return null; // the JDK parses every entry, anchor or not, and trusts nothing when one fails
        }
        byAlias.put(alias, der);
      }
      List<byte[]> anchors = new ArrayList<>();
      for (String alias : byAlias.keySet()) {
        byte[] der = byAlias.get(alias.toLowerCase(Locale.ENGLISH));
        if (der != null) {
          anchors.add(der);
        }
      }
      return anchors;
    }
  }

  /**
   * The DER of a certificate's subject Name (RFC 5280 4.1: Certificate, TBSCertificate, [0] version,
   * serialNumber, signature, issuer, validity, subject), or null when der is not shaped so.
   */
  static byte[] subject(byte[] der) {
    int[] at = {0};
    if (Der.enter(der, at, 0x30) < 0 || Der.enter(der, at, 0x30) < 0) {
      return null;
    }
    if (at[0] < der.length && (der[at[0]] & 0xff) == 0xa0 && Der.skip(der, at, 0xa0) < 0) {
      return null;
    }
    if (Der.skip(der, at, 0x02) < 0 || Der.skip(der, at, 0x30) < 0 || Der.skip(der, at, 0x30) < 0 || Der.skip(der, at, 0x30) < 0) {
      return null;
    }
    int start = at[0];
    if (Der.skip(der, at, 0x30) < 0) {
      return null;
    }
    return java.util.Arrays.copyOfRange(der, start, at[0]);
  }

  /**
   * Keys for X.500 names (RFC 5280 4.1.2.4: a SEQUENCE of RDN SETs of type-and-value SEQUENCEs)
   * that plain names the JDK takes for equal share. X500Principal.equals compares RFC 2253
   * canonical forms (sun.security.x509.AVA): per attribute its type, and a PrintableString or
   * UTF8String value of a keyword type trimmed, its spaces collapsed, case folded and
   * NFKD-normalised, any other value as the hex of its DER; the attributes of one RDN in sorted
   * order.
   */
  static final class Names {
    private Names() {}

    /**
     * For a name whose values are all PrintableString or UTF8String of ASCII only, none starting
     * with '#' after blanks ("plain"): its attribute types, RDN by RDN (each RDN's sorted), each with its value's letters
     * (lower case) and digits, which canonical forms keep as they are. Null for any other name, or
     * bytes that are not a Name.
     */
    static String plain(byte[] name) {
      return key(name, true);
    }

    private static String key(byte[] name, boolean withValues) {
      int[] at = {0};
      int length = Der.enter(name, at, 0x30);
      if (length < 0 || at[0] + length != name.length) {
        return null;
      }
      StringBuilder key = new StringBuilder();
      while (at[0] < name.length) {
        int rdnLength = Der.enter(name, at, 0x31);
        if (rdnLength < 0) {
          return null;
        }
        int rdnEnd = at[0] + rdnLength;
        List<String> attributes = new ArrayList<>(1);
        while (at[0] < rdnEnd) {
          int avaLength = Der.enter(name, at, 0x30);
          int typeStart = at[0];
          if (avaLength < 0 || Der.skip(name, at, 0x06) < 0 || at[0] + 2 > name.length) {
            return null;
          }
          // the type's whole element (tag, length, OID): self-delimiting, as hex
          StringBuilder attribute = new StringBuilder(java.util.HexFormat.of().formatHex(name, typeStart, at[0]));
          int tag = name[at[0]] & 0xff;
          int valueLength = Der.enter(name, at, tag);
          if (valueLength < 0 || at[0] + valueLength != typeStart + avaLength) {
            return null;
          }
          if (withValues) {
            // an IA5String is canonical as '#'-hex, which a string value trimmed to a '#' imitates (breaker11)
            if (tag != 0x13 && tag != 0x0c) {
              return null;
            }
            int first = at[0];
            while (first < at[0] + valueLength && (name[first] & 0xff) <= 0x20) {
              first++;
            }
            if (first < at[0] + valueLength && name[first] == '#') {
              return null;
            }
            attribute.append('=');
            for (int i = at[0]; i < at[0] + valueLength; i++) {
              int c = name[i] & 0xff;
              if (c >= 0x80) {
                return null;
              }
              if (c >= 'A' && c <= 'Z') {
                attribute.append((char) (c + ('a' - 'A')));
              } else if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                attribute.append((char) c);
              }
            }
          }
          at[0] += valueLength;
          attributes.add(attribute.toString());
        }
        if (at[0] != rdnEnd || attributes.isEmpty()) {
          return null;
        }
        java.util.Collections.sort(attributes);
        key.append(String.join("+", attributes)).append('|');
      }
      return key.toString();
    }
  }

  /** Walking DER's tag-length-value elements (X.690): definite lengths, low tag numbers, as certificates have them. */
  static final class Der {
    private Der() {}

    /** Whether der is one element whose constructed parts, all the way down, fill their parents exactly. */
    static boolean wellFormed(byte[] der) {
      int[] at = {0};
      return element(der, at, der.length, 0) && at[0] == der.length;
    }

    private static boolean element(byte[] der, int[] at, int end, int depth) {
      if (at[0] >= end || depth > 32) {
        return false;
      }
      int tag = der[at[0]] & 0xff;
      if ((tag & 0x1f) == 0x1f) {
        return false;
      }
      int length = enter(der, at, tag);
      if (length < 0 || at[0] + length > end) {
        return false;
      }
      int contentEnd = at[0] + length;
      if ((tag & 0x20) != 0) {
        while (at[0] < contentEnd) {
          if (!element(der, at, contentEnd, depth + 1)) {
            return false;
          }
        }
      }
      at[0] = contentEnd;
      return true;
    }

    /** Moves at past the header of a tag's element; its content's length, or -1. */
    static int enter(byte[] der, int[] at, int tag) {
      int p = at[0];
      if (p + 2 > der.length || (der[p] & 0xff) != tag) {
        return -1;
      }
      int first = der[p + 1] & 0xff;
      p += 2;
      int length;
      if (first < 0x80) {
        length = first;
      } else {
        int bytes = first & 0x7f;
        if (bytes == 0 || bytes > 3 || p + bytes > der.length) {
          return -1; // indefinite or absurd lengths: not DER a certificate has
        }
        length = 0;
        for (int i = 0; i < bytes; i++) {
          length = length << 8 | der[p++] & 0xff;
        }
      }
      if (p + length > der.length) {
        return -1;
      }
      at[0] = p;
      return length;
    }

    /** Moves at past a whole element of the tag; its content's length, or -1. */
    static int skip(byte[] der, int[] at, int tag) {
      int length = enter(der, at, tag);
      if (length >= 0) {
        at[0] += length;
      }
      return length;
    }
  }
}
