package dev.ejup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.Ejup;
import dev.ejup.testing.LocalEjabberd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ejabberd 23.01 itself is the reference: what ejup generates and applies, a real server loads;
 * what ejabberd refuses, ejup refuses too, with the line.
 */
class RealEjabberdConfigIT {
  private static LocalEjabberd server;

  @BeforeAll
  static void start() {
    server = LocalEjabberd.up("cfgit", 16000);
  }

  @AfterAll
  static void stop() {
    server.down();
  }

  @TempDir Path tmp;

  @Test
  void theServerRunsOnTheConfigThatGenerateAndApplyWrote() {
    assertEquals(0, server.ctl("status").exit(), "ejabberdctl status must report it running");
    assertEquals(0, server.ctl("reload_config").exit());
    assertEquals(0, Ejup.runCaptured(Map.of(), "config", "validate", server.config().toString()).exitCode());
  }

  @Test
  void debianStockConfigAfterApplyIsLoadedByEjabberd() throws IOException {
    loadsAfterApply(java.util.function.UnaryOperator.identity());
  }

  /** A file from Windows (CRLF) or with a BOM: the edit keeps that form, and ejabberd still loads it. */
  @Test
  void debianStockInCrlfWithABomAfterApplyIsLoadedByEjabberd() throws IOException {
    String applied = loadsAfterApply(text -> "\uFEFF" + text.replace("\n", "\r\n"));
    assertTrue(applied.startsWith("\uFEFF") && applied.replace("\r\n", "").indexOf('\n') < 0, "still CRLF with a BOM");
    assertEquals(1, applied.split("\r\n  mod_http_upload:\r\n", -1).length - 1, "one upload block");
  }

  private String loadsAfterApply(java.util.function.UnaryOperator<String> form) throws IOException {
    String stock = Files.readString(Path.of("src/test/resources/config/debian-stock-23.01.yml"))
        .replace("ip: \"::\"", "ip: \"127.0.0.1\"")
        .replace("port: 5222", "port: 16000").replace("port: 5443", "port: 16001").replace("port: 5280", "port: 16002")
        .replace("port: 5223", "port: 16003").replace("port: 5269", "port: 16004").replace("port: 3478", "port: 16005")
        .replace("port: 1883", "port: 16006")
        .replace("\"/etc/ejabberd/ejabberd.pem\"", "\"" + server.get("ROOT") + "/etc/ejabberd.pem\"");
    Path file = Files.createTempFile(tmp, "stock", ".yml");
    Files.writeString(file, form.apply(stock));
    Ejup.Result applied = Ejup.runCaptured(Map.of(), "config", "apply", file.toString(), "--host", "localhost",
        "--port", "16001", "--docroot", server.get("DOCROOT"), "--no-backup");
    assertEquals(0, applied.exitCode(), applied.err());
    String text = Files.readString(file);
    try {
      LocalEjabberd.Shell.Result reload = server.load(text);
      assertEquals(0, reload.exit(), reload.out());
    } finally {
      server.reset();
    }
    return text;
  }

  @Test
  void applyWithReloadReachesTheRunningServer() throws IOException {
    try {
      String before = Files.readString(server.config());
      Ejup.Result r = Ejup.runCaptured(Map.of(), "config", "apply", server.config().toString(), "--max-size", "2048",
          "--reload", "--ejabberdctl", server.get("CTL"), "--no-backup");
      assertEquals(0, r.exitCode(), r.out() + r.err());
      assertTrue(r.err().contains("reload_config: ok"), r.err());
      assertTrue(Files.readString(server.config()).contains("max_size: 2048"));
      assertNotEquals(before, Files.readString(server.config()));
    } finally {
      server.reset();
    }
  }

  @Test
  void aFailedReloadPutsThePreviousFileBack() throws IOException {
    try {
      String before = Files.readString(server.config());
      // a node that does not exist: ejabberdctl cannot reach it and fails, as with a stopped server
      Ejup.Result r = Ejup.runCaptured(Map.of(), "config", "apply", server.config().toString(), "--max-size", "4096",
          "--reload", "--ejabberdctl", server.get("CTL") + " --node nosuchnode@localhost");
      assertEquals(2, r.exitCode(), r.out() + r.err());
      assertTrue(r.err().contains("restored the previous " + server.config()), r.err());
      assertEquals(before, Files.readString(server.config()), "byte for byte");
    } finally {
      server.reset();
    }
  }

  @Test
  void whatEjabberdRefusesEjupRefusesWithTheLine() throws IOException {
    for (String rule : new String[] {"upload.secret-length", "upload.jid-in-url", "upload.max-size", "upload.url-scheme"}) {
      String bad = Files.readString(Path.of("src/test/resources/config/rules/" + rule + ".bad.yml"))
          .replace("\"/etc/ejabberd/ejabberd.pem\"", "\"" + server.get("ROOT") + "/etc/ejabberd.pem\"")
          .replace("port: 5222", "port: 16000").replace("port: 5443", "port: 16001")
          .replace(":5443/", ":16001/").replace("ip: \"::\"", "ip: \"127.0.0.1\"");
      try {
        LocalEjabberd.Shell.Result reload = server.load(bad);
        assertNotEquals(0, reload.exit(), rule + ": ejabberd accepted it:\n" + reload.out());
        assertTrue(reload.out().contains("Invalid value of option modules->mod_http_upload->"), reload.out());
        Ejup.Result ours = Ejup.runCaptured(Map.of(), "config", "validate", server.config().toString());
        assertEquals(2, ours.exitCode(), ours.out());
        assertTrue(ours.out().contains("[" + rule + "]"), ours.out());
      } finally {
        server.reset();
      }
    }
  }
}
