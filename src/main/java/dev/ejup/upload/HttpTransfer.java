package dev.ejup.upload;

import dev.ejup.upload.tuning.KeyShares;
import dev.ejup.upload.tuning.LocalhostDns;
import dev.ejup.upload.tuning.NoDelaySockets;
import dev.ejup.model.Cause;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/** The HTTP side of the check, on OkHttp: streaming PUT and GET with a running SHA-256. */
final class HttpTransfer {
  /** Headers XEP-0363 lets a slot ask for; anything else from the server is not sent. */
  private static final java.util.Set<String> ALLOWED_SLOT_HEADERS = java.util.Set.of("authorization", "cookie", "expires");

  private final OkHttpClient client;
  /** The step timeout in nanoseconds: it bounds a redirected GET's whole chain, as it bounds one call. */
  private final long stepNanos;
  private final AtomicReference<Call> current = new AtomicReference<>();

  /**
   * @param bytes what was read of the body: a GET stops at the first byte that differs from the file
   * @param firstDifference offset of the first byte that differs from the file (the file's size when
   *     the answer is longer), -1 when none
   * @param declaredLength the answer's Content-Length, -1 when it has none
   * @param headers the answer's headers: who answered (Server) and what it allows (CORS)
   * @param errorBody the start of an error answer's body (at most {@link #ERROR_BODY} bytes, as text), "" for a success:
   *     a proxy's own error page tells it apart from ejabberd's
   */
  record Outcome(int status, String message, long bytes, long firstDifference, String contentType, long declaredLength,
      okhttp3.Headers headers, String errorBody, List<Hop> redirects, String origin) {
    /** An answer reached without a redirect, to a request without an Origin header. */
    Outcome(int status, String message, long bytes, long firstDifference, String contentType, long declaredLength,
        okhttp3.Headers headers, String errorBody) {
      this(status, message, bytes, firstDifference, contentType, declaredLength, headers, errorBody, List.of(), null);
    }

    /** For a step's detail: " after 302 -> URL, 301 -> URL" naming the redirects that led here; "" when none did. */
    String via() {
      if (redirects.isEmpty()) {
        return "";
      }
      // a report's line, Nagios' first among them: a long chain as its first and last redirects, long URLs cut
      List<String> shown = redirects.stream().map(h -> h.status() + " -> " + cut(h.to())).toList();
      return " after " + (shown.size() <= 4 ? String.join(", ", shown)
          : shown.get(0) + ", … (" + (shown.size() - 2) + " more), " + shown.get(shown.size() - 1));
    }

    /** The first redirect from https to plain http, as "FROM -> TO" origins (via() has the URLs); null when none left https. */
    String downgrade() {
      return redirects.stream().filter(h -> h.from().startsWith("https:") && h.to().startsWith("http:"))
          .map(h -> originOf(HttpUrl.get(h.from())) + " -> " + originOf(HttpUrl.get(h.to()))).findFirst().orElse(null);
    }
  }

  /**
   * One redirect a GET followed: its status, the URL that answered it and the one its Location
   * points to (resolved against it), its headers (CORS), and the Origin header the request
   * carried (null for none).
   */
  record Hop(int status, String from, String to, okhttp3.Headers headers, String origin) {}

  /**
   * The redirects a GET follows: the limit Chromium, Firefox, the Fetch standard, OkHttp
   * (Conversations) and libsoup (Gajim, Dino) all share, so a chain ejup follows is one every
   * client follows. 300 is not among them: browsers never follow it.
   */
  static final int MAX_REDIRECTS = 20;
  private static final java.util.Set<Integer> REDIRECTS = java.util.Set.of(301, 302, 303, 307, 308);

  /** A failure after a GET was redirected: where it happened, in words, for {@link Diagnose}. */
  static final class Redirected extends IOException {
    final String where;

    Redirected(String where, IOException cause) {
      super(null, cause);
      this.where = where;
    }
  }

  /** Marks a redirected GET to another origin than the first: a Host header set for the first ({@link #withHost}) is not for it. */
  private static final class OtherOrigin {}

  /**
   * A GET's body that broke off after {@code received} bytes (of {@code declared}, its
   * Content-Length, -1 when it had none): the cause says how ({@link Diagnose} words it).
   */
  static class CutShort extends IOException {
    final long received;
    final long declared;
    /** How long before the break nothing had come (0 when not known): a stall, or a body still coming too slowly. */
    final long quietNanos;

