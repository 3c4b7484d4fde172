package dev.ejup.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import dev.ejup.testing.LocalSshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What real runs of check and play write, in every format, read by the program that reads that
 * format in production (see {@link Consumers}): passing, failing, and a fleet with a target down.
 * The docroot commands' outputs are read the same way in DocrootIT.
 */
class RealRunFormatsIT {
  private static LocalEjabberd server;
  private static LocalSshd sshd;

  @BeforeAll
  static void start() {
    sshd = LocalSshd.up();
    server = LocalEjabberd.up("formatsit", 23000);
  }

  @AfterAll
  static void stop() {
    server.down();
  }

  private static Ejup.Result run(Map<String, String> env, List<String> args, Format format, String... extra) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--format", format.label()));
    all.addAll(List.of(extra));
    return Ejup.runCaptured(env, all.toArray(String[]::new));
  }

  private static void accepted(Ejup.Result r, Format format, int exitCode) {
    assertEquals(exitCode, r.exitCode(), format + ": " + r.out() + r.err());
    Consumers.accept(format, r.out(), r.exitCode());
  }

  @Test
  void checkPassingAndFailing() {
    List<String> check = List.of("check", "--jid", server.get("JID"), "--server", "127.0.0.1:" + server.get("XMPP_PORT"), "--no-probes");
    for (Format format : Format.values()) {
      accepted(run(Map.of("EJUP_PASSWORD", server.password()), check, format, "--warning", "30", "--critical", "60"), format, 0);
      accepted(run(Map.of("EJUP_PASSWORD", "wrong"), check, format), format, 2);
    }
  }

  @Test
  void playOneTargetAndAFleetWithATargetDown(@TempDir Path tmp) throws IOException {
    List<String> common = List.of("play", "playbooks/healthcheck.yml", "-e", "domain=localhost", "-e", "jid=" + server.get("JID"),
        "-e", "password_file=" + server.get("PASSWORD_FILE"),
        "-e", "ssh=root@127.0.0.1:" + sshd.get("PORT"), "-e", "identity=" + sshd.get("KEY"),
        "-e", "known_hosts=" + sshd.get("KNOWN_HOSTS"), "-e", "config=" + server.config());
    List<String> healthcheck = new ArrayList<>(common);
    healthcheck.addAll(List.of("-e", "server=127.0.0.1:" + server.get("XMPP_PORT")));
    Path inventory = Files.createTempFile(tmp, "formats-fleet", ".yml");
    Files.writeString(inventory, "- name: up\n  server: 127.0.0.1:" + server.get("XMPP_PORT") + "\n"
        + "- name: down\n  server: 127.0.0.1:23099\n");
    // -e beats the inventory, so the fleet's servers come from the inventory alone
    List<String> fleet = new ArrayList<>(common);
    fleet.addAll(List.of("-i", inventory.toString(), "--parallel", "2", "--deadline", "30"));
    for (Format format : Format.values()) {
      Ejup.Result one = run(Map.of(), healthcheck, format);
      assertTrue(one.exitCode() <= 1, one.out() + one.err());
      Consumers.accept(format, one.out(), one.exitCode());
      Ejup.Result both = run(Map.of(), fleet, format);
      assertTrue(both.exitCode() >= 2, both.out() + both.err());
      Consumers.accept(format, both.out(), both.exitCode());
    }
  }
}
