package dev.ejup.config;

import dev.ejup.model.UserError;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the user asked for with the generate/apply options. A null field was not given: apply
 * then leaves whatever the file has, generate writes ejabberd's default or leaves the option out.
 */
public record UploadSettings(
    String host, String scheme, Integer port, String ip, String path, String docroot, String maxSize,
    String fileMode, String dirMode, String access, String getUrl, String putUrl, String externalSecret,
    Integer quotaSoftMiB, Integer quotaHardMiB, String quotaMaxDays, boolean noCors) {

  /** Without a word on CORS: apply keeps the CORS headers Debian ships under its commented upload block. */
  public UploadSettings(String host, String scheme, Integer port, String ip, String path, String docroot, String maxSize,
      String fileMode, String dirMode, String access, String getUrl, String putUrl, String externalSecret,
      Integer quotaSoftMiB, Integer quotaHardMiB, String quotaMaxDays) {
    this(host, scheme, port, ip, path, docroot, maxSize, fileMode, dirMode, access, getUrl, putUrl, externalSecret,
        quotaSoftMiB, quotaHardMiB, quotaMaxDays, false);
  }

  public static UploadSettings defaults(String host) {
    return new UploadSettings(host, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null);
  }

  public UploadSettings {
    if (scheme != null) {
      scheme = scheme.toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw UserError.unusable("--scheme must be https or http, got '" + scheme + "'", "use --scheme https");
      }
    }
    if (port != null && (port < 1 || port > 65535)) {
      throw UserError.unusable("--port must be 1-65535, got " + port, "ejabberd's default upload port is 5443");
    }
    if (path != null && !path.startsWith("/")) {
      throw UserError.unusable("--path must start with '/', got '" + path + "'", "use --path /upload");
    }
    for (String mode : new String[] {fileMode, dirMode}) {
      if (mode != null && !mode.matches("[0-7]{3,4}")) {
        throw UserError.unusable("mode '" + mode + "' is not octal", "write e.g. --file-mode 0640 --dir-mode 0750");
      }
    }
    if (maxSize != null && !maxSize.equals("infinity") && !maxSize.matches("[1-9][0-9]*")) {
      throw UserError.unusable("--max-size must be a positive number of bytes or 'infinity', got '" + maxSize + "'",
          "e.g. --max-size 104857600 for 100 MiB");
    }
    if (quotaMaxDays != null && !quotaMaxDays.equals("infinity") && !quotaMaxDays.matches("[1-9][0-9]*")) {
      throw UserError.unusable("--quota-max-days must be a positive number or 'infinity'", "e.g. --quota-max-days 30");
    }
  }

  /** The same settings for another host (what generate judges when no --host was given). */
  UploadSettings withHost(String other) {
    return new UploadSettings(other, scheme, port, ip, path, docroot, maxSize, fileMode, dirMode, access, getUrl, putUrl, externalSecret,
        quotaSoftMiB, quotaHardMiB, quotaMaxDays, noCors);
  }

  /** The same settings with this put_url (the file's own, when the user gave no URL, port or path). */
  UploadSettings withPutUrl(String url) {
    return new UploadSettings(host, scheme, port, ip, path, docroot, maxSize, fileMode, dirMode, access, getUrl, url, externalSecret,
        quotaSoftMiB, quotaHardMiB, quotaMaxDays, noCors);
  }

  /**
   * Whether an external upload server takes the files (external_secret): ejabberd then only signs
   * slots and serves nothing, so no ejabberd_http listener is wanted for them (mod_http_upload.erl,
   * add_slot keeps no slot when external_secret is set: a PUT that reached ejabberd gets 403).
   */
  public boolean external() {
    return externalSecret != null && !externalSecret.isEmpty();
  }

  public String effectiveScheme() {
    if (scheme != null) {
      return scheme;
    }
    if (putUrl != null) {
      return putUrl.startsWith("http://") ? "http" : "https";
    }
    return port != null && port == 5280 ? "http" : "https";
  }

  public int effectivePort() {
    if (port != null) {
      return port;
    }
    if (putUrl != null) {
      return UploadUrl.parse(putUrl, host == null ? "localhost" : host).map(UploadUrl::port).orElse(5443);
    }
    return effectiveScheme().equals("http") ? 5280 : 5443;
  }

  public String effectivePath() {
    if (path != null) {
      return path;
    }
    return putUrl == null ? "/upload" : UploadUrl.parse(putUrl, host == null ? "localhost" : host).map(UploadUrl::path).orElse("/upload");
  }

  public String effectivePutUrl() {
    return putUrl != null ? putUrl : effectiveScheme() + "://@HOST@:" + effectivePort() + effectivePath();
  }

  public boolean wantsQuota() {
    return quotaSoftMiB != null || quotaHardMiB != null || quotaMaxDays != null;
  }

  /**
   * The module options to write, as plain values. {@code complete} adds put_url even when not
   * given (a new module block); otherwise only what the user set.
   */
  Map<String, String> moduleOptions(boolean complete) {
    Map<String, String> options = new LinkedHashMap<>();
    if (complete || putUrl != null || scheme != null || port != null || path != null) {
      options.put("put_url", effectivePutUrl());
    }
    putIf(options, "get_url", getUrl);
    putIf(options, "docroot", docroot);
    putIf(options, "max_size", maxSize);
    putIf(options, "file_mode", fileMode);
    putIf(options, "dir_mode", dirMode);
    putIf(options, "access", access);
    putIf(options, "external_secret", externalSecret);
    return options;
  }

  Map<String, String> quotaOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    putIf(options, "max_days", quotaMaxDays);
    putIf(options, "access_soft_quota", quotaSoftMiB == null ? null : "soft_upload_quota");
    putIf(options, "access_hard_quota", quotaHardMiB == null ? null : "hard_upload_quota");
    return options;
  }

  /** shaper_rules entries the quota options need: rule name to "{MiB: all}". */
  Map<String, String> shaperRules() {
    Map<String, String> rules = new LinkedHashMap<>();
    putIf(rules, "soft_upload_quota", quotaSoftMiB == null ? null : "{" + quotaSoftMiB + ": all}");
    putIf(rules, "hard_upload_quota", quotaHardMiB == null ? null : "{" + quotaHardMiB + ": all}");
    return rules;
  }

  /** An option's value as YAML: numbers bare, modes always quoted (ejabberd wants octal strings). */
  static String yaml(String option, String plain) {
    return switch (option) {
      case "max_size", "max_days" -> plain;
      case "file_mode", "dir_mode" -> Scalars.quote(plain);
      default -> Scalars.string(plain);
    };
  }

  private static void putIf(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
