package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import dev.ejup.model.UserError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetAndInventoryTest {
  @Test
  void hangingTargetIsBoundedByItsDeadlineAndDoesNotDelayOthers() {
    List<Target> targets = List.of(new Target("a", Map.of()), new Target("hang", Map.of()),
        new Target("b", Map.of()), new Target("down", Map.of()));
    long start = System.nanoTime();
    List<Report> reports = Fleet.run("playbook:t", targets, 4, Duration.ofMillis(800), t -> {
      if (t.name().equals("hang")) {
        try {
          Thread.sleep(300_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (t.name().equals("down")) {
        throw new IllegalStateException("connection refused");
      }
      return new Report("playbook:t", t.name(), List.of(Step.ok("s", Duration.ZERO, "fine")));
    });
    long millis = (System.nanoTime() - start) / 1_000_000;
    // slack for a loaded 2-core machine (50 times the deadline): the hanging target would take 300 s
    assertTrue(millis < 40_000, "took " + millis + " ms");
    assertEquals(List.of(Status.OK, Status.UNKNOWN, Status.OK, Status.UNKNOWN), reports.stream().map(Report::worst).toList());
    assertEquals("target failed unexpectedly: connection refused", reports.get(3).steps().get(0).detail());
    // one series per playbook: a target that hung or threw is not moved to another metric name
    assertEquals(List.of("playbook:t"), reports.stream().map(Report::kind).distinct().toList());
    assertEquals(Status.UNKNOWN, Report.worst(reports));
  }

  @Test
  void secondLockHolderIsRefusedAtOnce(@TempDir Path dir) throws Exception {
    Path lock = dir.resolve("hc.lock");
    try (RunLock first = RunLock.tryTake(lock).orElseThrow()) {
      assertEquals(Optional.empty(), RunLock.tryTake(lock));
      assertEquals(String.valueOf(ProcessHandle.current().pid()), RunLock.holder(lock));
    }
    assertTrue(RunLock.tryTake(lock).isPresent());
  }

  static final String INI = """
      # production XMPP
      [xmpp_eu]
      xmpp1.example.org ansible_host=127.0.0.1 ansible_port=2222 ansible_user=admin
      xmpp2.example.org ansible_host=127.0.0.2 domain=two.example.org

      [xmpp_us]
      xmpp3.example.org

      [xmpp:children]
      xmpp_eu
      xmpp_us

      [xmpp_eu:vars]
      region=eu

      [all:vars]
      domain=example.org
      jid=hc@example.org
      """;

  @Test
  void ansibleIniWithGroupsChildrenAndVars() {
    List<Target> all = Inventory.targets("hosts.ini", INI, null, Map.of());
    assertEquals(List.of("xmpp1.example.org", "xmpp2.example.org", "xmpp3.example.org"), all.stream().map(Target::name).toList());
    assertEquals("admin@127.0.0.1:2222", all.get(0).vars().get("ssh"));
    assertEquals("eu", all.get(0).vars().get("region"));
    assertEquals("two.example.org", all.get(1).vars().get("domain"));
    assertEquals("example.org", all.get(2).vars().get("domain"));
    assertEquals(List.of("xmpp3.example.org"),
        Inventory.targets("hosts.ini", INI, "xmpp_us", Map.of()).stream().map(Target::name).toList());
    assertEquals(List.of("xmpp1.example.org", "xmpp3.example.org"),
        Inventory.targets("hosts.ini", INI, "xmpp1.example.org,xmpp_us", Map.of()).stream().map(Target::name).toList());
    assertEquals("x.org", Inventory.targets("hosts.ini", INI, null, Map.of("domain", "x.org")).get(1).vars().get("domain"));
  }

  @Test
  void ansibleYamlWithChildren() {
    String yaml = """
        all:
          vars:
            domain: example.org
          children:
            xmpp:
              vars:
                insecure: true
              hosts:
                a.example.org:
                  ansible_host: 127.0.0.1
                  ansible_user: root
                b.example.org:
        """;
    List<Target> t = Inventory.targets("inv.yml", yaml, "xmpp", Map.of());
    assertEquals(List.of("a.example.org", "b.example.org"), t.stream().map(Target::name).toList());
    assertEquals("root@127.0.0.1", t.get(0).vars().get("ssh"));
    assertEquals("true", t.get(1).vars().get("insecure"));
    assertEquals("example.org", t.get(1).vars().get("domain"));
  }

  @Test
  void ejupListIsLabelsAndVariables() {
    List<Target> t = Inventory.targets("fleet.yml", "- name: one\n  domain: a.org\n- name: two\n  host: nowhere.invalid\n", null, Map.of());
    assertEquals("a.org", t.get(0).vars().get("domain"));
    assertEquals(null, t.get(0).vars().get("ssh"), "a list name is a label, not a host to reach");
  }

  /**
   * As Ansible does, a host without ansible_host is reached by its inventory name, and only the
   * steps that connect to it can fail for that: before, a name that did not resolve failed the
   * whole target before any step (and a host with no ansible_* variable ran on this machine).
   */
  @Test
  void aHostIsReachedByItsNameAndOnlyStepsThatConnectFail(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path inventory = java.nio.file.Files.writeString(dir.resolve("hosts.ini"),
        "[xmpp]\nnowhere.invalid\nhere ansible_connection=local\n");
    Path book = java.nio.file.Files.writeString(dir.resolve("b.yml"),
        "name: b\nvars: {ssh: ''}\nsteps:\n  - wait: {server: '127.0.0.1:1', timeout: '0.2'}\n    on_failure: continue\n"
            + "  - config validate: {ssh: '${ssh}', config: /nonexistent/ejabberd.yml}\n");
    Play play = Play.prepare(new Play.Request(book, inventory, null, Map.of(), 2, Duration.ofSeconds(60), false, Map.of(), null));
    assertEquals(List.of(), play.problems());
    List<Report> reports = play.run();
    Report far = reports.get(0);
    assertEquals("nowhere.invalid", far.target());
    assertEquals(List.of("wait", "config-validate"), far.steps().stream().map(s -> s.name()).toList(), far.steps().toString());
    assertTrue(far.steps().get(1).detail().contains("nowhere.invalid"), far.steps().get(1).detail());
    assertTrue(reports.get(1).steps().get(1).detail().contains("/nonexistent/ejabberd.yml"), reports.get(1).steps().toString());
  }

  @Test
  void limitTakesAnsiblePatterns() {
    String ini = "[web]\nweb1.eu\nweb2.us\n[db]\ndb1.eu\n[eu]\nweb1.eu\ndb1.eu\n";
    java.util.function.Function<String, List<String>> names = limit ->
        Inventory.targets("h.ini", ini, limit, Map.of()).stream().map(Target::name).toList();
    assertEquals(List.of("web1.eu", "web2.us"), names.apply("web*"));
    assertEquals(List.of("web2.us"), names.apply("all:!eu"));
    assertEquals(List.of("web1.eu"), names.apply("web:&eu"));
    assertEquals(List.of("web1.eu", "db1.eu"), names.apply("~.*\\.eu"));
    assertEquals(List.of("web2.us"), names.apply("!eu"));
    assertEquals(List.of("web1.eu", "web2.us", "db1.eu"), names.apply("db,web"));
    UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> names.apply("wbe"));
    assertTrue(e.getMessage().startsWith("--limit wbe is neither a host nor a group"), e.getMessage());
  }
}
