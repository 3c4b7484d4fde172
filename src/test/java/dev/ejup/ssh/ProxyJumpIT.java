package dev.ejup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.model.UserError;
import dev.ejup.testing.LocalSshd;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SSH goes where OpenSSH would go, against real sshds: the server (scripts/local-sshd) and a jump
 * host beside it. The server is always reachable directly, so a run that ignored the route would
 * succeed: a failure naming the jump host, with no new login in the server's log, proves ejup did
 * not go around it; a success with the jump host's log showing the forwarded connection proves it
 * went through.
 */
class ProxyJumpIT {
  private static LocalSshd server;
  private static LocalSshd jump;
  private static Path home;
  private static int closedPort;
  private static boolean serverWasRunning;

  @BeforeAll
  static void start() throws IOException {
    serverWasRunning = LocalSshd.running();
    server = LocalSshd.up();
    jump = LocalSshd.up("jump", freePort());
    closedPort = freePort();
    home = Files.createTempDirectory("ejup-proxyjump");
    Path ssh = Files.createDirectories(home.resolve(".ssh"));
    String port = server.get("PORT");
    String key = server.get("KEY");
    String known = Files.readString(Path.of(server.get("KNOWN_HOSTS")));
    Files.writeString(ssh.resolve("known_hosts"), known + known.replace("[127.0.0.1]:" + port, "[127.0.0.1]:" + jump.get("PORT")));
    String target = "  HostName 127.0.0.1\n  Port " + port + "\n  User root\n";
    String viaSsh = "ssh -F /dev/null -i " + key + " -o UserKnownHostsFile=" + ssh.resolve("known_hosts")
        + " -o BatchMode=yes -o ConnectTimeout=10 -W %h:%p ejuptest-nosudo@127.0.0.1 -p ";
    Files.writeString(ssh.resolve("config"), "Host behind\n" + target + "  ProxyJump ejuptest-nosudo@127.0.0.1:" + jump.get("PORT") + "\n"
        + "Host behind-chain\n" + target + "  ProxyJump ejuptest-nosudo@127.0.0.1:" + jump.get("PORT") + ",ssh://ejuptest-sudo@127.0.0.1:"
        + jump.get("PORT") + "\n"
        + "Host behind-down\n" + target + "  ProxyJump ejuptest-nosudo@127.0.0.1:" + closedPort + "\n"
        + "Host via-command\n" + target + "  ProxyCommand " + viaSsh + jump.get("PORT") + "\n"
        + "Host via-command-down\n" + target + "  ProxyCommand " + viaSsh + closedPort + "\n"
        + "Host beyond-reach\n  HostName 127.0.0.1\n  Port " + closedPort + "\n  User root\n  ProxyJump ejuptest-nosudo@127.0.0.1:"
        + jump.get("PORT") + "\n"
        + "Host direct\n" + target
        + "Host *\n  IdentityFile " + key + "\n");
  }

  @AfterAll
  static void stop() throws IOException {
    if (jump != null) {
      jump.down();
    }
    if (!serverWasRunning) {
      LocalSshd.downShared();
    }
    if (home != null) {
      try (var files = Files.walk(home)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static SshConnection open(String ssh) {
    return SshConnection.open(new SshOptions(SshTarget.parse(ssh), null, null, false, null, Duration.ofSeconds(20), home, null));
  }

  private static long logins(LocalSshd sshd, String user) throws IOException {
    return Files.readAllLines(Path.of(sshd.get("LOG"))).stream().filter(l -> l.contains("Accepted publickey for " + user + " ")).count();
  }

  private static long forwards(String port) throws IOException {
    // sshd at LogLevel DEBUG1 logs each direct-tcpip request with its target
    return Files.readAllLines(Path.of(jump.get("LOG"))).stream()
        .filter(l -> l.contains("direct-tcpip") || l.contains("direct_tcpip")).filter(l -> l.contains("port " + port)).count();
  }

  @Test
  void theServerIsReachableDirectlySoOnlyTheRouteCanMakeTheseFail() {
    try (SshConnection c = open("direct")) {
      assertEquals("ok\n", c.run(List.of("echo", "ok"), false).out());
    }
  }

  @Test
  void aJumpHostThatIsDownFailsNamingItAndNothingGoesAroundIt() throws IOException {
    long before = logins(server, "root");
    UserError e = assertThrows(UserError.class, () -> open("behind-down").close());
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().startsWith("SSH connection to jump host ejuptest-nosudo@127.0.0.1:" + closedPort + " refused"), e.getMessage());
    assertEquals(before, logins(server, "root"), "no login reached the server by another way");

    // the issue's own command: `ejup docroot check --ssh HOST` with the bastion down
    Ejup.Result r = Ejup.runCaptured(Map.of("HOME", home.toString()), "docroot", "check", "--ssh", "behind-down",
        "--config", "/nonexistent/ejabberd.yml");
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains("jump host ejuptest-nosudo@127.0.0.1:" + closedPort + " refused"), r.err());
    assertFalse(r.out().contains(" OK"), r.out());
    assertEquals(before, logins(server, "root"));
  }

  @Test
  void aJumpHostThatIsUpCarriesTheConnection() throws IOException {
    long jumps = logins(jump, "ejuptest-nosudo");
    long forwarded = forwards(server.get("PORT"));
    long direct = logins(server, "root");
    try (SshConnection c = open("behind")) {
      assertEquals("root@127.0.0.1:" + server.get("PORT"), c.where());
      assertEquals("root\n", c.run(List.of("id", "-un"), false).out());
    }
    assertEquals(jumps + 1, logins(jump, "ejuptest-nosudo"), "logged in to the jump host");
    assertEquals(forwarded + 1, forwards(server.get("PORT")), "and asked it for a connection to the server");
    assertEquals(direct + 1, logins(server, "root"));
  }

  @Test
  void aServerTheJumpHostCannotReachIsSaidSoInWords() {
    UserError e = assertThrows(UserError.class, () -> open("beyond-reach").close());
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().startsWith("jump host ejuptest-nosudo@127.0.0.1:" + jump.get("PORT")
        + " could not open a connection to 127.0.0.1:" + closedPort), e.getMessage());
  }

