package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `config apply --reload` when the reload loses the upload listener, as ejabberd 23.01 can (it
 * closes and reopens a changed listener's port at once, and the reopen fails with "address already
 * in use"). The listener is a real process on a port from the OS; the stand-in ejabberdctl stops it
 * on its first reload_config and starts it again on the second. Before the config door, only the
 * playbook reloaded a second time; the CLI said OK with the port closed.
 */
class LostListenerTest {
  @TempDir
  Path dir;

  private Path ctl;

  private int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A config whose upload listener is on port, and a stand-in ejabberdctl that counts its reloads. */
  private Path setUp(int port, boolean listening) throws Exception {
    Path config = Files.writeString(dir.resolve("ejabberd.yml"),
        Files.readString(Path.of("src/test/resources/config/base.yml")).replace("5443", Integer.toString(port)));
    ctl = Files.writeString(dir.resolve("ejabberdctl"), String.join("\n",
        "#!/bin/bash",
        "cd '" + dir + "'",
        "start() {",
        "  python3 -c 'import socket,sys",
        "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
        "s.bind((\"127.0.0.1\", int(sys.argv[1]))); s.listen(8)",
        "while True: s.accept()[0].close()' " + port + " </dev/null >/dev/null 2>&1 &",
        "  echo $! > pid",
        "  until (exec 3<>/dev/tcp/127.0.0.1/" + port + ") 2>/dev/null; do sleep 0.05; done",
        "}",
        "if [ \"$1\" = start ]; then start; exit 0; fi",
        "if [ \"$1\" = stop ]; then [ -f pid ] && kill $(cat pid) 2>/dev/null; exit 0; fi",
        "n=$(( $(cat count 2>/dev/null || echo 0) + 1 )); echo $n > count",
        "if [ $n = 1 ] && [ -f pid ]; then p=$(cat pid); kill $p; while kill -0 $p 2>/dev/null; do sleep 0.05; done; rm pid",
        "elif [ $n = 2 ]; then start; fi",
        "echo ok", ""));
    Files.setPosixFilePermissions(ctl, PosixFilePermissions.fromString("rwx------"));
    if (listening) {
      Process p = new ProcessBuilder(ctl.toString(), "start").inheritIO().start();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the stand-in listener did not start");
    }
    return config;
  }

  @AfterEach
  void stopListener() throws Exception {
    if (ctl != null) {
      new ProcessBuilder(ctl.toString(), "stop").inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Ejup.Result apply(Path config, int port) {
    return Ejup.runCaptured(java.util.Map.of(), "config", "apply", config.toString(), "--host", "localhost", "--port",
        Integer.toString(port), "--max-size", "12345", "--no-backup", "--reload", "--ejabberdctl", ctl.toString());
  }

  @Test
  void aListenerLostOnReloadIsReopenedByASecondReloadAndSaidSo() throws Exception {
    int port = freePort();
    Path config = setUp(port, true);
    Ejup.Result r = apply(config, port);
    assertEquals("2", Files.readString(dir.resolve("count")).strip(), "reloads run\n" + r.err());
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().contains("port(s) [" + port + "] stayed closed after the reload")
        && r.err().contains("a second reload opened them"), r.err());
    assertTrue(Files.readString(config).contains("max_size: 12345"), "a reload ejabberd accepted is not undone");
  }

  @Test
  void aPortThatWasNotOpenBeforeTheReloadIsNotALostListener() throws Exception {
    // a firewall, a monitoring host, a server not running yet: nothing to judge, one reload only
    int port = freePort();
    Path config = setUp(port, false);
    Ejup.Result r = apply(config, port);
    assertEquals("1", Files.readString(dir.resolve("count")).strip(), r.err());
    assertEquals(0, r.exitCode(), r.err());
  }
  /** An ejabberdctl that only counts its reloads and says ok: ejabberd's answer when it took the file. */
  private Path countingCtl() throws IOException {
    Path counting = Files.writeString(dir.resolve("ejabberdctl-ok"), String.join("\n",
        "#!/bin/bash",
        "n=$(( $(cat '" + dir + "/count' 2>/dev/null || echo 0) + 1 )); echo $n > '" + dir + "/count'",
        "echo ok", ""));
    Files.setPosixFilePermissions(counting, PosixFilePermissions.fromString("rwx------"));
    return counting;
  }

  @Test
  void aReloadThatKeepsTheUploadPortSaysWhichPortsAnswer() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      Path config = Files.writeString(dir.resolve("ejabberd.yml"),
          Files.readString(Path.of("src/test/resources/config/base.yml")).replace("5443", Integer.toString(port)));
      Ejup.Result r = Ejup.runCaptured(java.util.Map.of(), "config", "apply", config.toString(), "--max-size", "12345", "--no-backup",
          "--reload", "--ejabberdctl", countingCtl().toString());
      assertEquals(0, r.exitCode(), r.err());
      assertEquals("1", Files.readString(dir.resolve("count")).strip(), r.err());
      assertTrue(r.err().contains("upload port(s) [" + port + "] answer on 127.0.0.1 after the reload"), r.err());
    }
  }

  @Test
  void aNewUploadPortThatDoesNotOpenOnReloadIsReloadedOnceMoreAndCritical() throws Exception {
    // the file's upload port answers; the listener this apply adds never opens (as when its reopen
    // fails with "address already in use"): before, only ports that answered before were judged
    try (ServerSocket listener = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      int added = freePort();
      Path config = Files.writeString(dir.resolve("ejabberd.yml"),
          Files.readString(Path.of("src/test/resources/config/base.yml")).replace("5443", Integer.toString(port)));
      Ejup.Result r = Ejup.runCaptured(java.util.Map.of(), "config", "apply", config.toString(), "--port", Integer.toString(added),
          "--ip", "127.0.0.1", "--no-backup", "--reload", "--ejabberdctl", countingCtl().toString());
      assertEquals("2", Files.readString(dir.resolve("count")).strip(), "a second reload for the port that did not open\n" + r.err());
      assertEquals(2, r.exitCode(), r.err());
      assertTrue(r.err().contains("upload port(s) [" + added + "] do not accept connections after two reloads"), r.err());
    }
  }
}
