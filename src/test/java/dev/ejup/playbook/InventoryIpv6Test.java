package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ejup.ssh.SshTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Before, ansible_host=::1 with ansible_port=2222 became root@::1:2222, which reads as the address ::1:2222 on port 22. */
class InventoryIpv6Test {
  @Test
  void anIpv6AnsibleHostKeepsItsPort() {
    List<Target> t = Inventory.targets("hosts.ini", "[xmpp]\nv6 ansible_host=2001:db8::5 ansible_port=2222\n", null, Map.of());
    assertEquals(new SshTarget("root", "2001:db8::5", 2222), SshTarget.parse(t.get(0).vars().get("ssh")));
  }
}
