package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ejup.ssh.SshTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bastion given in an Ansible inventory travels with the host's ssh address into every action. */
class InventorySshRouteTest {
  private static final String INI = """
      [xmpp]
      xmpp1 ansible_host=10.0.0.5 ansible_user=deploy ansible_ssh_common_args='-o ProxyJump=admin@bastion:2200'
      xmpp2 ansible_host=10.0.0.6
      xmpp3

      [xmpp:vars]
      ansible_ssh_extra_args="-o ProxyCommand='ssh -W %h:%p gw'"
      """;

  @Test
  void ansibleSshArgsGoInFrontOfTheAddressSoNoActionCanDropThem() {
    List<Target> t = Inventory.targets("hosts.ini", INI, null, Map.of());
    SshTarget one = SshTarget.parse(t.get(0).vars().get("ssh"));
    assertEquals(new SshTarget("deploy", "10.0.0.5", null, List.of("ProxyJump=admin@bastion:2200", "ProxyCommand=ssh -W %h:%p gw")), one,
        "ssh's -o options in Ansible's order: common args, then extra args; the first obtained wins, as in ssh");
    assertEquals(List.of("ProxyCommand=ssh -W %h:%p gw"), SshTarget.parse(t.get(1).vars().get("ssh")).options());
    assertEquals("root@xmpp3", SshTarget.parse(t.get(2).vars().get("ssh")).toString(),
        "a host with only ssh options is still reached over ssh, by its inventory name, as Ansible would");
    assertEquals(List.of("ProxyCommand=ssh -W %h:%p gw"),
        SshTarget.parse(Inventory.targets("hosts.ini", INI, "xmpp2", Map.of("ssh", "root@127.0.0.1:2222")).get(0).vars().get("ssh")).options(),
        "an -e ssh=... override keeps the host's route");
  }
}
