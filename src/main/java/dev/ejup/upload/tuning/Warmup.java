package dev.ejup.upload.tuning;

/**
 * Smack's start-up (its configuration file, providers, the TCP connection's classes) takes about
 * 80 ms of a cold check. Started as soon as the command line says a check will run, it overlaps
 * the parsing of the arguments instead of following it.
 */
public final class Warmup {
  private Warmup() {}

  public static void start() {
    Thread thread = new Thread(() -> {
      try {
        SmackSetup.ensure();
        Class.forName("org.jivesoftware.smack.tcp.XMPPTCPConnection", true, Warmup.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        // the check itself will load these and report what is wrong
      }
    }, "ejup-smack-warmup");
    thread.setDaemon(true);
    thread.start();
  }
}
