package dev.ejup.playbook;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A non-blocking lock so overlapping cron runs never pile up. The holder writes its pid into the
 * file; the OS drops the lock when the holder dies, so a stale file never blocks.
 */
public final class RunLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** @return the lock, or empty when another run holds it */
  public static Optional<RunLock> tryTake(Path path) throws IOException {
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      return Optional.empty();
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    return Optional.of(new RunLock(channel, lock));
  }

  /** The pid the holder wrote, or empty when unreadable. */
  public static String holder(Path path) {
    try {
      return Files.readString(path, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
