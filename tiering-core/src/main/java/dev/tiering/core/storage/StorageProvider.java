package dev.tiering.core.storage;

import dev.tiering.core.TierLayout;
import java.net.URI;

/**
 * Serves a lake on another file system: found with {@link java.util.ServiceLoader} when a {@link
 * TierLayout}'s lake root is a URI such as {@code hdfs://namenode:8020/lake}. The {@code
 * tiering-hadoop} module provides one for Hadoop file systems.
 */
public interface StorageProvider {

  /**
   * {@return whether this provider serves file systems of {@code scheme}}
   *
   * @param scheme a URI scheme, lowercase, e.g. {@code hdfs}
   */
  boolean serves(String scheme);

  /**
   * {@return the storage for {@code store}} Paths given to it are absolute paths on that file
   * system. It may connect lazily, at first use.
   *
   * @param store the file system as {@code scheme://authority}, of a scheme this provider serves
   * @throws IllegalArgumentException if this file system cannot give the SDK's guarantees (for
   *     example, object stores without atomic rename), naming why and what to use instead
   */
  Storage open(URI store);
}
