package dev.ejup.check;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
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

  record Outcome(int status, String message, long bytes, String sha256, String contentType) {}

  HttpTransfer(Tls tls, Duration stepTimeout) {
    this.client = new OkHttpClient.Builder()
        .socketFactory(new NoDelaySockets())
        .sslSocketFactory(tls.context.getSocketFactory(), tls.trustManager)
        .hostnameVerifier(tls.hostnameVerifier)
        .connectTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .writeTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .callTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .build();
  }

  /** PUTs the test file (or, for the overwrite probe, another seed's bytes of the same size). */
  Outcome put(String url, Map<String, String> slotHeaders, TestFile file, String contentType, Progress progress)
      throws IOException {
    MessageDigest digest = TestFile.sha256();
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
          digest.update(buffer, 0, n);
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
      return new Outcome(response.code(), response.message(), file.size, TestFile.hex(digest.digest()),
          response.header("Content-Type", ""));
    }
  }

  Outcome get(String url, long expectedSize, Progress progress) throws IOException {
    try (Response response = execute(new Request.Builder().url(url).get().build())) {
      MessageDigest digest = TestFile.sha256();
      long bytes = 0;
      if (response.body() != null) {
        try (InputStream in = response.body().byteStream()) {
          byte[] buffer = new byte[TestFile.CHUNK];
          for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
            bytes += n;
            progress.update("get", bytes, expectedSize);
          }
        }
      }
      return new Outcome(response.code(), response.message(), bytes, TestFile.hex(digest.digest()),
          response.header("Content-Type", ""));
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
