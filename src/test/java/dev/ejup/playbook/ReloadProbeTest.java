package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playbooks' reload action goes through the config door's reload, so it probes every upload
 * port after the reload as `config apply --reload` does: a real listener on one upload port, none on
 * the other, and a stand-in ejabberdctl that counts its reloads and says ok.
 */
class ReloadProbeTest {
  @TempDir
  Path dir;

  @Test
  void theReloadActionProbesEachUploadPortAndReloadsOnceMoreForOneThatStaysClosed() throws Exception {
    Path ctl = Files.writeString(dir.resolve("ejabberdctl"), String.join("\n", "#!/bin/bash",
        "n=$(( $(cat '" + dir + "/count' 2>/dev/null || echo 0) + 1 )); echo $n > '" + dir + "/count'", "echo ok", ""));
    Files.setPosixFilePermissions(ctl, PosixFilePermissions.fromString("rwx------"));
    int closed;
    try (ServerSocket s = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    try (ServerSocket open = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      String base = Files.readString(Path.of("src/test/resources/config/base.yml"));
      Path config = Files.writeString(dir.resolve("ejabberd.yml"), base.replace("5443", Integer.toString(open.getLocalPort())));
      Map<String, String> vars = Map.of("config", config.toString(), "ejabberdctl", ctl.toString(), "server", "127.0.0.1:5222");
      Step ok = new LiveCapabilities(Map.of()).reload(new Target("local", vars), Map.of(), false);
      assertEquals(Status.OK, ok.status(), ok.detail());
      assertTrue(ok.detail().contains("upload port(s) [" + open.getLocalPort() + "] answer on 127.0.0.1 after the reload"), ok.detail());
      assertEquals("1", Files.readString(dir.resolve("count")).strip());

      String second = "  -\n    port: " + closed + "\n    ip: \"127.0.0.1\"\n    module: ejabberd_http\n    tls: true\n"
          + "    request_handlers:\n      /upload: mod_http_upload\n";
      String withTwo = Files.readString(config).replace("      /upload: mod_http_upload\n", "      /upload: mod_http_upload\n" + second);
      assertTrue(withTwo.contains("port: " + closed), withTwo);
      Files.writeString(config, withTwo);
      Files.delete(dir.resolve("count"));
      Step lost = new LiveCapabilities(Map.of()).reload(new Target("local", vars), Map.of(), false);
      assertEquals(Status.CRIT, lost.status(), lost.detail());
      assertTrue(lost.detail().contains("upload port(s) [" + closed + "] do not accept connections after two reloads"), lost.detail());
      assertEquals("2", Files.readString(dir.resolve("count")).strip(), "a second reload for the closed port");
    }
  }
}
