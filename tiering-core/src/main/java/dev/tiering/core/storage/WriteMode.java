package dev.tiering.core.storage;

/** What publishing a file does when its target name already exists. */
public enum WriteMode {
  /** Refuse: the existing file stays and the new one is discarded. Data files use this. */
  CREATE_NEW,
  /**
   * Replace it atomically: readers see the old file or the new one, never a mix. Sidecars use this.
   */
  REPLACE
}
