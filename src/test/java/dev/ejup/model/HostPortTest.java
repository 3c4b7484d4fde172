package dev.ejup.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.ssh.SshTarget;
import org.junit.jupiter.api.Test;

/** The one host[:port] reader, and the places that took their own rules before (ssh, the playbook's wait). */
class HostPortTest {
  @Test
  void namesAndIpv4WithAndWithoutPort() {
    assertEquals(new HostPort("xmpp.example.org", 5222), HostPort.parse("xmpp.example.org:5222"));
    assertEquals(new HostPort("xmpp.example.org", null), HostPort.parse("xmpp.example.org"));
    assertEquals(new HostPort("127.0.0.1", 5223), HostPort.parse(" 127.0.0.1 ", 5223));
    assertEquals(new HostPort("127.0.0.1", 1), HostPort.parse("127.0.0.1:1", 5223), "a written port beats the default");
  }

  @Test
  void ipv6InBracketsTakesAPortAndBareIpv6DoesNot() {
    assertEquals(new HostPort("::1", 5222), HostPort.parse("[::1]:5222"));
    assertEquals(new HostPort("::1", null), HostPort.parse("[::1]"));
    assertEquals(new HostPort("2001:db8::1", null), HostPort.parse("2001:db8::1"));
    assertEquals(new HostPort("::1:22", 5222), HostPort.parse("::1:22", 5222), "a bare address's last group is not a port");
    assertEquals(new HostPort("fe80::1%eth0", 22), HostPort.parse("[fe80::1%eth0]:22"));
    assertEquals("[::1]:5222", HostPort.parse("[::1]:5222").toString());
    assertEquals(HostPort.parse("2001:db8::1"), HostPort.parse(HostPort.parse("2001:db8::1").toString()), "toString reads back");
  }

  @Test
  void badPortsAreRefusedInWords() {
    assertEquals("there is no port after ':'", refused("host:"));
    assertEquals("'ssh' is not a port number", refused("host:ssh"));
    assertEquals("'-1' is not a port number", refused("host:-1"));
    assertEquals("port 0 is outside 1-65535", refused("host:0"));
    assertEquals("port 65536 is outside 1-65535", refused("host:65536"));
    assertEquals("'123456' is not a port number", refused("host:123456"));
    assertEquals("there is no port after ':'", refused("[::1]:"));
    assertEquals("'x' after the address is not :PORT", refused("[::1]x"));
  }

  @Test
  void emptyHostsAndJunkAreRefusedInWords() {
    assertEquals("it is empty", refused(""));
    assertEquals("it is empty", refused("   "));
    assertEquals("it is empty", refused(null));
    assertEquals("there is no host before ':'", refused(":5222"));
    assertEquals("the IPv6 address has no closing ']'", refused("[::1"));
    assertEquals("'' in brackets is not an IPv6 address", refused("[]:22"));
    assertEquals("'example.org' in brackets is not an IPv6 address", refused("[example.org]:22"));
    assertEquals("'a b' is not a host name or address", refused("a b:22"));
    assertEquals("'x:y:z' is neither host:port nor an IPv6 address", refused("x:y:z"));
  }

  private static String refused(String text) {
    return assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text)).getMessage();
  }

  /** Before, ssh read "[::1]x" as ::1 and dropped the rest, and told nothing of what was wrong with a port. */
  @Test
  void sshTakesTheSameRules() {
    assertEquals(new SshTarget("root", "::1", 2222), SshTarget.parse("root@[::1]:2222"));
    assertEquals(new SshTarget("root", "::1", null), SshTarget.parse("root@::1"));
    assertEquals(new SshTarget(null, "xmpp", 22), SshTarget.parse("xmpp:22"));
    UserError trailing = assertThrows(UserError.class, () -> SshTarget.parse("root@[::1]x"));
    assertEquals(Status.UNKNOWN.exitCode(), trailing.exitCode());
    assertTrue(trailing.getMessage().contains("'x' after the address is not :PORT"), trailing.getMessage());
    UserError port = assertThrows(UserError.class, () -> SshTarget.parse("root@host:70000"));
    assertTrue(port.getMessage().contains("port 70000 is outside 1-65535"), port.getMessage());
    assertThrows(UserError.class, () -> SshTarget.parse("root@:22"));
    assertThrows(UserError.class, () -> SshTarget.parse("@host"));
  }
}
