package dev.tiering.hadoop;

import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.StorageProvider;
import java.net.URI;

/**
 * Serves a lake root that is a Hadoop URI ({@code hdfs://namenode:8020/lake}) with a {@link
 * HadoopStorage}, configured from the class path's Hadoop site files and {@code $HADOOP_CONF_DIR}.
 * Found by {@link java.util.ServiceLoader}; applications do not call it.
 */
public final class HadoopStorageProvider implements StorageProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public HadoopStorageProvider() {}

  /** Every scheme: Hadoop knows which file system serves it, and refuses unknown ones at use. */
  @Override
  public boolean serves(String scheme) {
    return true;
  }

  @Override
  public Storage open(URI store) {
    return HadoopStorage.open(store, HadoopStorage.defaultConfiguration());
  }
}
