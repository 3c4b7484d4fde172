package dev.ejup.upload;

import dev.ejup.model.Status;

/**
 * Thrown inside the flow when a step fails: its status, one-line detail and the fix, and what
 * kind of failure it is, so that later decisions read the kind and never the wording.
 */
final class StepFailure extends Exception {
  /** What happened, as far as a later decision needs to know it. */
  enum Kind {
    /** nothing accepted the TCP connection */
    CONNECTION_REFUSED,
    /** the host name did not resolve */
    UNRESOLVED,
    /** the TLS certificate was refused (not trusted, or not valid for the name) */
    CERTIFICATE,
    /** this machine's trust store cannot judge any certificate ({@link UnusableTrustStore}): no verdict on the server's */
    TRUST_STORE,
    /** the upload service refused a slot with XEP-0363's file-too-large */
    FILE_TOO_LARGE,
    /** refused with not-acceptable, XEP-0363's condition for a file too large, but without file-too-large */
    NOT_ACCEPTABLE,
    /** refused with another stanza error that is a decision (forbidden, not-allowed, policy-violation...), not a failure */
    REFUSED,
    /** the server had ended the XMPP stream before the request was sent: nothing was asked */
    STREAM_GONE,
    /** anything else */
    OTHER
  }

  final Status status;
  final String hint;
  final Kind kind;

  StepFailure(Status status, String detail, String hint) {
    this(status, detail, hint, Kind.OTHER);
  }

  StepFailure(Status status, String detail, String hint, Kind kind) {
    super(detail, null, false, false);
    this.status = status;
    this.hint = hint;
    this.kind = kind;
  }

  static StepFailure crit(String detail, String hint) {
    return new StepFailure(Status.CRIT, detail, hint);
  }

  static StepFailure crit(Kind kind, String detail, String hint) {
    return new StepFailure(Status.CRIT, detail, hint, kind);
  }
}
