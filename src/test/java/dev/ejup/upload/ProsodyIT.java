package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejup.Ejup;
import dev.ejup.testing.EjupProcess;
import dev.ejup.testing.LocalProsody;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `ejup check` as a conforming XEP-0363 client against a real Prosody 0.12: its own
 * mod_http_file_share (three layouts), prosody-modules' mod_http_upload, and, for slot shapes no
 * packaged server hands out, a test-only module (src/test/resources/prosody/mod_ejup_odd_slots.lua)
 * whose slots point at an upload server that records the headers it received
 * (src/test/resources/http/recording_upload.py, HTTP/1.0, closing after every answer). The
 * services are listed in scripts/local-prosody.
 */
class ProsodyIT {
  private static Process recorder;
  private static int recorderPort;
  private static LocalProsody prosody;

  @BeforeAll
  static void start() throws Exception {
    recorder = new ProcessBuilder("/usr/bin/python3", Path.of("src/test/resources/http/recording_upload.py").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    recorderPort = Integer.parseInt(new BufferedReader(new InputStreamReader(recorder.getInputStream(), StandardCharsets.US_ASCII)).readLine().trim());
    prosody = LocalProsody.up("prosodyit", recorderPort);
  }

  @AfterAll
  static void stop() {
    try {
      if (prosody != null) {
        prosody.down();
      }
    } finally {
      recorder.destroy();
    }
  }

  private static Ejup.Result check(String jid, String... extra) {
    List<String> args = new ArrayList<>(List.of("check", "--jid", jid, "--server", "localhost:" + prosody.get("XMPP_PORT")));
    args.addAll(List.of(extra));
    return Ejup.runCaptured(Map.of("EJUP_PASSWORD", prosody.get("PASSWORD")), args.toArray(String[]::new));
  }

  private static Ejup.Result service(String service, String... extra) {
    List<String> args = new ArrayList<>(List.of("--service", service, "--allow-http"));
    args.addAll(List.of(extra));
    return check("hc@localhost", args.toArray(String[]::new));
  }

  /** The text line of one step: "  STATUS  0.012s  name  detail". */
  private static String line(Ejup.Result r, String step) {
    return r.out().lines().filter(l -> l.matches("\\s+\\S+\\s+[0-9.]+s\\s+" + step + "\\s.*")).findFirst()
        .orElseThrow(() -> new AssertionError("no step " + step + " in:\n" + r.out() + r.err()));
  }

  private static String hintAfter(Ejup.Result r, String step) {
    List<String> lines = r.out().lines().toList();
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).matches("\\s+\\S+\\s+[0-9.]+s\\s+" + step + "\\s.*") && lines.get(i + 1).trim().startsWith("hint: ")) {
        return lines.get(i + 1).trim();
      }
    }
    throw new AssertionError("no hint after " + step + " in:\n" + r.out());
  }

  private static void assertAllOk(Ejup.Result r) {
    assertEquals(0, r.exitCode(), r.out() + r.err());
    for (String step : List.of("slot", "put", "get", "probe-too-large", "probe-overwrite", "probe-missing")) {
      assertTrue(line(r, step).trim().startsWith("OK"), line(r, step));
    }
  }

  private static final Pattern PUT_URL = Pattern.compile("PUT (\\S+)");

  private static String putUrl(Ejup.Result r) {
    Matcher m = PUT_URL.matcher(line(r, "slot"));
    assertTrue(m.find(), line(r, "slot"));
    return m.group(1);
  }

  /** The headers of each PUT the recorder received for the slot's path, as [name, value] lists. */
  private static JsonNode received(String putUrl) throws Exception {
    String path = URI.create(putUrl).getRawPath();
    URI ask = URI.create("http://127.0.0.1:" + recorderPort + "/_received?path=" + java.net.URLEncoder.encode(path, StandardCharsets.UTF_8));
    try (var in = ask.toURL().openStream()) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static List<String> named(JsonNode put, String header) {
    List<String> values = new ArrayList<>();
    for (JsonNode pair : put) {
      if (pair.get(0).asText().equalsIgnoreCase(header)) {
        values.add(pair.get(1).asText());
      }
    }
    return values;
  }

  @Test
  void fileShareOnItsDefaultPathAndTheMissingProbeAsksTheModule() {
    Ejup.Result r = service("share.localhost");
    assertAllOk(r);
    assertTrue(line(r, "disco-info").contains("share.localhost: store/file, urn:xmpp:http:upload:0, max-file-size 1048576 bytes"), r.out());
    // the never-issued path is under the module's /file_share/ with another slot id, so prosody's
    // handler (not its router) answers 404; the old cut asked /ejup-missing/... outside the module
    String slotPath = URI.create(putUrl(r)).getRawPath();
    Matcher probed = Pattern.compile("never-issued path (\\S+) answered 404").matcher(line(r, "probe-missing"));
    assertTrue(probed.find(), line(r, "probe-missing"));
    String[] slot = slotPath.split("/");
    String[] missing = probed.group(1).split("/");
    assertEquals("file_share", missing[1], probed.group(1));
    assertEquals(slot[3], missing[3], "same file name: " + probed.group(1));
    assertFalse(slot[2].equals(missing[2]), "another slot id: " + probed.group(1));
  }

  @Test
  void fileShareAtTheRootPathWithANonIntegerLimit() {
    // http_paths = { file_share = "/" } (two segments: the old probe URL lost its host) and
    // http_file_share_size_limit = 1.5*1024*1024, which prosody writes as 1572864.0 in file-too-large
    Ejup.Result r = service("root.localhost");
    assertAllOk(r);
    assertTrue(line(r, "slot").contains("https://root.localhost:" + prosody.get("HTTPS_PORT") + "/"), r.out());
    assertTrue(line(r, "probe-missing").contains("never-issued path /"), r.out());
    assertFalse(r.out().contains("cannot resolve"), r.out());
    assertTrue(line(r, "probe-too-large").contains("refused with file-too-large (1572865 bytes), max-file-size"), r.out());
    assertTrue(line(r, "probe-too-large").contains("1572864"), r.out());
  }

  @Test
  void prosodyModulesHttpUploadIsSpokenToInTheCurrentNamespace() {
    Ejup.Result r = service("legacy.localhost");
    assertAllOk(r);
    assertTrue(line(r, "disco-info").contains("urn:xmpp:http:upload:0 urn:xmpp:http:upload,"), r.out());
    assertTrue(line(r, "disco-info").trim().startsWith("OK"), "both announced: no legacy warning: " + line(r, "disco-info"));
  }

  @Test
  void aDailyQuotaIsTemporaryAndNamesTheQuotaSetting() {
    // 1500 bytes a day: the first 1 KiB check fits, the second does not
    Ejup.Result first = service("quota.localhost", "--no-probes");
    assertEquals(0, first.exitCode(), first.out());
    Ejup.Result second = service("quota.localhost", "--no-probes");
    assertEquals(3, second.exitCode(), second.out());
    assertTrue(line(second, "slot").contains("slot refused for now: resource-constraint (Daily quota reached)"), second.out());
    String hint = hintAfter(second, "slot");
    assertTrue(hint.contains("temporary") && hint.contains("http_file_share_daily_quota"), hint);
    assertFalse(second.out().contains("ejabberd"), second.out());
  }

  @Test
  void repeatedSlotHeadersAreAllSentInOrderAndOthersNot() throws Exception {
    Ejup.Result r = service("cookies.odd.test");
    assertAllOk(r);
    JsonNode puts = received(putUrl(r));
    assertEquals(2, puts.size(), "the PUT and the overwrite probe: " + puts);
    for (JsonNode put : puts) {
      assertEquals(List.of("a=1", "b=2"), named(put, "Cookie"), put.toString());
      assertEquals(List.of(), named(put, "X-Ejup-Forbidden"), "a header XEP-0363 does not allow is not sent: " + put);
    }
    // the overwrite probe was refused by the server for the reuse, not for missing headers
    assertTrue(line(r, "probe-overwrite").contains("refused with HTTP 409"), r.out());
  }

  @Test
  void newlinesInAHeaderValueAreStripped() throws Exception {
    Ejup.Result r = service("newline.odd.test");
    assertAllOk(r);
    assertEquals(List.of("Bearer abcdef"), named(received(putUrl(r)).get(0), "Authorization"));
  }

  @Test
  void fileTooLargeWithoutMaxFileSizeIsARightRefusal() {
    Ejup.Result r = service("bare.odd.test");
    assertAllOk(r);
    assertTrue(line(r, "probe-too-large").contains("file-too-large (1048577 bytes), no max-file-size given"), r.out());
  }

  @Test
  void notAcceptableWithoutFileTooLargeIsARightRefusal() {
    // XEP-0363 section 5 answers a size too large with not-acceptable; <file-too-large/> is in its
    // example, not required: the limit held, so this is no fault of the service
    Ejup.Result r = service("toolargebare.odd.test");
    assertAllOk(r);
    assertTrue(line(r, "probe-too-large").contains("refused with not-acceptable (File too large), without <file-too-large/>"), r.out());
  }

  @Test
  void anOversizeRefusedForAnotherReasonIsAWarningNotCritical() {
    // no slot was granted, so the limit held; clients are only told a wrong reason
    Ejup.Result r = service("toolargeother.odd.test");
    assertEquals(1, r.exitCode(), r.out() + r.err());
    String probe = line(r, "probe-too-large");
    assertTrue(probe.trim().startsWith("WARNING") && probe.contains("was refused, but not as too large: policy-violation (Not today)"), r.out());
    assertTrue(hintAfter(r, "probe-too-large").contains("another reason than the size"), r.out());
    for (String step : List.of("slot", "put", "get", "probe-overwrite", "probe-missing")) {
      assertTrue(line(r, step).trim().startsWith("OK"), line(r, step));
    }
  }

  @Test
  void anOversizeRequestThatIsNeverAnsweredIsCritical() {
    // no refusal at all: a client asking for that size waits for nothing, so the limit's probe fails
    Ejup.Result r = service("toolargesilent.odd.test", "--step-timeout", "3");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    String probe = line(r, "probe-too-large");
    assertTrue(probe.trim().startsWith("CRITICAL") && probe.contains("was not refused as XEP-0363 says") && probe.contains("no answer within 3 s"), r.out());
    assertFalse(probe.contains("was refused"), r.out());
  }

  @Test
  void aServiceThatCannotWriteItsStorageIsCriticalNotTemporary() {
    // prosody-modules' mod_http_upload answers a failed mkdir with internal-server-error of type wait: that is a
    // broken upload, not a quota to wait out
    Ejup.Result r = service("unwritable.localhost");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(line(r, "slot").trim().startsWith("CRITICAL") && line(r, "slot").contains("slot refused: internal-server-error"), r.out());
    assertTrue(hintAfter(r, "slot").contains("failed on its side") && !hintAfter(r, "slot").contains("quota"), r.out());
  }

  @Test
  void anEmptyMaxFileSizeIsAWarningNotNoLimit() {
    // a field that is there without a value is malformed, not XEP-0363's "no limit" (no field at all)
    Ejup.Result r = service("emptymax.odd.test");
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertTrue(line(r, "disco-info").trim().startsWith("WARNING") && line(r, "disco-info").contains("max-file-size is empty"), r.out());
    assertTrue(line(r, "probe-too-large").trim().startsWith("WARNING") && line(r, "probe-too-large").contains("skipped"), r.out());
  }

  @Test
  void aMaxFileSizeNoLongHoldsIsAWarningAndTheOversizeProbeIsSkipped() {
    Ejup.Result r = service("huge.odd.test");
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertTrue(line(r, "disco-info").trim().startsWith("WARNING"), r.out());
    assertTrue(line(r, "disco-info").contains("99999999999999999999999 is larger than"), r.out());
    assertTrue(line(r, "probe-too-large").trim().startsWith("WARNING") && line(r, "probe-too-large").contains("skipped"), r.out());
    assertTrue(line(r, "get").trim().startsWith("OK"), r.out());
  }

  @Test
  void aRetryStampIsShownAndTheRefusalIsTemporary() {
    Ejup.Result r = service("retry.odd.test");
    assertEquals(3, r.exitCode(), r.out());
    assertTrue(line(r, "slot").contains("retry after 2031-01-01T00:00:00Z"), r.out());
    assertTrue(hintAfter(r, "slot").contains("temporary"), r.out());
  }

  @Test
  void notAllowedHasItsOwnHint() {
    Ejup.Result r = service("notallowed.odd.test");
    assertEquals(2, r.exitCode(), r.out());
    assertTrue(line(r, "slot").contains("slot refused: not-allowed"), r.out());
    String hint = hintAfter(r, "slot");
    assertTrue(hint.contains("(not-allowed)") && !hint.contains("access rule") && !hint.contains("ejabberd"), hint);
  }

  @Test
  void aLegacyOnlyServiceIsCheckedWithTheLegacyFlowAndWarnsForCurrentClients() throws Exception {
    Ejup.Result r = service("legacy.odd.test");
    assertEquals(1, r.exitCode(), r.out() + r.err());
    String info = line(r, "disco-info");
    assertTrue(info.trim().startsWith("WARNING") && info.contains("clients that speak only urn:xmpp:http:upload:0 cannot upload here"), info);
    String hint = hintAfter(r, "disco-info");
    assertTrue(hint.contains("Prosody") && !hint.contains("ejabberd"), "the hint names the server that answered: " + hint);
    for (String step : List.of("slot", "put", "get", "probe-too-large", "probe-overwrite", "probe-missing")) {
      assertTrue(line(r, step).trim().startsWith("OK"), line(r, step));
    }
    // the legacy slot's URLs are the text of <put> and <get>: the PUT and the overwrite probe reached them
    assertEquals(2, received(putUrl(r)).size(), r.out());
  }

  @Test
  void aDiscoItemWhoseInfoFailsIsSkippedAndTheCurrentNamespaceIsPreferred() {
    // vh1.localhost lists a component that is not connected, then a legacy-only service, then a :0 one
    Ejup.Result r = check("hc@vh1.localhost", "--allow-http");
    assertAllOk(r);
    String items = line(r, "disco-items");
    assertTrue(items.contains("upload service v0.odd.test"), items);
    assertTrue(items.contains("skipped broken.odd.test (disco#info failed"), items);
    assertTrue(line(r, "disco-info").trim().startsWith("OK"), r.out());
  }

  @Test
  void anUploadServiceOnTheDomainsOwnDiscoInfoIsFoundAndUsed() {
    // prosody-modules' mod_http_upload in the VirtualHost's modules_enabled: no disco item, the host
    // itself announces the service (Smack and Dino ask the domain's disco#info; the old check said "no upload service")
    Ejup.Result r = check("hc@onhost.localhost");
    assertAllOk(r);
    assertTrue(line(r, "disco-items").contains("upload service onhost.localhost itself (its own disco#info)"), r.out());
    assertTrue(line(r, "disco-info").contains("onhost.localhost: store/file, urn:xmpp:http:upload:0 urn:xmpp:http:upload, "
        + "max-file-size 524288 bytes"), r.out());
    assertTrue(line(r, "slot").contains("https://onhost.localhost:" + prosody.get("HTTPS_PORT") + "/upload/"), r.out());
    assertTrue(line(r, "probe-too-large").contains("refused with file-too-large (524289 bytes)"), r.out());
  }

  @Test
  void theDomainsOwnCurrentServiceIsPreferredOverALegacyOnlyItem() {
    // mixed.localhost lists a component that is not connected and a legacy-only service; the host itself announces :0
    Ejup.Result r = check("hc@mixed.localhost");
    assertAllOk(r);
    String items = line(r, "disco-items");
    assertTrue(items.contains("upload service mixed.localhost itself (its own disco#info)"), items);
    assertTrue(items.contains("skipped broken.odd.test (disco#info failed"), items);
    assertTrue(line(r, "disco-info").trim().startsWith("OK") && line(r, "disco-info").contains("urn:xmpp:http:upload:0"), r.out());
  }

  @Test
  void aLegacyOnlyServiceOnTheDomainItselfIsCheckedWithTheLegacyFlow() {
    // an older mod_http_upload on a VirtualHost announced only XEP-0363 0.2 on the host's disco#info
    Ejup.Result r = check("hc@oldhost.localhost", "--allow-http");
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertTrue(line(r, "disco-items").contains("upload service oldhost.localhost itself (its own disco#info)"), r.out());
    assertTrue(line(r, "disco-info").trim().startsWith("WARNING") && line(r, "disco-info").contains("only the legacy"), r.out());
    for (String step : List.of("slot", "put", "get", "probe-too-large", "probe-overwrite", "probe-missing")) {
      assertTrue(line(r, step).trim().startsWith("OK"), line(r, step));
    }
  }

  @Test
  void noServiceOnTheDomainNorAmongItsItemsIsStillCritical() {
    Ejup.Result r = check("hc@none.localhost");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    String items = line(r, "disco-items");
    assertTrue(items.trim().startsWith("CRITICAL") && items.contains(
        "no upload service among the 0 items of none.localhost's disco#items or on none.localhost's own disco#info"), items);
    assertEquals("hint: add a Component \"upload.none.localhost\" \"http_file_share\" to prosody.cfg.lua", hintAfter(r, "disco-items"));
    assertFalse(r.out().contains("disco-info"), "no service, no disco-info step: " + r.out());
  }

  @Test
  void theDomainsDiscoInfoIsAskedOnceForTheServiceAndTheHint() {
    // run as users run it, with Smack's debugger: the one answer serves both the search and the hint's server name
    EjupProcess.Result r = EjupProcess.launcher(Map.of("EJUP_PASSWORD", prosody.get("PASSWORD"), "EJUP_NO_CDS_LEARNING", "1",
        "EJUP_JAVA_OPTS", "-Dsmack.debugEnabled=true"), "check", "--jid", "hc@none.localhost", "--server", "localhost:" + prosody.get("XMPP_PORT"),
        "--format=nagios").waitFor(180);
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("http_file_share"), "the hint names Prosody's module: " + r.out());
    assertEquals(1, DiscoOnceIT.sent(r.out(), "to='none.localhost'", "disco#info"), r.out());
  }

  @Test
  void whenTheDomainAndAnItemBothAnnounceTheServiceTheDomainsIsCheckedAsSmackUsesIt() {
    // twice.localhost: a leftover mod_http_upload on the host whose storage does not exist, and the working item
    // share.localhost. Smack 4.4 and Dino ask the domain first and fail there; the old check said OK on the item
    Ejup.Result r = check("hc@twice.localhost", "--no-probes");
    assertTrue(r.exitCode() >= 2, "what Smack-based clients see is no upload: " + r.out());
    String items = line(r, "disco-items");
    assertTrue(items.trim().startsWith("WARNING"), items);
    assertTrue(items.contains("upload service twice.localhost itself (its own disco#info); share.localhost announces urn:xmpp:http:upload:0 too"), items);
    String hint = hintAfter(r, "disco-items");
    assertTrue(hint.contains("two upload services are announced: Smack- and Dino-based clients use twice.localhost's own, others may use share.localhost")
        && hint.contains("--service share.localhost"), hint);
    assertFalse(line(r, "slot").trim().startsWith("OK"), r.out());
    // the other one, as the hint says
    Ejup.Result other = check("hc@twice.localhost", "--no-probes", "--service", "share.localhost");
    assertEquals(0, other.exitCode(), other.out());
  }

  @Test
  void whenDiscoItemsFailsTheServiceOnTheDomainItselfIsStillFound() {
    // noitems.localhost answers disco#items with feature-not-implemented; its own disco#info announces mod_http_upload,
    // where Smack and Dino find it (the old check: CRITICAL "disco#items failed")
    Ejup.Result r = check("hc@noitems.localhost");
    assertAllOk(r);
    String items = line(r, "disco-items");
    assertTrue(items.trim().startsWith("OK"), items);
    assertTrue(items.contains("upload service noitems.localhost itself (its own disco#info); disco#items on noitems.localhost failed: "
        + "feature-not-implemented"), items);
  }

  @Test
  void whenTheDomainsDiscoInfoDoesNotAnswerTheHintSaysItMayBeTheService() {
    Ejup.Result r = check("hc@silent.localhost", "--step-timeout", "2");
    assertEquals(2, r.exitCode(), r.out());
    String items = line(r, "disco-items");
    assertTrue(items.contains("; skipped silent.localhost itself (disco#info: no answer within 2 s)"), "the name said once: " + items);
    String hint = hintAfter(r, "disco-items");
    assertTrue(hint.startsWith("hint: silent.localhost's own disco#info failed, and it may announce the upload service itself"), hint);
    assertTrue(hint.contains("; else "), hint);
  }

  @Test
  void twoLegacyServicesTheDomainsIsCheckedAndTheOtherNamed() {
    // oldtwice.localhost: legacy-only on the host and the legacy-only item legacy.odd.test: Smack's 0.2 search and Dino
    // take the domain's (the old check took the item, silently)
    Ejup.Result r = check("hc@oldtwice.localhost", "--allow-http", "--no-probes");
    assertEquals(1, r.exitCode(), r.out());
    String items = line(r, "disco-items");
    assertTrue(items.trim().startsWith("WARNING"), items);
    assertTrue(items.contains("upload service oldtwice.localhost itself (its own disco#info); legacy.odd.test announces urn:xmpp:http:upload too"), items);
    assertTrue(line(r, "disco-info").contains("oldtwice.localhost: store/file, urn:xmpp:http:upload,"), r.out());
  }

  @Test
  void aCurrentItemIsCheckedAndALegacyServiceOnTheDomainThatDinoUsesIsNamed() {
    // v0item.localhost: legacy-only on the host, the :0 item v0.odd.test. Smack and Conversations take the item, Dino the domain's
    Ejup.Result r = check("hc@v0item.localhost", "--allow-http", "--no-probes");
    assertEquals(1, r.exitCode(), r.out());
    String items = line(r, "disco-items");
    assertTrue(items.trim().startsWith("WARNING"), items);
    assertTrue(items.contains("upload service v0.odd.test; v0item.localhost's own disco#info announces the legacy urn:xmpp:http:upload too"), items);
    assertTrue(hintAfter(r, "disco-items").contains("Dino uses v0item.localhost's own (legacy 0.2)"), r.out());
    assertTrue(line(r, "put").trim().startsWith("OK"), r.out());
  }

  @Test
  void aProbeThatFailsOnTheGetUrlSaysGetUrl() {
    // the recorder drops the connection on a GET of a path it never stored, for this shape
    Ejup.Result r = service("drop.odd.test");
    assertEquals(2, r.exitCode(), r.out());
    String missing = line(r, "probe-missing");
    assertTrue(missing.contains("CRITICAL") && missing.contains("the GET URL"), missing);
    assertFalse(missing.contains("PUT URL"), missing);
    assertTrue(line(r, "get").trim().startsWith("OK"), r.out());
  }
}
