package dev.tiering.parquet;

import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.storage.ForwardingPendingFile;
import dev.tiering.core.storage.PendingFile;
import java.io.IOException;

/**
 * A pending file that keeps a hold (a staging batch's lock) until it is published or discarded, so
 * that nothing the hold protects can be removed while the file is written. A publish (or a publish
 * that failed, which may have happened) records the batch's times; a discard records nothing.
 */
final class HoldingPendingFile extends ForwardingPendingFile {

  private final StagingJanitor.Hold hold;

  HoldingPendingFile(PendingFile delegate, StagingJanitor.Hold hold) {
    super(delegate);
    this.hold = hold;
  }

  @Override
  public void commit() throws IOException {
    // Released only after the publish: a cleanup that takes the batch next sees the new file.
    try {
      super.commit();
    } finally {
      hold.close();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      // After a commit the hold is already released; a discard published nothing to record.
      hold.abandon();
    }
  }
}
