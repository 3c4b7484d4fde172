package dev.ejup.upload;

import java.math.BigDecimal;

/**
 * A max-file-size as a service writes it: in disco#info's form (XEP-0363 section 4) or in a
 * file-too-large error (section 5). The schema says xs:integer, but real servers write
 * "1572864.0" (prosody with {@code http_file_share_size_limit = 1.5*1024*1024}) or numbers no
 * long holds; clients read what they can, so this does too and says what it made of it.
 *
 * @param bytes the limit in bytes, or null when there is none ejup can use
 * @param text the value as sent (trimmed), or null when none was sent
 * @param problem why the value is not used as sent (e.g. "larger than …"), or null when it is a plain integer
 */
record MaxFileSize(Long bytes, String text, String problem) {
  static final MaxFileSize NONE = new MaxFileSize(null, null, null);
  /** A max-file-size field that is there but holds no value: announced, and malformed, unlike none at all. */
  static final MaxFileSize EMPTY = new MaxFileSize(null, "", "is empty");

  static MaxFileSize parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return NONE;
    }
    String text = raw.trim();
    long bytes;
    if (digitsALongHolds(text)) {
      // what servers send; read without BigDecimal, whose class set-up on JDK 25 squares its way to
      // 5^65536 in cold code (~40 ms of CPU inside a cold check's disco-info step)
      bytes = Long.parseLong(text);
    } else {
      BigDecimal value;
      try {
        value = new BigDecimal(text);
      } catch (NumberFormatException e) {
        return new MaxFileSize(null, text, "'" + abbreviated(text) + "' is not a number");
      }
      if (value.signum() < 0) {
        return new MaxFileSize(null, text, "'" + abbreviated(text) + "' is negative");
      }
      BigDecimal whole = value.setScale(0, java.math.RoundingMode.FLOOR);
      if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        return new MaxFileSize(null, text, abbreviated(text) + " is larger than any file size ejup can ask for (" + Long.MAX_VALUE + ")");
      }
      bytes = whole.longValueExact();
    }
    String plain = Long.toString(bytes);
    return new MaxFileSize(bytes, text, plain.equals(text) ? null : "written as '" + abbreviated(text) + "', read as " + plain);
  }

  /** 1 to 18 ASCII digits: no sign, point or exponent, and below Long.MAX_VALUE whatever they are. */
  private static boolean digitsALongHolds(String text) {
    if (text.isEmpty() || text.length() > 18) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String abbreviated(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
