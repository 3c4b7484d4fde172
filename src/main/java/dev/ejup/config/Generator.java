package dev.ejup.config;

import dev.ejup.Version;
import dev.ejup.model.UserError;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders the files in templates/ from {@link UploadSettings}. */
public final class Generator {
  private Generator() {}

  /** The mod_http_upload block, "mod_http_upload:" line first, unindented. */
  static String module(UploadSettings s) {
    return Template.render("mod_http_upload.yml", yamlValues(s.moduleOptions(true)));
  }

  static String quota(UploadSettings s) {
    if (!s.wantsQuota()) {
      return "";
    }
    Map<String, String> options = yamlValues(s.quotaOptions());
    Map<String, String> values = new LinkedHashMap<>();
    values.put("max_days", options.get("max_days"));
    values.put("soft_rule", options.get("access_soft_quota"));
    values.put("hard_rule", options.get("access_hard_quota"));
    String text = Template.render("mod_http_upload_quota.yml", values);
    return text.strip().equals("mod_http_upload_quota:") ? "mod_http_upload_quota: {}\n" : text;
  }

  static Map<String, String> yamlValues(Map<String, String> plain) {
    Map<String, String> values = new LinkedHashMap<>();
    plain.forEach((k, v) -> values.put(k, UploadSettings.yaml(k, v)));
    return values;
  }

  /** The listener item, "-" line first, unindented. */
  static String listener(UploadSettings s) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("port", Integer.toString(s.effectivePort()));
    values.put("ip", Scalars.quote(s.ip() == null ? "::" : s.ip()));
    values.put("tls", s.effectiveScheme().equals("https") ? "true" : "");
    values.put("path", s.effectivePath());
    return Template.render("upload-listener.yml", values);
  }

  private static String shaperRules(UploadSettings s) {
    if (s.shaperRules().isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder("shaper_rules:\n");
    s.shaperRules().forEach((name, value) -> text.append("  ").append(name).append(": ").append(value).append('\n'));
    return text.toString();
  }

  /** The pieces to paste into an existing ejabberd.yml, as one YAML document. */
  public static String fragment(UploadSettings s) {
    return Template.render("fragment.yml", common(s));
  }

  /** A complete minimal ejabberd.yml serving uploads; c2s on c2sPort, bound like the listener. */
  public static String full(UploadSettings s, String certfile, int c2sPort) {
    Map<String, String> values = common(s);
    values.put("host", Scalars.string(s.host()));
    values.put("certfile", Scalars.quote(certfile));
    values.put("c2s_port", Integer.toString(c2sPort));
    values.put("ip", Scalars.quote(s.ip() == null ? "::" : s.ip()));
    return Template.render("ejabberd-full.yml", values);
  }

  /** The reverse proxies {@link #proxy} writes for. */
  public static final java.util.List<String> PROXIES = java.util.List.of("nginx", "apache");

  /**
   * The block a reverse proxy needs in front of the upload listener these settings describe:
   * nginx's {@code location} or Apache httpd's {@code <Location>}, to put in the server block that
   * serves the public (https) upload URL. It passes the path unchanged and the Host header (ejabberd's
   * mod_http_upload finds the upload service by it), allows bodies up to max_size (ejabberd's default
   * 104857600 when not given; infinity is no limit), streams instead of buffering, and waits 300 s.
   * Without --scheme and --port the upstream is the plain listener http://127.0.0.1:5280; a listener
   * bound to all addresses ("::", "0.0.0.0") is reached on 127.0.0.1.
   *
   * @param proxy "nginx" or "apache"
   * @throws dev.ejup.model.UserError (exit 3) for another proxy
   */
  public static String proxy(UploadSettings s, String proxy) {
    if (!PROXIES.contains(proxy)) {
      throw dev.ejup.model.UserError.unusable("--proxy " + proxy + " is not a proxy ejup writes for", "use --proxy nginx or --proxy apache");
    }
    boolean plain = s.scheme() == null && s.port() == null && s.putUrl() == null;
    String scheme = plain ? "http" : s.effectiveScheme();
    int port = plain ? 5280 : s.effectivePort();
    String ip = s.ip() == null || s.ip().equals("::") || s.ip().equals("0.0.0.0") ? "127.0.0.1" : s.ip();
    String path = s.effectivePath();
    String location = path.endsWith("/") ? path : path + "/";
    long limit = s.maxSize() == null ? 104857600L : s.maxSize().equals("infinity") ? 0 : Long.parseLong(s.maxSize());
    Map<String, String> values = new LinkedHashMap<>();
    values.put("version", Version.get());
    values.put("location", location);
    values.put("upstream", scheme + "://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port);
    // Apache's LimitRequestBody stops at 2 GiB - 1; 0 is no limit for both
    values.put("body_size", Long.toString(proxy.equals("apache") && limit > 2147483647L ? 0 : limit));
    String host = s.host() == null ? "@HOST@" : s.host();
    values.put("ejabberd_side", "ejup config apply /etc/ejabberd/ejabberd.yml" + (s.host() == null ? "" : " --host " + host)
        + " --scheme " + scheme + " --ip " + ip + " --port " + port + " --path " + path
        + " --put-url https://" + (s.host() == null ? "@HOST@" : host) + path
        + (s.maxSize() == null ? "" : " --max-size " + s.maxSize()));
    return Template.render("proxy-" + proxy + ".conf", values);
  }

  private static Map<String, String> common(UploadSettings s) {
    // apply may keep the file's put_url; a generated file has none to keep
    if (s.external() && s.putUrl() == null) {
      throw UserError.unusable("--external-secret needs --put-url: the external upload server's URL, which ejabberd signs",
          "add e.g. --put-url https://files.example.org/upload (and --get-url when downloads come from elsewhere)");
    }
    Map<String, String> values = new LinkedHashMap<>();
    values.put("version", Version.get());
    // with an external upload server ejabberd serves no upload URL: no listener for it
    values.put("listener", s.external() ? "" : listener(s));
    values.put("listen", s.external() ? "" : "listen:\n" + Indent.by(listener(s), 2));
    values.put("module", module(s));
    values.put("quota", quota(s));
    values.put("shaper_rules", shaperRules(s));
    return values;
  }
}
