package dev.ejup.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields ejabberd takes in a vcard option (econf:vcard_temp/0 and the records under it, the
 * same in 23.01, 24.12 and 26.07): anything else, or a field of the wrong type, makes ejabberd
 * refuse the whole file ("Invalid value of option modules->mod_http_upload->vcard: Unknown
 * option: fnx. Did you mean fn?"). Field names are case-sensitive (FN is unknown).
 */
final class VcardSchema {
  /** What a field holds: a string, a boolean, a class, a list of strings, a record, a list of records. */
  sealed interface Type permits Text, Base64, Flag, OneOf, Texts, Fields, ListOf {}

  /** econf:binary/0. */
  record Text() implements Type {}

  /**
   * econf:base64/0: Erlang's base64:decode/1, which skips white space and wants the padding (23.01,
   * 24.12 and 26.07 alike refuse "aGVsbG8" and "aGVsbG8==", take "aGVs bG8=" and "").
   */
  record Base64() implements Type {
    static boolean decodes(String text) {
      String bare = text.replaceAll("[ \\t\\r\\n]", "");
      if (bare.length() % 4 != 0) {
        return false;
      }
      try {
        java.util.Base64.getDecoder().decode(bare);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }

  /** econf:bool/0. */
  record Flag() implements Type {}

  /** econf:enum/1. */
  record OneOf(List<String> values) implements Type {}

  /** econf:list(econf:binary()). */
  record Texts() implements Type {}

  /** A record of named fields (vcard_validator). */
  record Fields(Map<String, Type> fields) implements Type {}

  /** econf:list of a record. */
  record ListOf(Fields item) implements Type {}

  private static final Type TEXT = new Text();
  private static final Type FLAG = new Flag();
  private static final Type BASE64 = new Base64();

  static final Fields VCARD = fields(
      "version", TEXT, "fn", TEXT,
      "n", fields("family", TEXT, "given", TEXT, "middle", TEXT, "prefix", TEXT, "suffix", TEXT),
      "nickname", TEXT,
      "photo", fields("type", TEXT, "binval", BASE64, "extval", TEXT),
      "bday", TEXT,
      "adr", new ListOf(flags(List.of("home", "work", "postal", "parcel", "dom", "intl", "pref"),
          "pobox", TEXT, "extadd", TEXT, "street", TEXT, "locality", TEXT, "region", TEXT, "pcode", TEXT, "ctry", TEXT)),
      "label", new ListOf(flags(List.of("home", "work", "postal", "parcel", "dom", "intl", "pref"), "line", new Texts())),
      "tel", new ListOf(flags(List.of("home", "work", "voice", "fax", "pager", "msg", "cell", "video", "bbs", "modem", "isdn", "pcs", "pref"),
          "number", TEXT)),
      "email", new ListOf(flags(List.of("home", "work", "internet", "pref", "x400"), "userid", TEXT)),
      "jabberid", TEXT, "mailer", TEXT, "tz", TEXT,
      "geo", fields("lat", TEXT, "lon", TEXT),
      "title", TEXT, "role", TEXT,
      "logo", fields("type", TEXT, "binval", BASE64, "extval", TEXT),
      "org", fields("name", TEXT, "units", new Texts()),
      "categories", new Texts(),
      "note", TEXT, "prodid", TEXT, "rev", TEXT, "sort_string", TEXT,
      "sound", fields("phonetic", TEXT, "binval", BASE64, "extval", TEXT),
      "uid", TEXT, "url", TEXT,
      "class", new OneOf(List.of("confidential", "private", "public")),
      "key", fields("type", TEXT, "cred", TEXT),
      "desc", TEXT);

  private VcardSchema() {}

  private static Fields fields(Object... nameThenType) {
    Map<String, Type> map = new LinkedHashMap<>();
    for (int i = 0; i < nameThenType.length; i += 2) {
      map.put((String) nameThenType[i], (Type) nameThenType[i + 1]);
    }
    return new Fields(map);
  }

  private static Fields flags(List<String> flags, Object... nameThenType) {
    Map<String, Type> map = new LinkedHashMap<>();
    flags.forEach(f -> map.put(f, FLAG));
    map.putAll(fields(nameThenType).fields());
    return new Fields(map);
  }
}
