package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The built-in reader (machines without Ansible) against Ansible's own {@code ansible-inventory
 * --list} on a corpus of realistic inventories: the same hosts with the same variables. Needs
 * ansible-inventory (scripts/lib/prerequisites.sh ensure_test_tools installs ansible-core).
 */
class AnsibleInventoryTest {
  private static Map<String, Map<String, String>> byName(List<Target> targets) {
    return targets.stream().collect(Collectors.toMap(Target::name, t -> new TreeMap<>(t.vars()), (a, b) -> a, TreeMap::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"web.ini", "fleet.yml", "nested.ini"})
  void theBuiltInReaderReadsWhatAnsibleReads(String name) throws Exception {
    Path ansible = Inventory.ansibleInventory().orElseThrow(() -> new AssertionError(
        "ansible-inventory is not on PATH: install ansible-core (scripts/lib/prerequisites.sh ensure_test_tools)"));
    Path file = Path.of("src/test/resources/inventories", name);
    List<Target> builtIn = Inventory.targets(file.toString(), Files.readString(file), null, Map.of());
    List<Target> theirs = Inventory.targets(file.toString(), Inventory.fromAnsible(ansible, file), null, Map.of());
    assertEquals(byName(theirs), byName(builtIn));
    assertTrue(builtIn.size() >= 5, builtIn.toString());
  }

  @Test
  void rangesExpandAsAnsibleDoes() {
    assertEquals(List.of("web01.x", "web02.x", "web03.x"), Inventory.expand("web[01:03].x", "f:1"));
    assertEquals(List.of("a1", "a3", "b1", "b3"), Inventory.expand("[a:b][1:3:2]", "f:1"));
    assertEquals(List.of("db-8", "db-9", "db-10"), Inventory.expand("db-[8:10]", "f:1"));
  }

  /** Before, web[01:02].example.org was one literal host and anything in brackets was taken as a name. */
  @Test
  void whatTheBuiltInReaderDoesNotParseIsRefusedWithItsLine() {
    UserError e = assertThrows(UserError.class, () -> Inventory.parseIni("h.ini", "[web]\nok.example.org\nweb[1-3].example.org\n"));
    assertEquals("h.ini:3: host web[1-3].example.org has a bracket that is not a range [START:END] or [START:END:STEP]", e.getMessage());
    assertThrows(UserError.class, () -> Inventory.parseIni("h.ini", "[web]\nweb[3:1].example.org\n"));
  }

  @Test
  void aQuotedValueWithSpacesIsOneValue() {
    Inventory.Parsed p = Inventory.parseIni("h.ini", "[web]\nweb1 motd=\"hello world\" ansible_user=deploy\n");
    assertEquals(Map.of("motd", "hello world", "ansible_user", "deploy"), p.hosts.get("web1"));
  }

  /** Before, group variables applied in file order: a parent written after its child overrode it. */
  @Test
  void aChildGroupsVariableWinsOverItsParentsWhateverTheFileOrder() {
    String ini = "[child]\nh1\nh2:2200\n[child:vars]\nx=child\n[parent:children]\nchild\n[parent:vars]\nx=parent\ny=parent\n"
        + "[zz]\nh1\n[zz:vars]\nz=zz\n[c]\nh1\n[c:vars]\nz=c\n";
    List<Target> t = Inventory.targets("h.ini", ini, "h1", Map.of());
    assertEquals("child", t.get(0).vars().get("x"));
    assertEquals("zz", t.get(0).vars().get("z"), "same depth: by name, the later name wins (as ansible-inventory says)");
    assertEquals("root@h2:2200", Inventory.targets("h.ini", ini, "h2", Map.of()).get(0).vars().get("ssh"));
  }
}
