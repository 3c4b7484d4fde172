package dev.ejup.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A file error in words for a one-line message: "permission denied: /etc/x", never
 * "java.nio.file.AccessDeniedException: /etc/x" (Java's toString names the class, and
 * getMessage of a FileSystemException is often just the path).
 */
final class IoWords {
  private IoWords() {}

  static String of(IOException e) {
    String what;
    if (e instanceof AccessDeniedException) {
      what = "permission denied";
    } else if (e instanceof NoSuchFileException) {
      what = "no such file or folder";
    } else if (e instanceof FileAlreadyExistsException) {
      what = "already exists";
    } else if (e instanceof NotDirectoryException) {
      what = "not a folder";
    } else if (e instanceof DirectoryNotEmptyException) {
      what = "folder not empty";
    } else if (e instanceof FileSystemException f && f.getReason() != null) {
      what = f.getReason().toLowerCase(java.util.Locale.ROOT);
    } else {
      what = e.getMessage() == null ? "input/output error" : e.getMessage();
    }
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return what + ": " + f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
    }
    return what;
  }
}
