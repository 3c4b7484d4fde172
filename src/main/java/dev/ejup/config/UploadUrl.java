package dev.ejup.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** A put_url or get_url with @HOST@ filled in, split into the parts listeners are matched on. */
record UploadUrl(String raw, String scheme, String host, int port, String path) {

  static Optional<UploadUrl> parse(String raw, String vhost) {
    try {
      // @HOST_URL_ENCODE@ (ejabberd 25.08+) is the host percent-encoded: the same for the names ejup routes
      URI uri = new URI(raw.replace("@HOST_URL_ENCODE@", vhost).replace("@HOST@", vhost));
      if (uri.getScheme() == null || uri.getHost() == null) {
        return Optional.empty();
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
      String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
      return Optional.of(new UploadUrl(raw, scheme, uri.getHost(), port, path));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  boolean https() {
    return scheme.equals("https");
  }

  /** ejabberd_http hands a request to the handler whose path is the longest prefix, by segments. */
  boolean servedUnder(String handlerPath) {
    String prefix = handlerPath.endsWith("/") ? handlerPath.substring(0, handlerPath.length() - 1) : handlerPath;
    return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/");
  }
}
