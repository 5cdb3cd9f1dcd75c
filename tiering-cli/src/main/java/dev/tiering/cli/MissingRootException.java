package dev.tiering.cli;

import java.io.IOException;

/** A tier root that is not there: a typo in a unit file, or a disk that is not mounted. */
final class MissingRootException extends IOException {
  private static final long serialVersionUID = 1L;

  MissingRootException(String message) {
    super(message);
  }
}
