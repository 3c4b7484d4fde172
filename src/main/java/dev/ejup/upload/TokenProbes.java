package dev.ejup.upload;

import dev.ejup.model.Status;
import java.net.URL;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * The security probes of an external upload server: ejabberd's {@code external_secret} hands out
 * PUT URLs signed with prosody's mod_http_upload_external protocol ({@code ?v=} is the hex
 * HMAC-SHA256 of "slot path SP size" keyed with the shared secret, mod_http_upload.erl's
 * make_query_string). ejabberd keeps no slot of its own then: the token is the only thing between
 * the internet and the server's disk. So each probe takes a fresh slot and sends what no client
 * that got a slot would: the slot's path with a forged token, and the signed URL with another size
 * than the signed one. Both must be refused, and the file must not be served afterwards; a server
 * that stores either is an open file host for anyone, which is CRITICAL.
 */
final class TokenProbes {
  /** The query parameters that carry the token: mod_http_upload_external's v (version 1), v2 and token (later versions). */
  private static final List<String> TOKEN_PARAMETERS = List.of("v", "v2", "token");
  private static final String OPEN_HOST = "it is an open file host for anyone on the internet";
  private static final String FIX = "make the upload server check the token in the PUT URL against external_secret: the "
      + "HMAC-SHA256 of \"<path> <Content-Length>\" (prosody's mod_http_upload_external protocol), and answer 403 when it differs";

  private final StepRunner runner;
  private final XmppSession xmpp;
  private final HttpTransfer http;
  private final XmppSession.Service service;
  private final String contentType;

  TokenProbes(StepRunner runner, XmppSession xmpp, HttpTransfer http, XmppSession.Service service, String contentType) {
    this.runner = runner;
    this.xmpp = xmpp;
    this.http = http;
    this.service = service;
    this.contentType = contentType;
  }

  /** The name of the parameter that carries the PUT URL's token, or null when it has none (ejabberd's own upload). */
  static String tokenParameter(URL put) {
    HttpUrl url = HttpUrl.parse(put.toString());
    if (url == null) {
      return null;
    }
    for (String name : TOKEN_PARAMETERS) {
      String value = url.queryParameter(name);
      if (value != null && !value.isEmpty()) {
        return name;
      }
    }
    return null;
  }

  /**
   * The check's own PUT, signed by ejabberd: an external server that refuses it with 403 does not
   * accept ejabberd's signature, and the usual cause is not the disk but the secret.
   */
  static HttpTransfer.Outcome requireSigned(boolean external, HttpTransfer.Outcome put) throws StepFailure {
    if (external && (put.status() == 403 || put.status() == 401)) {
      throw StepFailure.crit("the external upload server refused the PUT that ejabberd signed (HTTP " + put.status() + " "
          + put.message() + ")", "the server does not accept ejabberd's token: make mod_http_upload's external_secret and the "
          + "upload server's secret the same string, and check both speak prosody's mod_http_upload_external protocol (?v=)");
    }
    return put;
  }

  /** Runs both probes, each on a slot of its own, sized like the check's file (at most max-file-size). */
  void run(TestFile file, String parameter) throws InterruptedException {
    runner.stage("probe-forged-token", () -> {
      TestFile probe = new TestFile(file.size, 0, file.seed ^ 0xF0F0F0F0L, contentType);
      SlotAnswer slot = xmpp.slot(service, probe.name, probe.size, contentType);
      HttpUrl signed = HttpUrl.get(slot.putUrl);
      String forged = forge(signed.queryParameter(parameter));
      HttpUrl url = signed.newBuilder().setQueryParameter(parameter, forged).build();
      HttpTransfer.Outcome put = http.put(url.toString(), slot.headers, probe, contentType, Progress.NONE);
      requireRefused(put, slot, probe, "a PUT with a forged token (" + parameter + "=" + forged.substring(0, Math.min(8, forged.length())) + "…)");
      return "a PUT with a forged token was refused with HTTP " + put.status() + " and the file is not served";
    }, d -> d);
    runner.stage("probe-size-mismatch", () -> {
      // one byte more, unless that is above max-file-size: then the server could refuse it for that alone
      long other = service.maxFileSize() != null && file.size >= service.maxFileSize() ? file.size - 1 : file.size + 1;
      TestFile signedFor = new TestFile(file.size, 1, file.seed ^ 0x0F0F0F0FL, contentType);
      SlotAnswer slot = xmpp.slot(service, signedFor.name, signedFor.size, contentType);
      TestFile sent = new TestFile(other, 1, signedFor.seed, contentType);
      HttpTransfer.Outcome put = http.put(slot.putUrl, slot.headers, sent, contentType, Progress.NONE);
      requireRefused(put, slot, sent, "a PUT of " + other + " bytes with a token signed for " + file.size);
      return "a PUT of " + other + " bytes with the token signed for " + file.size + " was refused with HTTP " + put.status()
          + " and the file is not served";
    }, d -> d);
  }

  /** Fails the probe when the server took the PUT, or serves the file (its bytes) whatever it answered. */
  private void requireRefused(HttpTransfer.Outcome put, SlotAnswer slot, TestFile sent, String what) throws Exception {
    if (put.status() >= 200 && put.status() < 300) {
      throw StepFailure.crit("the external upload server stored " + what + " (HTTP " + put.status() + "): " + OPEN_HOST, FIX);
    }
    HttpTransfer.Outcome get;
    try {
      get = http.get(slot.getUrl, sent, Progress.NONE);
    } catch (StepFailure | HttpTransfer.Redirected nothingThere) {
      get = null; // a redirect loop, one no client follows, or one to where nothing answers: nothing is served there
    }
    // a page that answers 200 for any unknown file (a redirect to a home page) is not the file: only its bytes are
    boolean served = get != null && get.status() >= 200 && get.status() < 300 && get.firstDifference() < 0 && get.bytes() == sent.size;
    if (served) {
      throw StepFailure.crit("the external upload server answered " + what + " with HTTP " + put.status()
          + " but serves the file at the GET URL (HTTP " + get.status() + "): " + OPEN_HOST, FIX);
    }
    if (put.status() >= 500 || put.status() < 400) {
      throw new StepFailure(Status.WARN, what + " was answered HTTP " + put.status() + " " + put.message()
          + " and is not served, but that is not a refusal",
          "answer a bad token or size with 403 (prosody's mod_http_upload_external protocol), not a server error");
    }
  }

  /** A token of the same shape (length, hex or not) that cannot be the real one. */
  static String forge(String real) {
    StringBuilder forged = new StringBuilder(real.length());
    for (char c : real.toCharArray()) {
      forged.append(c == '0' ? '1' : '0');
    }
    return forged.isEmpty() ? "0" : forged.toString();
  }

  @Override
  public String toString() {
    return "TokenProbes[" + service.jid() + "]";
  }
}