  @Test
  void aChainGoesThroughEachHopInTurn() throws IOException {
    long first = logins(jump, "ejuptest-nosudo");
    long second = logins(jump, "ejuptest-sudo");
    long forwarded = forwards(server.get("PORT"));
    try (SshConnection c = open("behind-chain")) {
      assertEquals("ok\n", c.run(List.of("echo", "ok"), false).out());
    }
    assertEquals(first + 1, logins(jump, "ejuptest-nosudo"));
    assertEquals(second + 1, logins(jump, "ejuptest-sudo"), "the second hop was reached through the first");
    assertEquals(forwarded + 1, forwards(server.get("PORT")));
  }

  @Test
  void proxyCommandCarriesTheConnectionAndSaysWhyWhenItCannot() throws IOException {
    long forwarded = forwards(server.get("PORT"));
    try (SshConnection c = open("via-command")) {
      assertEquals("ok\n", c.run(List.of("echo", "ok"), false).out());
    }
    assertEquals(forwarded + 1, forwards(server.get("PORT")), "ssh -W went through the jump host");
    long before = logins(server, "root");
    UserError e = assertThrows(UserError.class, () -> open("via-command-down").close());
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().startsWith("the ProxyCommand for root@127.0.0.1:" + server.get("PORT") + " failed: "), e.getMessage());
    assertTrue(e.getMessage().contains("port " + closedPort + ": Connection refused"), "ssh's own words: " + e.getMessage());
    assertEquals(before, logins(server, "root"));
  }

  @Test
  void aBastionInAnAnsibleInventoryIsFollowedByThePlaybook() throws IOException {
    Path inventory = Files.writeString(home.resolve("hosts.ini"), "[xmpp]\n"
        + "down ansible_host=127.0.0.1 ansible_port=" + server.get("PORT")
        + " ansible_ssh_common_args='-o ProxyJump=ejuptest-nosudo@127.0.0.1:" + closedPort + "'\n"
        + "up ansible_host=127.0.0.1 ansible_port=" + server.get("PORT")
        + " ansible_ssh_common_args='-o ProxyJump=ejuptest-nosudo@127.0.0.1:" + jump.get("PORT") + "'\n");
    Path playbook = Files.writeString(home.resolve("ssh.yml"), "name: ssh-route\nvars:\n  ssh: \"\"\nsteps:\n"
        + "  - docroot check: {ssh: \"${ssh}\", config: /nonexistent/ejabberd.yml}\n");
    long forwarded = forwards(server.get("PORT"));
    long before = logins(server, "root");
    Ejup.Result r = Ejup.runCaptured(Map.of("HOME", home.toString()), "play", playbook.toString(), "-i", inventory.toString(),
        "--format", "json");
    assertTrue(r.out().contains("jump host ejuptest-nosudo@127.0.0.1:" + closedPort + " refused"), r.out() + r.err());
    assertEquals(forwarded + 1, forwards(server.get("PORT")), "host 'up' went through its jump host: " + r.out());
    assertEquals(before + 1, logins(server, "root"), "one login (host 'up'), none for host 'down'");
  }
}
