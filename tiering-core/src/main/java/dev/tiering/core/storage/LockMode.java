package dev.tiering.core.storage;

/** How a keyed lock is held (see {@link Storage#tryLock}). */
public enum LockMode {
  /** Held by any number of holders at once, none of them exclusive: for example live writers. */
  SHARED,
  /** Held by one holder alone: for example a cleanup that removes what the sharers use. */
  EXCLUSIVE
}
