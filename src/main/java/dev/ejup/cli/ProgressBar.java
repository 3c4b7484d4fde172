package dev.ejup.cli;

import dev.ejup.upload.Progress;
import java.io.PrintWriter;

/** A one-line bar on stderr for big uploads, redrawn at most every percent. */
final class ProgressBar implements Progress {
  private final PrintWriter err;
  private int shown = -1;
  private String step = "";

  ProgressBar(PrintWriter err) {
    this.err = err;
  }

  @Override
  public synchronized void update(String name, long done, long total) {
    int percent = total <= 0 ? 100 : (int) (done * 100 / total);
    if (percent == shown && name.equals(step)) {
      return;
    }
    shown = percent;
    step = name;
    int width = 30;
    int filled = percent * width / 100;
    err.print("\r" + name + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + percent + "% ");
    if (percent >= 100) {
      err.print("\r" + " ".repeat(width + 16) + "\r");
    }
    err.flush();
  }
}
