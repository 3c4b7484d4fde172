package dev.ejup.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files that exist only while a write is under way (the temporary copy before its rename, a backup
 * being copied): a SIGTERM or Ctrl-C at that moment must not leave them beside the config. The JVM
 * runs shutdown hooks on those signals; the launcher's {@code Runtime.halt} after a normal run skips
 * them, which is fine, since every normal path removes its own files first.
 */
public final class StrayFiles {
  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();
  private static final Set<Runnable> ELSEWHERE = ConcurrentHashMap.newKeySet();
  /** How long a signal may wait for the files on a server to go: a hung connection must not hold the exit. */
  private static final long ELSEWHERE_MILLIS = 5000;
  private static boolean hooked;
  private static boolean exiting;

  private StrayFiles() {}

  private static void hook() {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(new Thread(StrayFiles::removeAll, "ejup-stray-files"));
      hooked = true;
    }
  }

  /**
   * For files ejup cannot delete itself (on a server over SSH): cleanup runs on a signal unless
   * {@link #done} comes first. The caller makes cleanup and its own writes take turns.
   */
  static synchronized void onExit(Runnable cleanup) {
    hook();
    ELSEWHERE.add(cleanup);
  }

  static void done(Runnable cleanup) {
    ELSEWHERE.remove(cleanup);
  }

  /**
   * Creates path (it must not exist) for writing, to be removed on exit unless {@link #keep} or
   * {@link #remove} comes first. Creation and the exit hook take turns: a file is either created
   * before the hook runs (and removed by it) or not created at all.
   */
  static synchronized FileChannel create(Path path) throws IOException {
    if (exiting) {
      throw new IOException("ejup is stopping (a signal): " + path + " was not created");
    }
    hook();
    PENDING.add(path);
    try {
      return FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      PENDING.remove(path);
      throw e;
    }
  }

  /** The file is finished (renamed into place, or a complete backup): leave it. */
  static void keep(Path path) {
    PENDING.remove(path);
  }

  /** Deletes it now (best effort: a stray temp file is harmless, the config is whole either way). */
  static void remove(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // nothing more to do; the original is intact
    }
    PENDING.remove(path);
  }

  /**
   * Removes every file of a write under way, here and on servers (waiting at most 5 s for those),
   * and lets no new one be created. For a shutdown hook that ends the process with
   * {@code Runtime.halt}, which would cut this class's own hook short.
   */
  public static void removeAll() {
    synchronized (StrayFiles.class) {
      exiting = true;
      for (Path path : PENDING) {
        remove(path);
      }
    }
    Thread elsewhere = new Thread(() -> ELSEWHERE.forEach(Runnable::run), "ejup-stray-remote-files");
    elsewhere.setDaemon(true);
    elsewhere.start();
    try {
      elsewhere.join(ELSEWHERE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
