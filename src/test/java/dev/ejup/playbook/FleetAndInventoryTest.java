package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
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
          Thread.sleep(60_000);
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
    // slack for a loaded 2-core machine: the hanging target would take 60 s
    assertTrue(millis < 20_000, "took " + millis + " ms");
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
  void ejupListAndUnresolvableHost() {
    List<Target> t = Inventory.targets("fleet.yml", "- name: one\n  domain: a.org\n- name: two\n  host: nowhere.invalid\n", null, Map.of());
    assertEquals("a.org", t.get(0).vars().get("domain"));
    java.util.function.Predicate<String> dns = host -> !host.endsWith(".invalid"); // no DNS server is asked in tests
    assertTrue(Inventory.unresolved("playbook:t", t.get(0), dns).isEmpty(), "a list name is a label, not a host to resolve");
    Report r = Inventory.unresolved("playbook:t", t.get(1), dns).orElseThrow();
    assertEquals(Status.CRIT, r.worst());
    assertEquals("host nowhere.invalid does not resolve", r.steps().get(0).detail());
  }
}
