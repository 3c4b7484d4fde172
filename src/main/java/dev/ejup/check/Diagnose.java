package dev.ejup.check;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Turns the exceptions of sockets and TLS into what a sysadmin needs to read: cause and fix. */
final class Diagnose {
  private Diagnose() {}

  static StepFailure network(Throwable e, String where, String what) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      root = t;
      if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof SSLException
          || t instanceof SocketTimeoutException || t instanceof NoRouteToHostException) {
        break;
      }
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    if (root instanceof ConnectException) {
      return StepFailure.crit("connection to " + where + " refused",
          "nothing listens there: is " + what + " running, and is the port right? (ejabberdctl status; ejup config validate)");
    }
    if (root instanceof UnknownHostException) {
      return StepFailure.crit("cannot resolve " + where + ": " + message,
          "check DNS for the name, or give the address with --server HOST[:PORT]");
    }
    if (root instanceof SocketTimeoutException || root instanceof InterruptedIOException) {
      return StepFailure.crit(where + " accepted the connection but did not answer in time",
          "the server or a proxy in front of it hangs; check " + what + "'s logs and load");
    }
    if (root instanceof SSLPeerUnverifiedException || message.contains("not verified") || message.contains("hostname")) {
      return StepFailure.crit("TLS certificate of " + where + " is not valid for that name: " + message,
          "use a certificate whose subjectAltName covers the name (or --insecure to check the rest anyway)");
    }
    if (root instanceof SSLHandshakeException || root instanceof SSLException) {
      if (message.contains("PKIX") || message.contains("certification path") || message.contains("trust")) {
        return StepFailure.crit("TLS certificate of " + where + " is not trusted (self-signed or unknown CA)",
            "install a certificate from a CA clients trust (e.g. Let's Encrypt), or --insecure to check the rest anyway");
      }
      return StepFailure.crit("TLS with " + where + " failed: " + message, "check the listener's tls and certificate settings");
    }
    return StepFailure.crit(where + ": " + message, "run again with --debug for details");
  }
}
