package dev.ejup.upload;

import java.util.Locale;
import java.util.Set;

/**
 * Who wrote a failed HTTP answer to the PUT or GET: ejabberd's mod_http_upload, ejabberd's HTTP
 * listener, or a reverse proxy in front of them; and the fix that follows. A proxy puts its own
 * Server header on every answer it passes on (nginx hides the upstream's), so the header only says
 * that a proxy is there; the body says who wrote the answer: mod_http_upload answers one short
 * line of its own words (src/mod_http_upload.erl, code_to_message/1), ejabberd_http an XHTML page
 * with an "404 Not Found" heading, nginx and Apache httpd an HTML page that signs with their name.
 */
final class ProxyAnswer {
  private ProxyAnswer() {}

  /** mod_http_upload's bodies in 23.01 to 26.07 (code_to_message/1), each followed by a newline. */
  private static final Set<String> UPLOAD_MODULE_WORDS = Set.of("Upload successful.", "Forbidden.", "Not found.",
      "Method not allowed.", "File size doesn't match requested size.", "Internal server error.", "Bad request");

  /** Who wrote an answer. */
  enum Writer {
    /** mod_http_upload itself: the request reached the module */
    UPLOAD_MODULE,
    /** ejabberd's HTTP listener: no request handler for the path */
    EJABBERD_LISTENER,
    /** a reverse proxy's own error page */
    PROXY,
    /** nothing tells */
    UNKNOWN
  }

  /** The proxy named by the Server header ("nginx", "Apache httpd" or its Server value), or null when none shows. */
  static String proxy(HttpTransfer.Outcome answer) {
    String server = answer.headers() == null ? null : answer.headers().get("Server");
    String page = answer.errorBody().toLowerCase(Locale.ROOT);
    if ((server != null && server.toLowerCase(Locale.ROOT).startsWith("nginx")) || page.contains("<center>nginx")) {
      return "nginx";
    }
    if ((server != null && server.toLowerCase(Locale.ROOT).startsWith("apache")) || page.contains("<address>apache")) {
      return "Apache httpd";
    }
    if (server == null || server.isBlank() || server.toLowerCase(Locale.ROOT).contains("ejabberd")) {
      return null;
    }
    return server.strip();
  }

  static Writer writer(HttpTransfer.Outcome answer) {
    String body = answer.errorBody();
    if (UPLOAD_MODULE_WORDS.contains(body.strip())) {
      return Writer.UPLOAD_MODULE;
    }
    if (body.contains("xhtml1-transitional.dtd") && body.contains("<h1>404 Not Found</h1>")) {
      return Writer.EJABBERD_LISTENER;
    }
    return proxy(answer) != null ? Writer.PROXY : Writer.UNKNOWN;
  }

