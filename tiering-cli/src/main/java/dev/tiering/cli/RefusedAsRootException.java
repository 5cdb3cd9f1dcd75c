package dev.tiering.cli;

import java.io.IOException;

/**
 * A command that writes, run as root on tiers another user owns (exit {@value
 * TieringCli#EXIT_NOPERM}): it would leave files that the owner's jobs cannot use.
 */
final class RefusedAsRootException extends IOException {
  private static final long serialVersionUID = 1L;

  RefusedAsRootException(String message) {
    super(message);
  }
}