    CutShort(long received, long declared, IOException cause) {
      this(received, declared, cause, 0);
    }

    CutShort(long received, long declared, IOException cause, long quietNanos) {
      super(null, cause);
      this.received = received;
      this.declared = declared;
      this.quietNanos = quietNanos;
    }
  }

  /**
   * A GET's body that could not be decoded as its headers say, after {@code received} bytes:
   * {@code how} is "gzip" (Content-Encoding: gzip, which OkHttp asks for and decodes as clients
   * do, over bytes that are not gzip) or "chunked" (Transfer-Encoding: chunked with a chunk's
   * size line that is not one). The cause has the decoder's words ({@link Diagnose} says it).
   */
  static final class Undecodable extends CutShort {
    final String how;

    private Undecodable(String how, long received, IOException cause) {
      super(received, -1, cause);
      this.how = how;
    }

    /**
     * What e, thrown reading response's body, says about its decoding, or null when it is no
     * decoding failure (a timeout, a reset, an end of stream: the body was cut short). okio's
     * GzipSource and InflaterSource throw a plain IOException ("ID1ID2: actual 0x00004200 !=
     * expected 0x00001f8b", "CRC: ...", a DataFormatException's words); OkHttp's chunked source
     * a ProtocolException ("expected chunk size and optional extensions but was ...").
     */
    static Undecodable of(Response response, IOException e, long received) {
      Response network = response.networkResponse() != null ? response.networkResponse() : response;
      if (e.getClass() == IOException.class && "gzip".equalsIgnoreCase(network.header("Content-Encoding"))
          && !(e.getCause() instanceof java.io.EOFException)) {
        return new Undecodable("gzip", received, e);
      }
      if (e instanceof java.net.ProtocolException && "chunked".equalsIgnoreCase(network.header("Transfer-Encoding"))
          && !"unexpected end of stream".equals(e.getMessage())) {
        return new Undecodable("chunked", received, e);
      }
      return null;
    }
  }

  /** Enough of an error page to see who wrote it; never more, whatever the server sends. */
  static final int ERROR_BODY = 1024;

  /** What refused a first handshake with one key share, when a connection made again got through (shared by {@link #withHost}). */
  private final java.util.concurrent.atomic.AtomicReference<String> firstRefused;

  /** The Origin header a browser page on that origin sends (--origin), or null for none. */
  private volatile String origin;

  /** Whether a GET follows a redirect from https to plain http (--allow-http); else it stops before sending anything there. */
  private volatile boolean toPlainHttp = true;

  /** Marks a call that opened a connection of its own; without the mark it ran on one from the pool. */
  private static final class Fresh {
    volatile boolean connected;
  }

  HttpTransfer(Tls tls, Duration stepTimeout) {
    this(tls, stepTimeout, null);
  }