  /**
   * The failure a proxy in front of ejabberd explains, or null when the answer does not show one
   * (the caller then judges it as ejabberd's own).
   *
   * @param method "PUT" or "GET"
   * @param url the slot URL that was asked
   * @param maxFileSize the service's max-file-size in bytes (disco#info), or null when not announced
   * @param size the bytes of the test file
   */
  static StepFailure explain(String method, String url, HttpTransfer.Outcome answer, Long maxFileSize, long size) {
    String proxy = proxy(answer);
    Writer writer = writer(answer);
    String got = method + " answered HTTP " + answer.status() + " " + answer.message();
    String prefix = uploadPrefix(url);
    if (writer == Writer.PROXY) {
      String by = got + " from " + proxy + " in front of ejabberd, not from ejabberd";
      switch (answer.status()) {
        case 413 -> {
          long limit = maxFileSize == null ? Math.max(size, 104857600L) : maxFileSize;
          String where = maxFileSize == null ? " (ejabberd's default max_size; the service announces no max-file-size)"
              : " (the service's max-file-size, mod_http_upload's max_size)";
          return StepFailure.crit(by + ": the proxy's request body limit is below the " + size + " bytes of the file",
              bodyLimitFix(proxy, prefix, limit) + where);
        }
        case 404, 403, 405 -> {
          return StepFailure.crit(by + ": the proxy does not pass " + prefix + " on to ejabberd",
              forwardFix(proxy, prefix));
        }
        case 502, 503 -> {
          return StepFailure.crit(by + ": the proxy could not reach ejabberd's upload listener",
              "start ejabberd, and check that the proxy's upstream is the address and port of ejabberd's ejabberd_http listener "
                  + "routing " + prefix + " (ejup config validate; ejup config generate --proxy " + flavour(proxy) + ")");
        }
        case 504 -> {
          return StepFailure.crit(by + ": the proxy timed out waiting for ejabberd's upload listener",
              timeoutFix(proxy) + "; if ejabberd itself hangs, see its error.log");
        }
        default -> {
          return StepFailure.crit(by, "see the proxy's error log for this request");
        }
      }
    }
    if (answer.status() == 404 && writer == Writer.UPLOAD_MODULE && method.equals("PUT")) {
      // the module found no upload service for the Host it received: the slot's own host always has one
      return StepFailure.crit(got + " from mod_http_upload: it has no upload service for the Host header it received",
          proxy == null
              ? "ejabberd picks the upload host from the Host header: anything in front of it must pass the PUT URL's host "
                  + "unchanged (nginx: proxy_set_header Host $host; Apache: ProxyPreserveHost On)"
              : "the proxy (" + proxy + ") must pass the PUT URL's host unchanged, ejabberd picks the upload host from it: "
                  + hostFix(proxy));
    }
    if (answer.status() == 404 && writer == Writer.EJABBERD_LISTENER && proxy != null) {
      return StepFailure.crit(got + " from ejabberd's HTTP listener behind " + proxy + ": no request handler for the path it received",
          "the proxy changes the path: pass " + prefix + " on unchanged, "
              + (proxy.equals("nginx") ? "proxy_pass http://127.0.0.1:PORT; without a URI part (a trailing / replaces the location's prefix)"
                  : proxy.equals("Apache httpd") ? "ProxyPass with the same path on both sides, e.g. ProxyPass \"" + prefix + "/\" \"http://127.0.0.1:PORT" + prefix + "/\""
                  : "with the same path on both sides")
              + ", or route the path it sends in the listener's request_handlers");
    }
    return null;
  }

  private static String flavour(String proxy) {
    return proxy.equals("Apache httpd") ? "apache" : "nginx";
  }

  /** The path under which ejabberd issues slots: the URL's path without its three slot segments. */
  static String uploadPrefix(String url) {
    String path = url.replaceFirst("^[a-zA-Z]+://[^/]*", "").replaceFirst("[?#].*$", "");
    String prefix = path.replaceFirst("(/[^/]*){3}$", "");
    return prefix.isEmpty() ? "/" : prefix;
  }

  private static String bodyLimitFix(String proxy, String prefix, long limit) {
    return switch (proxy) {
      case "nginx" -> "set client_max_body_size " + limit + "; in nginx's location " + prefix + "/ (nginx's default is 1m)";
      case "Apache httpd" -> "set LimitRequestBody " + Math.min(limit, 2147483647L) + " in Apache's <Location \"" + prefix + "/\">";
      default -> "raise the proxy's (" + proxy + ") request body limit to " + limit + " bytes";
    };
  }

  private static String forwardFix(String proxy, String prefix) {
    return switch (proxy) {
      case "nginx" -> "add location " + prefix + "/ { proxy_pass http://127.0.0.1:PORT; } to the server block of the PUT URL's host "
          + "(ejup config generate --proxy nginx prints it)";
      case "Apache httpd" -> "add ProxyPass \"" + prefix + "/\" \"http://127.0.0.1:PORT" + prefix + "/\" to the virtual host of the PUT URL's host "
          + "(ejup config generate --proxy apache prints it)";
      default -> "route " + prefix + "/ to ejabberd's upload listener in the proxy (" + proxy + ")";
    };
  }

  private static String hostFix(String proxy) {
    return switch (proxy) {
      case "nginx" -> "proxy_set_header Host $host;";
      case "Apache httpd" -> "ProxyPreserveHost On";
      default -> "pass the Host header through";
    };
  }

  private static String timeoutFix(String proxy) {
    return switch (proxy) {
      case "nginx" -> "raise proxy_read_timeout and proxy_send_timeout in nginx's upload location (nginx's default is 60s), "
          + "and set proxy_request_buffering off so large PUTs stream";
      case "Apache httpd" -> "raise ProxyTimeout (or timeout= on the ProxyPass line) in Apache's virtual host";
      default -> "raise the proxy's (" + proxy + ") upstream timeout";
    };
  }
}
