package dev.ejup.upload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bytes of an XMPP stream, refused as soon as the server sends more than a client ever needs
 * to hold in memory at once. Smack's parser (StAX) keeps a whole attribute value or text node in
 * memory, and a server that sends one forever drove ejup to over 3 GB; the JDK's XML limits bound
 * entities and names, not these. So this filter follows the XML structure of the raw bytes (every
 * character that shapes XML is ASCII, so UTF-8 needs no decoding here) and counts what has arrived
 * since the last top-level item ended: the stream header, one stanza with all its children, or the
 * text between two stanzas. Above {@link #MAX_ITEM} bytes, a start tag above {@link #MAX_TAG} bytes
 * or nesting deeper than {@link #MAX_DEPTH}, the read fails with {@link Exceeded}, and keeps failing.
 * The parser turns that into its own error, so the connection is also told through {@code tripped}.
 */
final class BoundedXmlStream extends FilterInputStream {
  /** ejabberd's own c2s limit is 256 KiB per stanza; four times that leaves room for any server. */
  static final int MAX_ITEM = 1 << 20;
  /** One start tag with its attributes: XMPP's longest attribute, a JID, is at most 3071 bytes. */
  static final int MAX_TAG = 64 << 10;
  /** The stream is depth 1, a stanza 2; forms in disco#info reach 6, forwarded messages about 10. */
  static final int MAX_DEPTH = 64;

  /** What the server sent that no client should buffer, in words for the report. */
  static final class Exceeded extends IOException {
    Exceeded(String what) {
      super(what, null);
    }
  }

  private enum State { TEXT, OPEN, START_TAG, ATTRIBUTE, END_TAG, DECLARATION, MARKUP }

  private State state = State.TEXT;
  private int depth;
  private long item;
  private long tag;
  private byte quote;
  /** In {@link State#MARKUP}: the bytes that end it ("-->", "]]>" or ">") and how many of them were matched. */
  private byte[] markupEnd;
  private int matched;
  /** The last byte seen in a tag, to tell "/>" and "?>" apart from ">". */
  private byte previous;
  private Exceeded failed;
  private final AtomicReference<Exceeded> tripped;
  private final byte[] one = new byte[1];
  /** The first bytes the server sent ({@link #HEAD} at most), to say what answered when it was no XMPP. */
  private final byte[] head = new byte[HEAD];
  private volatile int headLength;
  static final int HEAD = 64;

  /** @param tripped set to what went over the bound, when something does */
  BoundedXmlStream(InputStream in, AtomicReference<Exceeded> tripped) {
    super(in);
    this.tripped = tripped;
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (failed != null) {
      throw failed;
    }
    int n = in.read(buffer, offset, length);
    int kept = headLength;
    if (n > 0 && kept < HEAD) {
      int more = Math.min(n, HEAD - kept);
      System.arraycopy(buffer, offset, head, kept, more);
      headLength = kept + more;
    }
    for (int i = offset; i < offset + n; i++) {
      scan(buffer[i]);
    }
    return n;
  }

  /** The first bytes read through this stream, up to {@link #HEAD}. */
  byte[] head() {
    return java.util.Arrays.copyOf(head, headLength);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skipping would leave the XML bound uncounted");
  }

  private void scan(byte b) throws Exceeded {
    item++;
    switch (state) {
      case TEXT -> {
        if (b == '<') {
          if (depth <= 1) {
            item = 1; // the text between stanzas (whitespace pings) has ended: a new item begins
          }
          state = State.OPEN;
        }
      }
      case OPEN -> {
        tag = 2;
        if (b == '/') {
          state = State.END_TAG;
        } else if (b == '?') {
          state = State.DECLARATION;
        } else if (b == '!') {
          state = State.MARKUP;
          markupEnd = null;
          matched = 0;
        } else {
          state = State.START_TAG;
        }
        previous = b;
      }
      case START_TAG -> {
        countTag();
        if (b == '"' || b == '\'') {
          quote = b;
          state = State.ATTRIBUTE;
        } else if (b == '>') {
          state = State.TEXT;
          if (previous == '/') {
            elementEnded();
          } else if (++depth > MAX_DEPTH) {
            throw fail("XML nested deeper than " + MAX_DEPTH + " elements");
          } else if (depth == 1) {
            item = 0; // the stream header is complete
          }
        }
        previous = b;
      }
      case ATTRIBUTE -> {
        countTag();
        if (b == quote) {
          state = State.START_TAG;
        }
        previous = b;
      }
      case END_TAG -> {
        countTag();
        if (b == '>') {
          state = State.TEXT;
          depth = Math.max(0, depth - 1);
          elementEnded();
        }
      }
      case DECLARATION -> {
        countTag();
        if (b == '>' && previous == '?') {
          state = State.TEXT;
        }
        previous = b;
      }
      case MARKUP -> {
        // comments and DOCTYPEs have no place in XMPP, but CDATA may carry '<' and '>' as text
        if (markupEnd == null) {
          markupEnd = b == '[' ? new byte[] {']', ']', '>'} : b == '-' ? new byte[] {'-', '-', '>'} : new byte[] {'>'};
          if (markupEnd.length == 1 && b == '>') {
            state = State.TEXT;
          }
          return;
        }
        if (b == markupEnd[matched]) {
          matched++;
        } else if (b != markupEnd[0]) {
          matched = 0;
        } else if (matched < 2 || markupEnd[1] != b) {
          matched = 1; // "]]]>" still ends a CDATA section: a run of ']' keeps the two matched
        }
        if (matched == markupEnd.length) {
          state = State.TEXT;
        }
      }
    }
    if (item > MAX_ITEM) {
      throw fail(depth <= 1 && state == State.TEXT
          ? "more than " + MAX_ITEM / (1 << 20) + " MiB of text between stanzas"
          : "an XML element of more than " + MAX_ITEM / (1 << 20) + " MiB that does not end");
    }
  }

  private void countTag() throws Exceeded {
    if (++tag > MAX_TAG) {
      throw fail(state == State.ATTRIBUTE
          ? "an attribute value of more than " + MAX_TAG / 1024 + " KiB"
          : "an XML tag of more than " + MAX_TAG / 1024 + " KiB");
    }
  }

  /** An element ended; one that leaves the stream at depth 1 was a whole stanza. */
  private void elementEnded() {
    if (depth <= 1) {
      item = 0;
    }
  }

  private Exceeded fail(String what) {
    failed = new Exceeded(what);
    tripped.compareAndSet(null, failed);
    return failed;
  }
}
