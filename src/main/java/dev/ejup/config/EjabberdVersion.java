package dev.ejup.config;

import dev.ejup.model.UserError;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ejabberd release as YY.MM (ejabberd numbers releases by year and month), and the config
 * facts that depend on it. Each fact was read in ejabberd's sources and seen on a real node of the
 * versions the tests run (23.01, 24.12, 26.07; see DifferentialIT).
 *
 * @param year the release's year, e.g. 24
 * @param month the release's month, e.g. 12
 */
public record EjabberdVersion(int year, int month) implements Comparable<EjabberdVersion> {
  /** The releases ejup's verdicts were checked against, oldest first. */
  public static final List<EjabberdVersion> KNOWN = List.of(new EjabberdVersion(23, 1), new EjabberdVersion(24, 12), new EjabberdVersion(26, 7));
  /** The newest release ejup knows: the verdict when the version cannot be found. */
  public static final EjabberdVersion NEWEST = KNOWN.get(KNOWN.size() - 1);

  /** Macros from EJABBERD_MACRO_* environment variables (ejabberd_config, 24.12). */
  static final EjabberdVersion ENV_MACROS = new EjabberdVersion(24, 12);
  /** define_keyword, and macros and keywords inside strings (ejabberd_config, 25.03). */
  static final EjabberdVersion KEYWORDS = new EjabberdVersion(25, 3);
  /** @HOST_URL_ENCODE@ in put_url and get_url (mod_http_upload, 25.08). */
  static final EjabberdVersion HOST_URL_ENCODE = new EjabberdVersion(25, 8);
  /** mod_http_upload's content_types option (26.01). */
  static final EjabberdVersion CONTENT_TYPES = new EjabberdVersion(26, 1);
  /** mod_http_upload's append_module_config option (26.07). */
  static final EjabberdVersion APPEND_MODULE_CONFIG = new EjabberdVersion(26, 7);

  private static final Pattern VERSION = Pattern.compile("(?<![\\d.])(\\d{2})\\.(\\d{1,2})(?:\\.\\d+)?(?![\\d])");
  /**
   * What a user may write: YY.MM, YY.MM.P, or a package version as packagers spell it: Debian's
   * 24.12-3~bpo12+1 (with an epoch, 1:24.12-1; a repack, 24.12+dfsg-1), FreeBSD's and Homebrew's
   * revision 24.12_1, RPM's 24.12-1.el9.
   */
  private static final Pattern GIVEN = Pattern.compile("(?:\\d+:)?\\d{2}\\.\\d{1,2}(?:\\.\\d+)?(?:[-_+][0-9A-Za-z.+~_-]+)?");

  /**
   * Reads "24.12", "26.07", or a package or status text that holds one ("24.12-3~bpo12+1",
   * "ejabberd 26.07 is running in that node").
   *
   * @throws UserError UNKNOWN (3) naming the text when it holds no YY.MM version
   */
  public static EjabberdVersion parse(String text) {
    return find(text).orElseThrow(() -> notAVersion(text));
  }

  private static UserError notAVersion(String text) {
    return UserError.unusable("'" + text + "' is not an ejabberd version",
        "write it as YY.MM, e.g. --ejabberd-version 24.12 (known: " + knownList() + ")");
  }

  /**
   * A release as the user wrote it (--ejabberd-version): the whole text must be a version, so
   * "latest", "24", "2024.12" or "v24.12 or so" are refused rather than read as something else.
   *
   * @throws UserError UNKNOWN (3) naming the text when it is not YY.MM[.P] with a month 1..12
   */
  public static EjabberdVersion given(String text) {
    String t = text == null ? "" : text.strip();
    if (!GIVEN.matcher(t).matches()) {
      throw notAVersion(t);
    }
    return parse(t);
  }

  /**
   * One line when ejup's rules do not know this release: newer than {@link #NEWEST} (judged as the
   * newest, so an option it added is reported as unknown) or older than the oldest known (judged by
   * the facts ejup has, so an option it lacked may pass). Empty for the known releases and those
   * between them (each fact carries the release it appeared in).
   */
  public java.util.Optional<String> outsideKnown() {
    if (compareTo(NEWEST) > 0) {
      return java.util.Optional.of("ejabberd " + this + " is newer than any release ejup knows (" + knownList()
          + "): its file is checked by " + NEWEST + "'s rules, so an option or placeholder added after " + NEWEST
          + " is reported as unknown (silence that rule with --ignore, or use a newer ejup)");
    }
    if (compareTo(KNOWN.get(0)) < 0) {
      return java.util.Optional.of("ejabberd " + this + " is older than any release ejup knows (" + knownList()
          + "): its file is checked by " + KNOWN.get(0) + "'s rules, so an option " + this
          + " does not have yet may pass unreported (ejabberd " + this + " itself refuses such a file at start)");
    }
    return java.util.Optional.empty();
  }

  /** The first YY.MM in text, if any (months 1..12 only). */
  public static java.util.Optional<EjabberdVersion> find(String text) {
    Matcher m = VERSION.matcher(text == null ? "" : text);
    while (m.find()) {
      int month = Integer.parseInt(m.group(2));
      if (month >= 1 && month <= 12) {
        return java.util.Optional.of(new EjabberdVersion(Integer.parseInt(m.group(1)), month));
      }
    }
    return java.util.Optional.empty();
  }

  static String knownList() {
    return String.join(", ", KNOWN.stream().map(EjabberdVersion::toString).toList());
  }

  public boolean atLeast(EjabberdVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(EjabberdVersion o) {
    return year != o.year ? Integer.compare(year, o.year) : Integer.compare(month, o.month);
  }

  @Override
  public String toString() {
    return String.format("%02d.%02d", year, month);
  }
}
