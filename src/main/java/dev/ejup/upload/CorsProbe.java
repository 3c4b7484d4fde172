package dev.ejup.upload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a browser decides about an upload from a web client on another origin (Converse.js,
 * Movim): its {@code fetch} PUT with a Content-Type is preceded by a CORS preflight (Fetch
 * standard, "CORS-preflight fetch"): OPTIONS with Origin, Access-Control-Request-Method: PUT and
 * Access-Control-Request-Headers: content-type. The browser goes on only when the preflight's
 * status is 2xx, its Access-Control-Allow-Origin is the origin (or *), its Allow-Methods names PUT
 * and its Allow-Headers content-type (or *); then the PUT's and the GET's answers must each carry
 * a matching Access-Control-Allow-Origin, or the page never sees them. ejabberd's mod_http_upload
 * sends these headers only from its {@code custom_headers} option.
 */
final class CorsProbe {
  private CorsProbe() {}

  /** Refuses an origin a browser never sends: one with a path, query or no scheme; null when it is usable. */
  static String unusable(String origin) {
    if (!origin.matches("(?i)https?://[^/?#\\s]+")) {
      return origin.matches("(?i)https?://[^/?#\\s]+[/?#].*")
          ? "an origin is scheme://host[:port], without a path (a browser sends no path in Origin)"
          : "an origin is scheme://host[:port], e.g. https://chat.example.org";
    }
    return null;
  }

  /**
   * The browser's verdict on the three answers; the step's detail when it lets the page upload.
   *
   * @throws StepFailure CRIT naming each header that is missing or does not match, and the
   *     custom_headers that make them right
   */
  static String verdict(String origin, HttpTransfer.Outcome preflight, HttpTransfer.Outcome put, HttpTransfer.Outcome get)
      throws StepFailure {
    List<String> wrong = new ArrayList<>();
    if (preflight.status() < 200 || preflight.status() > 299) {
      wrong.add("the preflight (OPTIONS) answered HTTP " + preflight.status() + ", not 2xx");
    }
    List<String> origins = new ArrayList<>();
    allowsOrigin("the preflight", preflight.headers(), origin, origins);
    String methods = preflight.headers().get("Access-Control-Allow-Methods");
    if (methods == null) {
      wrong.add("the preflight has no Access-Control-Allow-Methods");
    } else if (!listed(methods, "PUT", false)) {
      wrong.add("the preflight's Access-Control-Allow-Methods '" + methods + "' does not name PUT");
    }
    String headers = preflight.headers().get("Access-Control-Allow-Headers");
    if (headers == null) {
      wrong.add("the preflight has no Access-Control-Allow-Headers (the PUT sends Content-Type)");
    } else if (!listed(headers, "content-type", true)) {
      wrong.add("the preflight's Access-Control-Allow-Headers '" + headers + "' does not name Content-Type");
    }
    allowsOrigin("the PUT", put.headers(), origin, origins);
    // a redirected GET: every redirect's answer must allow the page too, and after one to another origin the browser sends Origin: null
    for (HttpTransfer.Hop hop : get.redirects()) {
      allowsOrigin("the GET's " + hop.status() + " redirect from " + hop.from(), hop.headers(), hop.origin() == null ? origin : hop.origin(), origins);
    }
    allowsOrigin("the GET" + get.via(), get.headers(), get.origin() == null ? origin : get.origin(), origins);
    // ejabberd's custom_headers are the same on every answer: say it once
    if (origins.size() == 3 && get.redirects().isEmpty() && origins.stream().map(o -> o.substring(o.indexOf(':') + 1)).distinct().count() == 1) {
      String one = origins.get(0);
      wrong.add(0, "the preflight, PUT and GET" + one.substring(one.indexOf(':')));
    } else {
      wrong.addAll(origins);
    }
    if (!wrong.isEmpty()) {
      boolean unexpanded = String.join(" ", wrong).contains("@HOST@");
      boolean tainted = String.join(" ", wrong).contains(", not null");
      throw StepFailure.crit("a web page on " + origin + " cannot upload: " + String.join("; ", wrong),
          (unexpanded ? "ejabberd does not expand @HOST@ in custom_headers; " : "")
              + (tainted ? "after a redirect to another origin a browser sends Origin: null, so that origin must answer "
                  + "Access-Control-Allow-Origin: * (or redirect get_url within one origin); " : "")
              + "add to mod_http_upload: custom_headers: {\"Access-Control-Allow-Origin\": \"" + origin + "\", "
              + "\"Access-Control-Allow-Methods\": \"GET,HEAD,PUT,OPTIONS\", \"Access-Control-Allow-Headers\": \"Content-Type\"} "
              + "(or the same headers in the proxy in front of it)");
    }
    return "a web page on " + origin + " may PUT and GET: the preflight allows PUT with Content-Type, "
        + "and the preflight, PUT and GET answer Access-Control-Allow-Origin " + preflight.headers().get("Access-Control-Allow-Origin");
  }

  private static void allowsOrigin(String what, okhttp3.Headers headers, String origin, List<String> wrong) {
    // "WHAT: problem", the colon marking where the answer's name ends
    List<String> values = headers.values("Access-Control-Allow-Origin");
    if (values.isEmpty()) {
      wrong.add(what + ": no Access-Control-Allow-Origin");
    } else if (values.size() > 1) {
      // a browser refuses a list: "The 'Access-Control-Allow-Origin' header contains multiple values"
      wrong.add(what + ": " + values.size() + " Access-Control-Allow-Origin headers (" + String.join(", ", values) + "), a browser accepts one");
    } else if (!values.get(0).strip().equals("*") && !values.get(0).strip().equals(origin)) {
      wrong.add(what + ": Access-Control-Allow-Origin '" + values.get(0) + "', not " + origin);
    }
  }

  /** A comma-separated header list names the token (or * for any); methods compare case-sensitively, header names do not. */
  private static boolean listed(String list, String token, boolean ignoreCase) {
    return Arrays.stream(list.split(",")).map(String::strip)
        .anyMatch(t -> t.equals("*") || (ignoreCase ? t.toLowerCase(Locale.ROOT).equals(token) : t.equals(token)));
  }
}
