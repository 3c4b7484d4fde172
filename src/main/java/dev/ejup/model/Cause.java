package dev.ejup.model;

import java.nio.charset.MalformedInputException;
import java.nio.charset.UnmappableCharacterException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any exception or error in words, for the one line a user reads: what happened, never a Java class
 * name ({@code java.nio.file.FileSystemException: ...}, {@code NullPointerException}) nor a library's
 * dump (OkHttp's hex of a bad header, a parser's row and column array). The one place that does
 * this: every message built from a caught Throwable goes through {@link #words}.
 */
public final class Cause {
  /** A report line stays readable; a server's error page or a whole parse context does not. */
  private static final int MAX_LENGTH = 300;
  /** "java.io.IOException: " and "sun.security...SunCertPathBuilderException: " as libraries embed them in messages. */
  private static final Pattern CLASS_PREFIX = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*:\\s*");
  /** A bare "SomethingException: " or "SomethingError: " at the start of a message or after a colon. */
  private static final Pattern BARE_CLASS_PREFIX = Pattern.compile("(^|:\\s)[A-Z][A-Za-z0-9_$]*(?:Exception|Error):\\s*");
  /** A qualified class name left in a message after the prefixes are gone. */
  private static final Pattern QUALIFIED_CLASS = Pattern.compile("\\b(?:java|javax|jdk|sun|com|org|net|okhttp3|okio|kotlin|dev)\\.(?:[a-z_][a-z0-9_]*\\.)*[A-Z]\\w*");
  /** OkHttp: "Unexpected char 0x0a at 3 in Authorization value: ..." (the value itself is left out: it may be a secret). */
  private static final Pattern BAD_HEADER = Pattern.compile("Unexpected char 0x([0-9a-fA-F]+) at (\\d+) in (.+?) (value|name)\\b.*");
  /** The JDK's StAX parser: "ParseError at [row,col]:[1,65706]\nMessage: ...". */
  private static final Pattern PARSE_ERROR = Pattern.compile("ParseError at \\[row,col\\]:\\[(\\d+),(\\d+)\\]\\s*Message:\\s*(.*)", Pattern.DOTALL);
  /** Smack names its connection object in some messages: "[XMPPTCPConnection[not-authenticated] (0)]". */
  private static final Pattern SMACK_CONNECTION = Pattern.compile("\\s*\\[\\w*Connection\\[[^\\]]*\\]\\s*\\(\\d+\\)\\]");

  private Cause() {}

  /** What happened, in one line of words. */
  public static String words(Throwable e) {
    return words(e, null);
  }

  /**
   * What happened, in one line of words, for a message that names {@code file} already: a failure
   * on that very file is then not named twice ("cannot read F: no such file or directory").
   */
  public static String words(Throwable e, Object file) {
    if (e == null) {
      return "an unknown failure";
    }
    Throwable t = unwrap(e);
    String text = known(t, file == null ? null : file.toString());
    if (text == null) {
      text = clean(t.getMessage());
    }
    if (text.isEmpty()) {
      text = t.getCause() != null && t.getCause() != t ? words(t.getCause()) : humane(t);
    } else if (QUALIFIED_CLASS.matcher(text).find()) {
      text = humane(t); // a message that is itself a dump of types ("class java.lang.String cannot be cast ...")
    }
    return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH - 1) + "…" : text;
  }

  /** Past the wrappers whose own message only repeats their cause's class and message. */
  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    for (int i = 0; i < 10 && t.getCause() != null && t.getCause() != t; i++) {
      String message = t.getMessage();
      boolean wrapper = message == null || message.isBlank() || message.equals(t.getCause().toString())
          || t instanceof java.util.concurrent.ExecutionException || t instanceof java.util.concurrent.CompletionException
          || t instanceof java.io.UncheckedIOException || t instanceof java.lang.reflect.InvocationTargetException;
      if (!wrapper) {
        break;
      }
      t = t.getCause();
    }
    return t;
  }

  /** The exceptions whose message alone says too little (a bare path, "Input length = 2") or too much. */
  private static String known(Throwable t, String named) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String message = String.valueOf(c.getMessage());
      // OkHttp's, over okio's "\n not found: limit=0": the status line or headers never came
      if (message.startsWith("unexpected end of stream on ")) {
        return "the server closed the connection without an answer";
      }
      // OkHttp's for a body that ends short of its Content-Length or inside a chunk: the answer had begun
      if (c instanceof java.net.ProtocolException && message.equals("unexpected end of stream")) {
        return "the connection closed before the answer was complete";
      }
    }
    if (t instanceof FileSystemException f) {
      boolean same = f.getFile() == null || f.getOtherFile() == null && f.getFile().equals(named);
      String file = same ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": ";
      String it = same ? "it" : f.getFile();
      if (t instanceof NoSuchFileException) {
        return file + "no such file or directory";
      }
      if (t instanceof AccessDeniedException) {
        return file + "permission denied";
      }
      if (t instanceof FileAlreadyExistsException) {
        return file + "already exists";
      }
      if (t instanceof NotDirectoryException) {
        return it + " is not a directory";
      }
      if (t instanceof DirectoryNotEmptyException) {
        return it + " is a directory that is not empty";
      }
      if (t instanceof FileSystemLoopException) {
        return file + "symbolic links in a loop";
      }
      return file + (f.getReason() == null ? "the file system refused" : lowerFirst(f.getReason()));
    }
    if (t instanceof MalformedInputException) {
      return "not valid UTF-8 text";
    }
    if (t instanceof UnmappableCharacterException) {
      return "a character the encoding cannot represent";
    }
    if (t instanceof java.net.UnknownHostException) {
      return "cannot resolve " + (t.getMessage() == null ? "the name" : t.getMessage().replaceAll(":.*", ""));
    }
    // OkHttp's call timeout is an InterruptedIOException "timeout" over whatever the cancel left (a closed socket)
    if (t instanceof java.net.SocketTimeoutException || t instanceof java.io.InterruptedIOException && "timeout".equals(t.getMessage())) {
      return "no answer in time";
    }
    if (t instanceof java.io.EOFException) {
      return "the connection closed before the answer was complete";
    }
    if (t instanceof NumberFormatException && String.valueOf(t.getMessage()).startsWith("For input string: ")) {
      return t.getMessage().substring("For input string: ".length()).replaceAll(" under radix \\d+$", "") + " is not a number";
    }
    if (t instanceof NullPointerException) {
      return "ejup hit a bug: a value it needed was missing";
    }
    if (t instanceof OutOfMemoryError) {
      return "ejup ran out of memory";
    }
    if (t instanceof StackOverflowError) {
      return "the input nests too deeply for ejup";
    }
    Matcher header = BAD_HEADER.matcher(String.valueOf(t.getMessage()));
    if (header.matches()) {
      return "the " + header.group(3) + " header " + header.group(4) + " holds " + character(Integer.parseInt(header.group(1), 16))
          + " at position " + header.group(2) + ", which HTTP headers cannot carry";
    }
    Matcher parse = PARSE_ERROR.matcher(String.valueOf(t.getMessage()));
    if (parse.matches()) {
      return "broken XML at line " + parse.group(1) + ", column " + parse.group(2) + ": " + clean(parse.group(3));
    }
    return null;
  }

  private static String character(int c) {
    if (c == '\n' || c == '\r') {
      return "a line break";
    }
    if (c < 0x20 || c == 0x7f) {
      return "a control character";
    }
    return String.format(Locale.ROOT, "the non-ASCII character U+%04X", c);
  }

  /** The message as one line, without the class names libraries put into it. */
  private static String clean(String message) {
    if (message == null) {
      return "";
    }
    String text = message.strip().replaceAll("\\s*\\R\\s*", " ");
    text = CLASS_PREFIX.matcher(text).replaceAll("");
    text = BARE_CLASS_PREFIX.matcher(text).replaceAll("$1");
    text = SMACK_CONNECTION.matcher(text).replaceAll("");
    return text.strip();
  }

  /** The kind of failure from its type, when nothing else says it: "ArrayIndexOutOfBoundsException" is "array index out of bounds". */
  private static String humane(Throwable t) {
    String name = t.getClass().getSimpleName().replaceAll("(Exception|Error)$", "");
    String spaced = name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT).strip();
    return spaced.isEmpty() ? "an unknown failure" : "ejup hit a bug (" + spaced + ")";
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() || (s.length() > 1 && Character.isUpperCase(s.charAt(1))) ? s
        : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
