package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real ejabberd 23.01 nodes on 127.0.0.1 joined in one cluster (join_cluster, one Erlang
 * cookie), each with its own ports, spool, config and docroot. Tried by hand first: a PUT of a
 * slot from a session on node a sent to node b answers 403 (b's log: "Invalid slot"), and with
 * separate docroots a GET through b of a file stored through a answers 404. The verdicts of the
 * cross-node probe are proven both ways: CRITICAL on that cluster, OK once the docroot is shared
 * and PUTs go to the node of the slot.
 *
 * <p>The nodes' put_url names each node as https://localhost:PORT. A --node-url written
 * https://127.0.0.1:PORT is the same listener under another name, so to ejup the slot's URL names
 * none of the nodes: what it sees behind a load balancer's name, where any node may get a request.
 */
class ClusterIT {
  private static final String A = "clusterita";
  private static final String B = "clusteritb";
  private static LocalEjabberd a;
  private static LocalEjabberd b;

  @BeforeAll
  static void start() throws IOException {
    for (String name : List.of(A, B)) {
      // a cluster's schema from an earlier run would make the nodes wait for each other at start
      Path spool = Path.of("/var/lib/ejup-test", name, "spool");
      if (LocalEjabberd.Shell.run(List.of("pgrep", "-f", "--", name + "@localhost"), 10).exit() != 0 && Files.isDirectory(spool)) {
        LocalEjabberd.Shell.run(List.of("rm", "-rf", "--", spool.toString()), 30).requireOk("rm spool");
      }
    }
    a = LocalEjabberd.up(A);
    b = LocalEjabberd.up(B);
    b.join(a);
    String members = b.ctl("list_cluster").requireOk("list_cluster").out();
    assertTrue(members.contains(A + "@localhost") && members.contains(B + "@localhost"), members);
  }

  @AfterAll
  static void stop() {
    // b first: a, the last one down, starts again on its own next time
    b.down();
    a.down();
  }

  @AfterEach
  void restore() {
    b.reset();
  }

  private static String https(LocalEjabberd node, String host) {
    return "https://" + host + ":" + node.get("HTTPS_PORT");
  }

  /** ejup check logged in on the given node, with --node-url for both nodes under the given host name. */
  private static Ejup.Result check(LocalEjabberd session, String nodeHost, String... extra) {
    List<String> args = new ArrayList<>(List.of("check", "--jid", session.get("JID"), "--server", "127.0.0.1:" + session.get("XMPP_PORT"),
        "--no-probes", "--node-url", https(a, nodeHost), "--node-url", https(b, nodeHost), "--format", "json"));
    args.addAll(List.of(extra));
    return Ejup.runCaptured(Map.of("EJUP_PASSWORD", a.password()), args.toArray(String[]::new));
  }

  private static Map<String, JsonNode> steps(JsonNode report) {
    Map<String, JsonNode> steps = new LinkedHashMap<>();
    report.get("steps").forEach(s -> steps.put(s.get("name").asText(), s));
    return steps;
  }

  private static Map<String, JsonNode> steps(Ejup.Result result) throws IOException {
    return steps(new ObjectMapper().readTree(result.out()).get("reports").get(0));
  }

  private static void assertStep(Map<String, JsonNode> steps, String name, String status, String... words) {
    JsonNode step = steps.get(name);
    assertTrue(step != null, "no step " + name + " in " + steps.keySet());
    assertEquals(status, step.get("status").asText(), name + ": " + step);
    String text = step.get("detail").asText() + " | " + step.get("hint").asText();
    for (String word : words) {
      assertTrue(text.contains(word), name + " says '" + word + "': " + text);
    }
  }

  /** B's config with its docroot replaced (A's: one folder both nodes use, as an NFS mount would be). */
  private static void bWith(String from, String to) throws IOException {
    String config = Files.readString(b.config());
    assertTrue(config.contains(from), config);
    assertEquals(0, b.load(config.replace(from, to)).exit(), "node b reloads its changed config");
  }

  @Test
  void separateDocrootsBehindOneNameFailBothWaysWithTheThreeFixes() throws IOException {
    Ejup.Result result = check(a, "127.0.0.1");
    assertEquals(2, result.exitCode(), result.out() + result.err());
    Map<String, JsonNode> steps = steps(result);
    String[] fixes = {"share the docroot", "sticky routing of PUTs", "mod_http_upload on one node only", "external_secret"};
    assertStep(steps, "cluster-put-1", "OK", "HTTP 201");
    assertStep(steps, "cluster-put-2", "CRITICAL", "HTTP 403", "Invalid slot", "load balancer");
    assertStep(steps, "cluster-put-2", "CRITICAL", fixes);
    assertStep(steps, "cluster-get-2", "CRITICAL", "HTTP 404", "docroot is not shared");
    assertStep(steps, "cluster-get-2", "CRITICAL", fixes);
    // node a serves what it stored: the failure is named on the node that has it
    assertStep(steps, "cluster-get-1", "OK", "byte for byte");
    String log = Files.readString(Path.of(b.get("ROOT"), "log", "ejabberd.log"));
    assertTrue(log.contains("Invalid slot"), "ejabberd's own word for the 403 is in node b's log");
  }

  @Test
  void theNodesEndpointsComeFromTheirConfigsListeners() throws IOException {
    // the listeners bind 127.0.0.1: the same nodes as --node-url https://127.0.0.1:PORT gives
    Ejup.Result result = Ejup.runCaptured(Map.of("EJUP_PASSWORD", a.password()), "check", "--jid", a.get("JID"),
        "--server", "127.0.0.1:" + a.get("XMPP_PORT"), "--no-probes", "--node-config", a.config().toString(),
        "--node-config", b.config().toString(), "--format", "json");
    assertEquals(2, result.exitCode(), result.out() + result.err());
    Map<String, JsonNode> steps = steps(result);
    assertStep(steps, "cluster-put-2", "CRITICAL", "PUT through " + https(b, "127.0.0.1"), "Invalid slot");
    assertStep(steps, "cluster-get-2", "CRITICAL", "GET through " + https(b, "127.0.0.1"), "docroot is not shared");
  }

  @Test
  void sharedDocrootAndPutsToTheSlotsNodeIsOk() throws IOException {
    bWith("docroot: " + b.get("DOCROOT"), "docroot: " + a.get("DOCROOT"));
    // the session on b: b issues the slot and its put_url names b
    Ejup.Result result = check(b, "localhost");
    assertEquals(0, result.exitCode(), result.out() + result.err());
    Map<String, JsonNode> steps = steps(result);
    assertStep(steps, "cluster-put-1", "OK", "HTTP 403", "put_url names " + https(b, "localhost"));
    assertStep(steps, "cluster-put-2", "OK", "HTTP 201");
    // node a serves the file b stored: the shared docroot, proven by a GET, not assumed
    assertStep(steps, "cluster-get-1", "OK", "served the files PUT through " + https(b, "localhost") + " byte for byte");
    assertStep(steps, "put", "OK");
    assertStep(steps, "get", "OK");
  }

  @Test
  void sharedDocrootStillFailsWhenAnyNodeMayGetThePut() throws IOException {
    bWith("docroot: " + b.get("DOCROOT"), "docroot: " + a.get("DOCROOT"));
    Map<String, JsonNode> steps = steps(check(a, "127.0.0.1"));
    assertStep(steps, "cluster-put-2", "CRITICAL", "Invalid slot");
    assertStep(steps, "cluster-get-2", "OK", "byte for byte");
  }

  @Test
  void separateDocrootsAreFineWhileEachUrlNamesItsNode() throws IOException {
    Ejup.Result result = check(a, "localhost");
    assertEquals(0, result.exitCode(), result.out() + result.err());
    Map<String, JsonNode> steps = steps(result);
    assertStep(steps, "cluster-get-2", "OK", "HTTP 404", "not shared", "get_url names " + https(a, "localhost"));
  }

  @Test
  void oneUploadNodeServesTheSessionsOfTheOthers() throws IOException {
    // mod_http_upload on node a only: b's sessions get their slots from a, whose URLs name a
    String config = Files.readString(b.config());
    String module = config.substring(config.indexOf("  mod_http_upload:"));
    assertEquals(0, b.load(config.replace(module, "")).exit(), "node b runs without mod_http_upload");
    Ejup.Result result = check(b, "localhost");
    assertEquals(0, result.exitCode(), result.out() + result.err());
    Map<String, JsonNode> steps = steps(result);
    assertStep(steps, "slot", "OK", "PUT " + https(a, "localhost") + "/upload/");
    assertStep(steps, "cluster-put-1", "OK", "HTTP 201");
    assertStep(steps, "cluster-put-2", "OK", "HTTP 404", "mod_http_upload does not serve this host", "put_url names " + https(a, "localhost"));
    assertStep(steps, "put", "OK");
    assertStep(steps, "get", "OK");
  }

  @Test
  void putUrlNamingAnotherNodeThanTheSessionsIsCritical() throws IOException {
    // b's config copied from a's: its put_url names node a, but b issues the slots of b's sessions
    bWith("https://@HOST@:" + b.get("HTTPS_PORT") + "/upload", "https://@HOST@:" + a.get("HTTPS_PORT") + "/upload");
    Ejup.Result result = check(b, "localhost");
    assertEquals(2, result.exitCode(), result.out() + result.err());
    Map<String, JsonNode> steps = steps(result);
    assertStep(steps, "cluster-put-1", "CRITICAL", "HTTP 403", "put_url names this node, but the session that got the slot is on another node");
    assertStep(steps, "put", "CRITICAL", "403");
  }

  @Test
  void healthcheckOverAClusterInventoryReportsPerNode() throws IOException {
    Path inventory = Files.createTempFile("ejup-cluster-", ".yml");
    try {
      Files.writeString(inventory, "- name: node-a\n  server: 127.0.0.1:" + a.get("XMPP_PORT") + "\n"
          + "- name: node-b\n  server: 127.0.0.1:" + b.get("XMPP_PORT") + "\n");
      Ejup.Result result = Ejup.runCaptured(Map.of(), "play", "playbooks/healthcheck.yml", "-i", inventory.toString(),
          "-e", "domain=localhost", "-e", "jid=" + a.get("JID"), "-e", "password_file=" + a.get("PASSWORD_FILE"), "-e", "prune=false",
          "-e", "node_urls=" + https(a, "127.0.0.1") + " " + https(b, "127.0.0.1"), "--format", "json");
      assertEquals(2, result.exitCode(), result.out() + result.err());
      Map<String, JsonNode> byNode = new LinkedHashMap<>();
      new ObjectMapper().readTree(result.out()).get("reports").forEach(r -> byNode.put(r.get("target").asText(), r));
      assertEquals(List.of("node-a", "node-b"), new ArrayList<>(byNode.keySet()));
      // each node's session gets its slot from its own node: the other node is the one that refuses
      Map<String, JsonNode> onA = steps(byNode.get("node-a"));
      Map<String, JsonNode> onB = steps(byNode.get("node-b"));
      assertStep(onA, "check-cluster-put-1", "OK", "HTTP 201");
      assertStep(onA, "check-cluster-put-2", "CRITICAL", "Invalid slot");
      assertStep(onB, "check-cluster-put-1", "CRITICAL", "Invalid slot");
      assertStep(onB, "check-cluster-put-2", "OK", "HTTP 201");
      assertStep(onA, "check-cluster-get-2", "CRITICAL", "docroot is not shared");
      assertStep(onB, "check-cluster-get-1", "CRITICAL", "docroot is not shared");
    } finally {
      Files.deleteIfExists(inventory);
    }
  }
}
