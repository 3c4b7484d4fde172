package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.model.UserError;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --node-url: what the cross-node probe accepts, how it reroutes a slot URL, and its one-line refusals. */
class NodeUrlTest {
  @Test
  void aNodeIsSchemeHostAndPortWithTheSchemesDefault() {
    List<ClusterProbe.Node> nodes = ClusterProbe.parse(List.of("https://Node1.example.org:5443", "http://10.0.0.2/", "https://[2001:db8::1]"));
    assertEquals("https://Node1.example.org:5443", nodes.get(0).base());
    assertEquals("http://10.0.0.2:80", nodes.get(1).base());
    assertEquals("https://[2001:db8::1]:443", nodes.get(2).base());
    assertEquals(List.of(1, 2, 3), nodes.stream().map(ClusterProbe.Node::number).toList());
  }

  @Test
  void aSlotUrlIsRoutedToTheNodeWithItsPathAndQuery() throws Exception {
    ClusterProbe.Node node = ClusterProbe.parse(List.of("http://10.0.0.2:5280")).get(0);
    URL slot = new URL("https://xmpp.example.org/upload/abc/def/f.bin?v=1");
    assertEquals("http://10.0.0.2:5280/upload/abc/def/f.bin?v=1", node.route(slot));
    assertEquals("xmpp.example.org", ClusterProbe.hostHeader(slot));
    assertEquals("xmpp.example.org:5443", ClusterProbe.hostHeader(new URL("https://xmpp.example.org:5443/upload/a/b/c")));
  }

  @Test
  void aNodeServesAUrlOnlyWithTheSameSchemeHostAndPort() throws Exception {
    ClusterProbe.Node node = ClusterProbe.parse(List.of("https://node1.example.org")).get(0);
    assertTrue(node.serves(new URL("https://NODE1.example.org/upload/a/b/c")));
    assertTrue(node.serves(new URL("https://node1.example.org:443/upload/a/b/c")));
    assertFalse(node.serves(new URL("https://node1.example.org:5443/upload/a/b/c")));
    assertFalse(node.serves(new URL("http://node1.example.org:443/upload/a/b/c")));
    assertFalse(node.serves(new URL("https://xmpp.example.org/upload/a/b/c")));
  }

  @Test
  void badValuesAreRefusedNamingTheValue() {
    for (String bad : List.of("node1:5443", "ftp://node1", "https://", "https://node1/upload", "https://node1?x=1", "https://u@node1",
        "https://no de")) {
      UserError e = assertThrows(UserError.class, () -> ClusterProbe.parse(List.of(bad)), bad);
      assertEquals(3, e.exitCode(), bad);
      assertTrue(e.getMessage().contains("--node-url"), e.getMessage());
      assertTrue(e.hint().contains("scheme://host[:port]"), e.hint());
    }
    UserError twice = assertThrows(UserError.class, () -> ClusterProbe.parse(List.of("https://n1:5443", "https://N1:5443/")));
    assertTrue(twice.getMessage().contains("given twice"), twice.getMessage());
  }

  @Test
  void aNodeConfigWhoseListenerBindsEveryAddressOrNoneIsRefused() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ejup-node-config");
    try {
      java.nio.file.Path all = dir.resolve("all.yml");
      Ejup.Result generated = Ejup.runCaptured(Map.of(), "config", "generate", "--full", "--host", "localhost");
      java.nio.file.Files.writeString(all, generated.out());
      Ejup.Result result = Ejup.runCaptured(Map.of("EJUP_PASSWORD", "x"), "check", "--jid", "hc@localhost", "--server", "127.0.0.1:1",
          "--node-config", all.toString());
      assertEquals(3, result.exitCode(), result.err());
      assertEquals(1, result.err().strip().lines().count(), result.err());
      assertTrue(result.err().contains(all + ": the upload listener on port 5443 binds every address"), result.err());
      assertTrue(result.err().contains("--node-url https://NODE-ADDRESS:5443"), result.err());

      java.nio.file.Path none = dir.resolve("none.yml");
      java.nio.file.Files.writeString(none, "hosts:\n  - localhost\nlisten:\n  -\n    port: 5222\n    ip: 10.0.0.1\n    module: ejabberd_c2s\n");
      result = Ejup.runCaptured(Map.of("EJUP_PASSWORD", "x"), "check", "--jid", "hc@localhost", "--server", "127.0.0.1:1",
          "--node-config", none.toString());
      assertEquals(3, result.exitCode(), result.err());
      assertTrue(result.err().contains("no ejabberd_http listener routes a path to mod_http_upload"), result.err());

      java.nio.file.Path bound = dir.resolve("bound.yml");
      java.nio.file.Files.writeString(bound, generated.out().replace("ip: \"::\"", "ip: 10.0.0.7"));
      assertEquals("https://10.0.0.7:5443", dev.ejup.config.ConfigService.uploadEndpoint(new dev.ejup.config.LocalStore(), bound));
    } finally {
      try (var files = java.nio.file.Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void theCommandRefusesABadNodeUrlInOneLineBeforeConnecting() {
    // port 1 has nothing listening: a check that connected would say so instead
    Ejup.Result result = Ejup.runCaptured(Map.of("EJUP_PASSWORD", "x"), "check", "--jid", "hc@localhost", "--server", "127.0.0.1:1",
        "--node-url", "https://node1/upload");
    assertEquals(3, result.exitCode(), result.err());
    assertEquals(1, result.err().strip().lines().count(), result.err());
    assertTrue(result.err().contains("--node-url 'https://node1/upload' has more than scheme, host and port"), result.err());
    assertEquals("", result.out());
  }

  @Test
  void aNodesGetThatWasRedirectedToAnotherAddressProvesNothingOfThatNode() throws Exception {
    // a node that proxies PUTs but redirects GETs to another node: the bytes are right, but not from it
    ClusterProbe.Node node = ClusterProbe.parse(List.of("https://127.0.0.1:26610")).get(0);
    String url = "https://127.0.0.1:26610/upload/a/b/f.bin";
    HttpTransfer.Outcome elsewhere = new HttpTransfer.Outcome(200, "OK", 1024, -1, "application/octet-stream", 1024, okhttp3.Headers.of(), "",
        List.of(new HttpTransfer.Hop(302, url, "https://localhost:26601/upload/a/b/f.bin", okhttp3.Headers.of(), null)), null);
    StepFailure f = org.junit.jupiter.api.Assertions.assertThrows(StepFailure.class, () -> ClusterProbe.servedHere(node, url, elsewhere, "the file"));
    assertEquals(dev.ejup.model.Status.WARN, f.status);
    org.junit.jupiter.api.Assertions.assertTrue(f.getMessage().contains("was redirected to another address after 302 -> https://localhost:26601/"), f.getMessage());
    // a redirect within the node's own address is the node's own answer
    HttpTransfer.Outcome same = new HttpTransfer.Outcome(200, "OK", 1024, -1, "application/octet-stream", 1024, okhttp3.Headers.of(), "",
        List.of(new HttpTransfer.Hop(301, url, "https://127.0.0.1:26610/files/f.bin", okhttp3.Headers.of(), null)), null);
    ClusterProbe.servedHere(node, url, same, "the file");
  }
}
