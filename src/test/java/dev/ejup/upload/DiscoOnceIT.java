package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.testing.EjupProcess;
import dev.ejup.testing.LocalEjabberd;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a check sends on the XMPP stream, read from Smack's own debugger (its SENT lines) in a
 * check run through bin/ejup against a real ejabberd: the upload service's disco#info goes out
 * once per check. Before, disco-items asked it to choose the service and disco-info asked it again
 * on the same stream (one round trip and one parse more per probe and per fleet target). The
 * domain's own disco#info goes out once, beside disco#items.
 */
class DiscoOnceIT {
  /** One stanza the client sent, as Smack's ConsoleDebugger prints it (up to the next debugger line). */
  private static final Pattern SENT = Pattern.compile("SENT \\(\\d+\\): (.*?)(?=\\n\\S+ (?:SENT|RECV) |\\z)", Pattern.DOTALL);

  /** How many stanzas the client sent that contain every one of parts (ejup run with -Dsmack.debugEnabled=true). */
  static int sent(String out, String... parts) {
    int n = 0;
    outer:
    for (Matcher m = SENT.matcher(out); m.find(); ) {
      for (String part : parts) {
        if (!m.group(1).contains(part)) {
          continue outer;
        }
      }
      n++;
    }
    return n;
  }

  /** Where in out the first stanza the client sent that contains every one of parts begins; -1 when none. */
  static int firstSent(String out, String... parts) {
    outer:
    for (Matcher m = SENT.matcher(out); m.find(); ) {
      for (String part : parts) {
        if (!m.group(1).contains(part)) {
          continue outer;
        }
      }
      return m.start();
    }
    return -1;
  }

  @Test
  void aCheckAsksTheUploadServicesDiscoInfoOnceWithOrWithoutService() {
    LocalEjabberd server = LocalEjabberd.up("servewarmdisco");
    try {
      Map<String, String> env = Map.of("EJUP_PASSWORD", server.password(), "EJUP_NO_CDS_LEARNING", "1",
          "EJUP_JAVA_OPTS", "-Dsmack.debugEnabled=true");
      for (String[] extra : new String[][] {{}, {"--service", "upload.localhost"}}) {
        String[] args = new String[7 + extra.length];
        System.arraycopy(new String[] {"check", "--jid", server.get("JID"), "--server", "localhost:" + server.get("XMPP_PORT"),
            "--no-probes", "--format=nagios"}, 0, args, 0, 7);
        System.arraycopy(extra, 0, args, 7, extra.length);
        EjupProcess.Result r = EjupProcess.launcher(env, args).waitFor(180);
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(sent(r.out(), "disco#items") == (extra.length == 0 ? 1 : 0), r.out());
        assertEquals(1, sent(r.out(), "to='upload.localhost'", "disco#info"), "disco#info to the upload service, in:\n" + r.out());
        assertEquals(1, sent(r.out(), "urn:xmpp:http:upload:0", "<request"), r.out());
        // the domain's own disco#info (where a Prosody host may announce the service, and what Smack and Dino ask first) goes
        // out once, beside disco#items (before the items' answer is used) so both are answered in one round trip; with
        // --service nothing needs it
        assertEquals(extra.length == 0 ? 1 : 0, sent(r.out(), "to='localhost'", "disco#info"), r.out());
        if (extra.length == 0) {
          assertTrue(firstSent(r.out(), "to='localhost'", "disco#info") < firstSent(r.out(), "to='upload.localhost'", "disco#info"),
              "sent beside disco#items:\n" + r.out());
        }
      }
    } finally {
      server.down();
    }
  }
}
