package dev.ejup.upload.tuning;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * The cold parts of a check that do not depend on its arguments, started as soon as the command
 * line says a check will run, on the second core, while the main thread parses and validates the
 * arguments. In the order the check needs them:
 *
 * <ul>
 *   <li>the system's trusted certificates, indexed on the common pool (Tls's class initialisation;
 *       a few ms, where reading them whole was ~60 ms of CPU: see SystemTrust; needed when the
 *       server's certificate comes);
 *   <li>Smack's start-up: its configuration file, providers, the TCP connection's classes (about
 *       80 ms of a cold check);
 *   <li>what the XMPP connection's set-up touches before its first byte: JSSE's provider and TLS
 *       context, its named groups (the predefined DH groups are parsed from hex), the JDK's IDN
 *       (minidns and OkHttp pass every host name through it) and the seeded SecureRandom;
 *   <li>on a thread of its own, the key shares JSSE sends in every ClientHello (x25519 and P-256
 *       by default). The first P-256 key pair of a JVM builds JDK 25's table of 60 multiples of
 *       the curve's generator in cold code: measured ~120 ms of CPU inside the STARTTLS
 *       handshake, for a key share ejabberd does not even pick (it takes x25519).
 * </ul>
 *
 * Nothing here decides anything: a piece that fails is done again, and reported, by the check.
 * The work is the check's own, moved earlier; only a run that never gets to its handshake (a usage
 * error, a closed port) spends it for nothing, and that run is over in a moment anyway.
 */
public final class Warmup {
  private Warmup() {}

  public static void start() {
    for (Thread thread : new Thread[] {new Thread(Warmup::run, "ejup-warmup"), new Thread(Warmup::keyShares, "ejup-warmup-keys")}) {
      thread.setDaemon(true);
      thread.start();
    }
  }

  private static void run() {
    ClassLoader loader = Warmup.class.getClassLoader();
    try {
      Class.forName("dev.ejup.upload.Tls", true, loader);
      SmackSetup.ensure();
      Class.forName("org.jivesoftware.smack.tcp.XMPPTCPConnection", true, loader);
      Timeline.mark("smack ready");
      javax.net.ssl.SSLContext.getInstance("TLS");
      Class.forName("sun.security.ssl.NamedGroup", true, null);
      java.net.IDN.toASCII("localhost");
      new java.security.SecureRandom().nextLong();
      Timeline.mark("jsse ready");
    } catch (ReflectiveOperationException | LinkageError | java.security.GeneralSecurityException | RuntimeException e) {
      // the check itself will do this work and report what is wrong
    }
  }

  /**
   * One key pair of each group JSSE will send a share of: as its ClientHello does, the first group
   * of each of the first two families (XDH, ECDHE, FFDHE) in jdk.tls.namedGroups, or x25519 and
   * P-256 by default. Where {@link KeyShares} offers one share (JDK 20+), x25519's only.
   */
  private static void keyShares() {
    try {
      // what KeyShares offers, where it offers it; else jdk.tls.namedGroups or JSSE's default
      for (String group : shared(KeyShares.active() ? String.join(",", KeyShares.ONE_SHARE) : System.getProperty("jdk.tls.namedGroups"))) {
        KeyPairGenerator generator;
        if (group.startsWith("x")) {
          generator = KeyPairGenerator.getInstance(group);
        } else {
          generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec(group));
        }
        generator.generateKeyPair();
      }
      Timeline.mark("key shares ready");
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      // the handshake makes its own and reports what is wrong
    }
  }

  /** The groups of jdk.tls.namedGroups (null: the JDK's default) JSSE makes key shares of, XDH and ECDHE ones only. */
  static java.util.List<String> shared(String namedGroups) {
    if (namedGroups == null || namedGroups.isBlank()) {
      return java.util.List.of("x25519", "secp256r1");
    }
    java.util.List<String> families = new java.util.ArrayList<>();
    java.util.List<String> groups = new java.util.ArrayList<>();
    for (String name : namedGroups.replace("\"", "").split(",")) {
      String group = name.trim().toLowerCase(java.util.Locale.ROOT);
      String family = group.equals("x25519") || group.equals("x448") ? "xdh"
          : group.matches("secp(256|384|521)r1") ? "ecdhe" : group.startsWith("ffdhe") ? "ffdhe" : null;
      if (family == null || families.contains(family)) {
        continue;
      }
      families.add(family);
      if (!family.equals("ffdhe")) {
        groups.add(group);
      }
      if (families.size() == 2) {
        break;
      }
    }
    return groups;
  }
}
