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
import java.util.LinkedHashSet;
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
 * of it). Here the store's file is only read and indexed by each certificate's subject name (its
 * DER bytes, found by walking the first fields of the certificate); a chain is then checked by a
 * trust manager the JDK makes, with the JDK's own factory, from the anchors whose subject is the
 * subject or issuer of one of the chain's certificates (usually one).
 *
 * <p>The verdict is the JDK's. An acceptance by a subset of the anchors is one the whole set gives
 * too: PKIX finds a path to an anchor of the subset, which is in the whole set, and more anchors
 * open more paths, never fewer; anchor-specific distrust policies apply to that same anchor.
 * Anything else (a refusal, a name written in other bytes than the store's, a path the JDK would
 * build through certificates the chain does not carry) is decided again by the whole store, as
 * without this class. Only a Java KeyStore file (Debian's format) found where the JDK looks for it
 * ({@code jssecacerts}, then {@code cacerts}), with none of the {@code javax.net.ssl.trustStore*}
 * properties set, is indexed; any other store, or a file the index cannot walk, is read whole by
 * the JDK in the background, as before.
 *
 * <p>{@link #getAcceptedIssuers()} is what JSSE asks to decide whether a chain's last certificate
 * is itself an anchor (it then skips that one's algorithm check): it answers the anchors of the
 * chains checked so far, which include any such certificate of the chain being checked, or the
 * whole store once it has been read.
 */
final class SystemTrust implements X509TrustManager {
  /** The JKS file format's magic number (sun.security.provider.JavaKeyStore). */
  private static final int JKS_MAGIC = 0xFEEDFEED;
  /** Subset trust managers kept, one per set of anchors; past that the whole store decides. */
  private static final int MAX_SUBSETS = 64;

  /** Subject (DER of the Name) to the certificates in the store with it; null: no index, the whole store decides. */
  private final CompletableFuture<Map<ByteBuffer, List<byte[]>>> index;
  private final Supplier<X509TrustManager> wholeStore;
  private volatile X509TrustManager whole;
  private final Map<List<ByteBuffer>, X509TrustManager> subsets = new ConcurrentHashMap<>();
  private final Set<X509Certificate> anchorsUsed = ConcurrentHashMap.newKeySet();

  /**
   * The JDK's default trust, its store indexed on the common pool from now.
   *
   * @return a trust manager whose verdicts are those of {@code TrustManagerFactory.init((KeyStore) null)}'s
   */
  static SystemTrust startDefault() {
    Path store = defaultStore();
    return new SystemTrust(store, SystemTrust::jdkDefault);
  }

  /**
   * A trust over the Java KeyStore at store (null: none to index), whose whole set wholeStore makes.
   * The index is read on the common pool; where there is none, the whole store is read there instead.
   */
  SystemTrust(Path store, Supplier<X509TrustManager> wholeStore) {
    this.wholeStore = wholeStore;
    this.index = CompletableFuture.supplyAsync(() -> {
      Map<ByteBuffer, List<byte[]>> read = store == null ? null : index(store);
      if (read == null) {
        whole();
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
    whole().checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    whole().checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    X509TrustManager all = whole;
    return all != null ? all.getAcceptedIssuers() : anchorsUsed.toArray(new X509Certificate[0]);
  }

  /** The JDK's trust manager over the anchors chain can lead to, or null when the whole store must decide. */
  private X509TrustManager subsetFor(X509Certificate[] chain) {
    Map<ByteBuffer, List<byte[]>> byName = index.join();
    if (byName == null || chain == null || chain.length == 0) {
      return null;
    }
    Set<ByteBuffer> names = new LinkedHashSet<>();
    for (X509Certificate certificate : chain) {
      names.add(ByteBuffer.wrap(certificate.getSubjectX500Principal().getEncoded()));
      names.add(ByteBuffer.wrap(certificate.getIssuerX500Principal().getEncoded()));
    }
    List<ByteBuffer> anchors = new ArrayList<>();
    for (ByteBuffer name : names) {
      List<byte[]> withName = byName.get(name);
      if (withName != null) {
        for (byte[] der : withName) {
          anchors.add(ByteBuffer.wrap(der));
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

  private X509TrustManager whole() {
    X509TrustManager all = whole;
    if (all == null) {
      synchronized (this) {
        all = whole;
        if (all == null) {
          all = wholeStore.get();
          whole = all;
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
   * readable file of jssecacerts and cacerts under java.home, or null when the JDK is told
   * otherwise (a javax.net.ssl.trustStore* property) or would read it as another type.
   */
  static Path defaultStore() {
    for (String property : new String[] {"javax.net.ssl.trustStore", "javax.net.ssl.trustStoreType",
        "javax.net.ssl.trustStoreProvider", "javax.net.ssl.trustStorePassword"}) {
      if (System.getProperty(property) != null) {
        return null;
      }
    }
    // the default type reads a JKS file: PKCS12 in its compatibility mode (the default), or JKS itself
    String type = KeyStore.getDefaultType().toLowerCase(Locale.ROOT);
    boolean readsJks = type.equals("jks") || type.equals("pkcs12") && !"false".equalsIgnoreCase(Security.getProperty("keystore.type.compat"));
    if (!readsJks) {
      return null;
    }
    String security = System.getProperty("java.home") + File.separator + "lib" + File.separator + "security" + File.separator;
    for (String name : new String[] {"jssecacerts", "cacerts"}) {
      File file = new File(security + name);
      if (file.isFile() && file.canRead()) {
        return file.toPath();
      }
    }
    return null;
  }

  /**
   * The trusted certificates of a Java KeyStore file by subject, or null when it is no such file,
   * holds anything but trusted X.509 certificates, or cannot be walked to the end.
   */
  static Map<ByteBuffer, List<byte[]>> index(Path store) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(store)))) {
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
        byAlias.put(alias, der);
      }
      List<byte[]> anchors = new ArrayList<>();
      for (String alias : byAlias.keySet()) {
        byte[] der = byAlias.get(alias.toLowerCase(Locale.ENGLISH));
        if (der != null) {
          anchors.add(der);
        }
      }
      Map<ByteBuffer, List<byte[]>> bySubject = new HashMap<>();
      for (byte[] der : anchors) {
        byte[] subject = subject(der);
        if (subject == null) {
          return null;
        }
        List<byte[]> withSubject = bySubject.get(ByteBuffer.wrap(subject));
        if (withSubject == null) {
          withSubject = new ArrayList<>(1);
          bySubject.put(ByteBuffer.wrap(subject), withSubject);
        }
        if (!containsBytes(withSubject, der)) {
          withSubject.add(der); // the same certificate under two aliases is one anchor to the JDK too
        }
      }
      return bySubject;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean containsBytes(List<byte[]> list, byte[] bytes) {
    for (byte[] each : list) {
      if (java.util.Arrays.equals(each, bytes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The DER of a certificate's subject Name (RFC 5280 4.1: Certificate, TBSCertificate, [0] version,
   * serialNumber, signature, issuer, validity, subject), or null when der is not shaped so.
   */
  static byte[] subject(byte[] der) {
    int[] at = {0};
    if (enter(der, at, 0x30) < 0 || enter(der, at, 0x30) < 0) {
      return null;
    }
    if (at[0] < der.length && (der[at[0]] & 0xff) == 0xa0 && skip(der, at, 0xa0) < 0) {
      return null;
    }
    if (skip(der, at, 0x02) < 0 || skip(der, at, 0x30) < 0 || skip(der, at, 0x30) < 0 || skip(der, at, 0x30) < 0) {
      return null;
    }
    int start = at[0];
    if (skip(der, at, 0x30) < 0) {
      return null;
    }
    return java.util.Arrays.copyOfRange(der, start, at[0]);
  }

  /** Moves at past the header of a tag's element; its content's length, or -1. */
  private static int enter(byte[] der, int[] at, int tag) {
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
  private static int skip(byte[] der, int[] at, int tag) {
    int length = enter(der, at, tag);
    if (length >= 0) {
      at[0] += length;
    }
    return length;
  }
}
