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

  static MaxFileSize parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return NONE;
    }
    String text = raw.trim();
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
    long bytes = whole.longValueExact();
    String plain = Long.toString(bytes);
    return new MaxFileSize(bytes, text, plain.equals(text) ? null : "written as '" + abbreviated(text) + "', read as " + plain);
  }

  private static String abbreviated(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
