package dev.tiering.core;

/** The two storage tiers of the design: a small fast SSD and a large slow HDD. */
public enum Tier {
  /** The SSD: staging and the clean-data cache (by default {@code /data/hot}). */
  HOT("hot", "SSD"),
  /** The HDD: the data lake, archive and raw input (by default {@code /data/lake}). */
  COLD("lake", "HDD");

  private final String rootName;
  private final String device;

  Tier(String rootName, String device) {
    this.rootName = rootName;
    this.device = device;
  }

  /** {@return the conventional name of this tier's root directory: {@code hot} or {@code lake}} */
  public String rootName() {
    return rootName;
  }

  /** {@return the kind of device the design puts this tier on: {@code SSD} or {@code HDD}} */
  public String device() {
    return device;
  }

  /** Lowercase name, as printed in explanations: {@code hot} or {@code cold}. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