  /** @param early the PUT's connection opened during the login ({@link EarlyTls}), or null for none */
  HttpTransfer(Tls tls, Duration stepTimeout, EarlyTls early) {
    this.firstRefused = new java.util.concurrent.atomic.AtomicReference<>();
    this.stepNanos = stepTimeout.toNanos();
    javax.net.ssl.SSLSocketFactory oneShare = BoundedSockets.oneShare(tls.context().getSocketFactory());
    this.client = new OkHttpClient.Builder()
        .socketFactory(early == null ? new NoDelaySockets() : early.sockets())
        .dns(LocalhostDns.INSTANCE)
        .sslSocketFactory(early == null ? oneShare : early.tls(oneShare), tls.trustManager)
        .hostnameVerifier(tls.hostnameVerifier)
        .connectTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .writeTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .callTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .eventListener(new EventListener() {
          @Override
          public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
            Fresh fresh = call.request().tag(Fresh.class);
            if (fresh != null) {
              fresh.connected = true;
            }
          }
        })
        // PUT (XEP-0363: to the slot's URL), OPTIONS: never; a GET follows in follow(), with each hop through these interceptors
        // a host that refuses the one key share is asked again with JSSE's own groups (KeyShares)
        .addInterceptor(chain -> {
          String host = chain.request().url().host();
          boolean limited = KeyShares.limits(host);
          try {
            return chain.proceed(chain.request());
          } catch (IOException e) {
            if (!limited || !KeyShares.refused(e)) {
              throw e;
            }
            KeyShares.widen(host);
            Response again = chain.proceed(chain.request());
            firstRefused.compareAndSet(null, host + " refused the first handshake, " + KeyShares.OFFERED + ": " + Cause.words(e));
            return again;
          }
        })
        // say who is knocking in the server's access log
        .addNetworkInterceptor(chain -> chain.proceed(chain.request().newBuilder()
            .header("User-Agent", "ejup/" + dev.ejup.Version.get()).build()))
        .build();
  }

  private HttpTransfer(OkHttpClient client, java.util.concurrent.atomic.AtomicReference<String> firstRefused, long stepNanos) {
    this.client = client;
    this.firstRefused = firstRefused;
    this.stepNanos = stepNanos;
  }

  /** For a step's detail: that a connection was made again with Java's default TLS groups, and why; "" when none was. */
  String madeAgain() {
    String refused = firstRefused.get();
    return refused == null ? "" : " (made again with Java's default TLS groups: " + refused + ")";
  }

  /**
   * The same client (pool and timeouts shared) sending every request with this Host header: a
   * cluster node reached at its own address as a load balancer forwards to it, since ejabberd
   * finds the upload service by the Host header (mod_http_upload's parse_http_request).
   */
  HttpTransfer withHost(String host) {
    HttpTransfer withHost = new HttpTransfer(client.newBuilder()
        .addInterceptor(chain -> chain.request().tag(OtherOrigin.class) != null ? chain.proceed(chain.request())
            : chain.proceed(chain.request().newBuilder().header("Host", host).build())).build(), firstRefused, stepNanos);
    withHost.toPlainHttp = toPlainHttp;
    return withHost;
  }

  /** A client with OkHttp's classes loaded, made off the critical path. */
  static HttpTransfer warm(Tls tls, Duration stepTimeout, EarlyTls early) {
    HttpTransfer transfer = new HttpTransfer(tls, stepTimeout, early);
    new Request.Builder().url("https://localhost/").put(RequestBody.create(new byte[0], MediaType.get("application/octet-stream"))).build();
    return transfer;
  }

  /**
   * PUTs the test file (or, for the overwrite probe, another seed's bytes of the same size) with
   * the slot's headers: every one XEP-0363 section 5 allows (Authorization, Cookie, Expires), in
   * the order sent, a repeated one as often as sent; newlines stripped from values, as the XEP
   * says; any other header is not sent.
   */
  Outcome put(String url, List<SlotAnswer.Header> slotHeaders, TestFile file, String contentType, Progress progress)
      throws IOException, StepFailure {
    return put(url, slotHeaders, file, contentType, progress, false);
  }

  /**
   * The overwrite probe's PUT to a slot already used: as {@link #put}, but on the connection the
   * GET left open (a TLS handshake less per check), and once more on a fresh connection when that
   * one fails before any answer. Sent twice it means the same: a server that refuses a used slot
   * refuses it both times, one that overwrites accepts it both times.
   */
  Outcome putAgain(String url, List<SlotAnswer.Header> slotHeaders, TestFile file, String contentType)
      throws IOException, StepFailure {
    return put(url, slotHeaders, file, contentType, Progress.NONE, true);
  }

  private Outcome put(String url, List<SlotAnswer.Header> slotHeaders, TestFile file, String contentType, Progress progress,
      boolean again) throws IOException, StepFailure {
    RequestBody body = new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get(contentType);
      }

      @Override
      public long contentLength() {
        return file.size;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        TestFile.Stream stream = new TestFile.Stream(file);
        byte[] buffer = new byte[TestFile.CHUNK];
        long done = 0;
        for (int n; (n = stream.next(buffer)) > 0; ) {
          sink.write(buffer, 0, n);
          done += n;
          progress.update("put", done, file.size);
        }
      }
    };
    Request.Builder request = request(url, "PUT").put(body);
    for (SlotAnswer.Header header : slotHeaders) {
      if (ALLOWED_SLOT_HEADERS.contains(header.name().toLowerCase(java.util.Locale.ROOT))) {
        try {
          request.addHeader(header.name(), header.value().replaceAll("[\r\n]", ""));
        } catch (IllegalArgumentException e) {
          throw StepFailure.crit("unusable slot header: " + Cause.words(e),
              "the upload service hands out a header no HTTP client can send; check the upload service");
        }
      }
    }
    if (!again) {
      // never sent twice, so never sent on a pooled connection the server may have closed while it sat idle
      client.connectionPool().evictAll();
    }
    try (Response response = again ? retryingStale(request) : execute(request.build())) {
      return new Outcome(response.code(), response.message(), file.size, -1, response.header("Content-Type", ""),
          response.body() == null ? -1 : response.body().contentLength(), response.headers(), errorBody(response));
    }
  }

  /** From now on every request carries {@code Origin: origin}, as a browser page on that origin sends it. */
  void origin(String origin) {
    this.origin = origin;
  }

  /**
   * Whether a GET follows a redirect from https to plain http. Without it the chain stops there,
   * before a request goes out in the clear (browsers block mixed content before they send it):
   * whoever serves get_url could otherwise point the check, or an exporter, at any plain-http address.
   */
  void followsToPlainHttp(boolean allowed) {
    this.toPlainHttp = allowed;
  }

  /**
   * A CORS preflight as a browser sends it before a cross-origin PUT (Fetch standard, CORS-preflight
   * request): OPTIONS with Origin and the method and headers the PUT will use. No body is read.
   */
  Outcome preflight(String url, String origin, String method, String requestHeaders) throws IOException, StepFailure {
    Request request = request(url, "PUT").method("OPTIONS", null)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .header("Access-Control-Request-Headers", requestHeaders)
        .build();
    try (Response response = execute(request)) {
      return new Outcome(response.code(), response.message(), 0, -1, response.header("Content-Type", ""),
          response.body() == null ? -1 : response.body().contentLength(), response.headers(), errorBody(response));
    }
  }

  /** The first {@link #ERROR_BODY} bytes of an error answer's body, as text; "" for a success or when none can be read. */
  private static String errorBody(Response response) {
    if (response.isSuccessful() || response.body() == null) {
      return "";
    }
    try (InputStream in = response.body().byteStream()) {
      return new String(in.readNBytes(ERROR_BODY), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * GETs a URL; with an expected file, compares what arrives with the file's bytes as they are
   * regenerated (equal bytes, hence equal SHA-256, at memory speed rather than hash speed). The
   * answer is wrong from a Content-Length other than the file's size, or from the first byte that
   * differs or lies past the file's end, and reading stops there: a server may send without end.
   * Without an expected file only the status is of interest, and no body is read. Redirects are
   * followed as clients follow them ({@link #follow}); the answer is the chain's last.
   *
   * @throws StepFailure CRIT for a redirect loop, more than {@link #MAX_REDIRECTS} redirects, or a
   *     Location that is not an http(s) URL
   * @throws Redirected for a failure on the way after a redirect, naming where it went
   */
  Outcome get(String url, TestFile expected, Progress progress) throws IOException, StepFailure {
    Followed followed = follow(url);
    try (Response response = followed.response()) {
      long declared = response.body() == null ? -1 : response.body().contentLength();
      long bytes = 0;
      long difference = -1;
      if (expected != null && declared >= 0 && declared != expected.size) {
        difference = Math.min(declared, expected.size);
      } else if (expected != null && response.body() != null && response.isSuccessful()) {
        TestFile.Stream reference = new TestFile.Stream(expected);
        byte[] buffer = new byte[TestFile.CHUNK];
        byte[] wanted = new byte[TestFile.CHUNK];
        long lastCame = System.nanoTime();
        try (InputStream in = response.body().byteStream()) {
          while (difference < 0) {
            // one byte more than the file: it is the proof that the answer is too long
            int want = (int) Math.min(buffer.length, expected.size + 1 - bytes);
            int n = 0;
            try {
              for (int r; n < want && (r = in.read(buffer, n, want - n)) >= 0; ) {
                n += r;
                if (r > 0) {
                  lastCame = System.nanoTime();
                }
              }
            } catch (IOException e) {
              // a timeout too: the server answered, and the report says how far its body got
              CutShort undecodable = Undecodable.of(response, e, bytes + n);
              CutShort cut = undecodable != null ? undecodable : new CutShort(bytes + n, declared, e, System.nanoTime() - lastCame);
              throw followed.hops().isEmpty() ? cut : new Redirected(target(followed.hops()), cut);
            }
            if (n <= 0) {
              break;
            }
            int m = reference.next(wanted);
            int at = java.util.Arrays.mismatch(buffer, 0, n, wanted, 0, m);
            if (at >= 0 && at < n) {
              difference = bytes + at; // a wrong byte, or the first one past the file's end
            }
            bytes += n;
            progress.update("get", bytes, expected.size);
          }
        }
      }
      return new Outcome(response.code(), response.message(), bytes, difference, response.header("Content-Type", ""), declared,
          response.headers(), response.isSuccessful() ? "" : errorBody(response), followed.hops(), response.request().header("Origin"));
    }
  }

  private record Followed(Response response, List<Hop> hops) {}

  /**
   * A GET that follows redirects as clients do (Fetch standard, HTTP-redirect fetch; OkHttp's
   * RetryAndFollowUpInterceptor): 301, 302, 303, 307 and 308 with a Location, resolved against the
   * URL that answered (a relative one too), up to {@link #MAX_REDIRECTS}, to http as to https (a
   * downgrade is the caller's to judge: {@link Outcome#downgrade}). Each hop is a request of its
   * own through the client's interceptors (key shares, User-Agent), and the step timeout bounds
   * the whole chain, the last answer's body included. With a page's Origin, a redirect from an
   * origin other than the page's to yet another makes every later request carry {@code Origin: null},
   * as a browser's does (Fetch: the tainted origin flag).
   */
  private Followed follow(String url) throws IOException, StepFailure {
    long deadline = System.nanoTime() + stepNanos;
    List<Hop> hops = new java.util.ArrayList<>();
    Request.Builder request = request(url, "GET").get();
    HttpUrl first = request.build().url();
    String page = origin;
    boolean tainted = false;
    while (true) {
      Response response;
      try {
        response = retryingStale(request, deadline);
      } catch (IOException e) {
        if (hops.isEmpty()) {
          throw e;
        }
        throw new Redirected(target(hops), e);
      }
      String location = response.header("Location");
      if (!REDIRECTS.contains(response.code()) || location == null) {
        return new Followed(response, List.copyOf(hops));
      }
      if (response.headers("Location").stream().distinct().count() > 1) {
        // OkHttp would take the last; Chromium refuses the answer (ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION)
        String answered = "GET answered HTTP " + response.code() + " with " + response.headers("Location").size() + " different Location headers"
            + via(hops);
        response.close();
        throw StepFailure.crit(answered, "browsers refuse such an answer and other clients pick one: make what serves get_url send one Location");
      }
      HttpUrl from = response.request().url();
      HttpUrl to = from.resolve(location);
      String sent = response.request().header("Origin");
      Hop hop = new Hop(response.code(), shown(from), to == null ? location : shown(to), response.headers(), sent);
      response.close();
      if (to == null) {
        throw StepFailure.crit("GET answered HTTP " + hop.status() + " with a Location that is not an http(s) URL: " + location + via(hops),
            "clients cannot follow it; make the redirect's Location an https URL (check the proxy or CDN in front of get_url)");
      }
      if (page != null && (!to.username().isEmpty() || !to.password().isEmpty()) && !originOf(to).equalsIgnoreCase(page)) {
        // Fetch standard, HTTP-redirect fetch: a cors-mode request redirected to a URL with credentials is a network error
        throw StepFailure.crit("GET redirected to a URL with a user and password on another origin than the page's: " + hop.to() + via(hops),
            "browser clients (Converse.js) fail such a redirect: make the redirect's Location carry no user and password");
      }
      boolean again = hops.stream().anyMatch(h -> h.from().equals(hop.to())) || hop.to().equals(hop.from());
      hops.add(hop);
      if (again) {
        throw StepFailure.crit("GET redirects in a loop: " + chain(hops), "clients give up on it; check the redirect rules "
            + "of what serves get_url (a proxy or CDN that redirects to itself, e.g. http/https or a trailing slash back and forth)");
      }
      if (!toPlainHttp && hop.from().startsWith("https:") && hop.to().startsWith("http:")) {
        throw StepFailure.crit("the GET URL redirects from https to plain http: " + originOf(from) + " -> " + originOf(to)
            + " (not followed)" + via(hops.subList(0, hops.size() - 1)), "make the redirect point to an https URL: the file would be "
            + "downloaded unencrypted, and browser clients (Converse.js) block it as mixed content; or pass --allow-http to accept plain http");
      }
      if (hops.size() > MAX_REDIRECTS) {
        throw StepFailure.crit("GET was redirected more than " + MAX_REDIRECTS + " times (browsers and OkHttp stop there): " + chain(hops),
            "clients give up on it; make get_url, or its first redirect, point to where the file is served");
      }
      // a browser page's request that went to another origin and then away from it sends Origin: null from there on
      tainted |= page != null && !originOf(from).equalsIgnoreCase(originOf(to)) && !originOf(from).equalsIgnoreCase(page);
      request = new Request.Builder().url(to).get();
      if (page != null) {
        request.header("Origin", tainted ? "null" : page);
      }
      if (!originOf(to).equals(originOf(first))) {
        request.tag(OtherOrigin.class, new OtherOrigin());
      }
    }
  }

  /** A URL in words at most 200 characters long: a Location can be any length. */
  static String cut(String url) {
    return url.length() <= 200 ? url : url.substring(0, 199) + "…";
  }

  /** A URL for words and logs: without user and password, which a Location may carry. */
  private static String shown(HttpUrl url) {
    return url.username().isEmpty() && url.password().isEmpty() ? url.toString() : url.newBuilder().username("").password("").build().toString();
  }

  /** Where a redirected GET went, for words: "the redirect target of the GET URL, https://host:port (after 302)". */
  private static String target(List<Hop> hops) {
    Hop last = hops.get(hops.size() - 1);
    return "the redirect target of the GET URL, " + originOf(HttpUrl.get(last.to())) + " (after " + last.status() + ")";
  }

  private static String via(List<Hop> hops) {
    return hops.isEmpty() ? "" : " (after " + chain(hops) + ")";
  }

  /** "URL -302-> URL -301-> URL": the chain as followed; a long one as its first two and last two redirects. */
  private static String chain(List<Hop> hops) {
    StringBuilder out = new StringBuilder(cut(hops.get(0).from()));
    for (int i = 0; i < hops.size(); i++) {
      if (hops.size() > 5 && i == 2) {
        out.append(" … (").append(hops.size() - 4).append(" more)");
        i = hops.size() - 3;
        continue;
      }
      out.append(" -").append(hops.get(i).status()).append("-> ").append(cut(hops.get(i).to()));
    }
    return out.toString();
  }

  /** scheme://host[:port], the port only when not the scheme's default: as a browser writes an origin. */
  static String originOf(HttpUrl url) {
    return url.scheme() + "://" + (url.host().contains(":") ? "[" + url.host() + "]" : url.host())
        + (url.port() == HttpUrl.defaultPort(url.scheme()) ? "" : ":" + url.port());
  }

  /** As {@link #retryingStale(Request.Builder, long)} within the step timeout. */
  private Response retryingStale(Request.Builder request) throws IOException {
    return retryingStale(request, 0);
  }

  /**
   * The request, and once more on a fresh connection when it failed on a pooled one before any
   * answer: servers that close a connection after each answer (HTTP/1.0, simple upload servers,
   * Flask) leave the pool holding a closed connection. A GET may be repeated; a PUT only by
   * {@link #putAgain}. A deadline (System.nanoTime(), 0 for none) bounds the call, body included.
   */
  private Response retryingStale(Request.Builder request, long deadline) throws IOException {
    Fresh fresh = new Fresh();
    try {
      return execute(request.tag(Fresh.class, fresh).build(), deadline);
    } catch (InterruptedIOException e) {
      throw e; // a timeout or the deadline: trying again would only outlast it
    } catch (IOException e) {
      Call failed = current.get();
      if (fresh.connected || failed == null || failed.isCanceled()) {
        throw e;
      }
      client.connectionPool().evictAll();
      return execute(request.tag(Fresh.class, new Fresh()).build(), deadline);
    }
  }

  /** A request for a URL from the slot, which OkHttp may still refuse (java.net.URL accepts more). */
  private Request.Builder request(String url, String method) throws StepFailure {
    try {
      Request.Builder builder = new Request.Builder().url(url);
      return origin == null ? builder : builder.header("Origin", origin);
    } catch (IllegalArgumentException e) {
      throw StepFailure.crit("the slot's " + method + " URL cannot be used: " + Cause.words(e),
          "check the upload service's " + method.toLowerCase(java.util.Locale.ROOT) + "_url");
    }
  }

  private Response execute(Request request) throws IOException {
    return execute(request, 0);
  }

  private Response execute(Request request, long deadline) throws IOException {
    Call call = client.newCall(request);
    if (deadline != 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new InterruptedIOException("timeout"); // the chain's time is up: worded as the step timeout (Diagnose)
      }
      call.timeout().timeout(left, TimeUnit.NANOSECONDS);
    }
    current.set(call);
    return call.execute();
  }

  /** Stops whatever transfer is running (the deadline passed). */
  void cancel() {
    Call call = current.get();
    if (call != null) {
      call.cancel();
    }
  }

  void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
