package dev.ejup;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** ejup's version, written into the jar by Maven resource filtering; read once. */
public final class Version {
  private static final String VERSION = read();

  private Version() {}

  public static String get() {
    return VERSION;
  }

  private static String read() {
    Properties props = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/ejup-version.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return props.getProperty("version", "unknown");
  }
}
