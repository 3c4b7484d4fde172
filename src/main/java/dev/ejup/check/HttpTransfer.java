package dev.ejup.check;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
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
  private final AtomicReference<Call> current = new AtomicReference<>();

  /** @param firstDifference offset of the first byte that differs from the file, -1 when none */
  record Outcome(int status, String message, long bytes, long firstDifference, String contentType) {}

  HttpTransfer(Tls tls, Duration stepTimeout) {
    this.client = new OkHttpClient.Builder()
        .socketFactory(new NoDelaySockets())
        .dns(LocalhostDns.INSTANCE)
        .sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager)
        .hostnameVerifier(tls.hostnameVerifier)
        .connectTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .writeTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .callTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        // say who is knocking in the server's access log
        .addNetworkInterceptor(chain -> chain.proceed(chain.request().newBuilder()
            .header("User-Agent", "ejup/" + dev.ejup.Version.get()).build()))
        .build();
  }

  /** A client with OkHttp's classes loaded, made off the critical path. */
  static HttpTransfer warm(Tls tls, Duration stepTimeout) {
    HttpTransfer transfer = new HttpTransfer(tls, stepTimeout);
    new Request.Builder().url("https://localhost/").put(RequestBody.create(new byte[0], MediaType.get("application/octet-stream"))).build();
    return transfer;
  }

  /** PUTs the test file (or, for the overwrite probe, another seed's bytes of the same size). */
  Outcome put(String url, Map<String, String> slotHeaders, TestFile file, String contentType, Progress progress)
      throws IOException {
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
    Request.Builder request = new Request.Builder().url(url).put(body);
    slotHeaders.forEach((name, value) -> {
      if (ALLOWED_SLOT_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        request.header(name, value.replaceAll("[\r\n]", " "));
      }
    });
    try (Response response = execute(request.build())) {
      return new Outcome(response.code(), response.message(), file.size, -1, response.header("Content-Type", ""));
    }
  }

  /**
   * GETs a URL; with an expected file, compares what arrives with the file's bytes as they are
   * regenerated (equal bytes, hence equal SHA-256, at memory speed rather than hash speed).
   */
  Outcome get(String url, TestFile expected, Progress progress) throws IOException {
    try (Response response = execute(new Request.Builder().url(url).get().build())) {
      long bytes = 0;
      long difference = -1;
      if (response.body() != null && response.isSuccessful()) {
        TestFile.Stream reference = expected == null ? null : new TestFile.Stream(expected);
        byte[] buffer = new byte[TestFile.CHUNK];
        byte[] wanted = new byte[TestFile.CHUNK];
        try (InputStream in = response.body().byteStream()) {
          for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
            if (reference != null && difference < 0) {
              int m = reference.next(wanted);
              int at = java.util.Arrays.mismatch(buffer, 0, n, wanted, 0, m);
              if (at >= 0) {
                difference = bytes + at;
              }
            }
            bytes += n;
            progress.update("get", bytes, expected == null ? 0 : expected.size);
          }
        }
      }
      return new Outcome(response.code(), response.message(), bytes, difference, response.header("Content-Type", ""));
    }
  }

  private Response execute(Request request) throws IOException {
    Call call = client.newCall(request);
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
