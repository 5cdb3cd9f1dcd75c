package dev.tiering.core;

import dev.tiering.core.internal.NameRules;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a file is. Applications name the kind; routing rules turn it into a place. */
public enum DataKind {
  /** An SLM's intermediate result for one batch: {@code slm_{id}_{batch}.parquet}. */
  INTERMEDIATE("slm"),
  /** A cross-check file of one SLM for one batch: {@code crosscheck_{id}_{batch}.parquet}. */
  CROSSCHECK("crosscheck"),
  /** Clean table data of a zone in the lake. */
  CLEAN(null),
  /** An SSD copy of clean table data in the hot cache. */
  CACHE(null),
  /** Archived table data, moved out of the lake by retention. */
  ARCHIVE(null),
  /** Unprocessed input data, grouped by source. */
  RAW(null);

  private final String stagingPrefix;

  DataKind(String stagingPrefix) {
    this.stagingPrefix = stagingPrefix;
  }

  /**
   * {@return the kind's id as used on the command line and in rule files, e.g. {@code crosscheck}}
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@return whether this is a per-SLM, per-batch staging kind (intermediate or cross-check)} */
  public boolean isStaging() {
    return stagingPrefix != null;
  }

  /** {@return whether this kind lives in a zone: true for clean, cache and archive} */
  public boolean hasZone() {
    return this == CLEAN || this == CACHE || this == ARCHIVE;
  }

  /**
   * {@return the areas a routing rule may send this kind to, the default first} Each lifecycle
   * operation deletes data of one kind in that kind's areas (cleanup in staging, eviction in the
   * cache, retention in the archive), so a kind that must be kept never shares an area with one
   * that is deleted there.
   */
  public List<Area> areas() {
    return switch (this) {
      case INTERMEDIATE, CROSSCHECK -> List.of(Area.STAGING);
      case CLEAN -> List.of(Area.LAKE_CLEAN, Area.CLEAN_CACHE);
      case CACHE -> List.of(Area.CLEAN_CACHE);
      case ARCHIVE -> List.of(Area.LAKE_ARCHIVE);
      case RAW -> List.of(Area.LAKE_RAW, Area.LAKE_ARCHIVE);
    };
  }

  /**
   * {@return whether files of this kind may be placed in {@code area}}
   *
   * @param area the area a rule or request names
   */
  public boolean mayGoTo(Area area) {
    return areas().contains(area);
  }

  /** {@return why this kind may only go to {@link #areas()}, as said in refusals} */
  public String placementRule() {
    String why =
        switch (this) {
          case INTERMEDIATE, CROSSCHECK -> "cleanup deletes staging files, so they";
          case CLEAN ->
              "clean tables are kept for good, in lake/clean or (pinned to the SSD) in"
                  + " hot/clean, so they";
          case CACHE -> "eviction deletes cache copies, so they";
          case ARCHIVE -> "retention deletes archived data, so it";
          case RAW -> "raw input is kept for good, so it";
        };
    return why
        + " may only go to "
        + areas().stream().map(Area::toString).collect(Collectors.joining(" or "));
  }

  /**
   * {@return the file name prefix of a staging kind ({@code slm} or {@code crosscheck}), else null}
   */
  public String stagingPrefix() {
    return stagingPrefix;
  }

  /**
   * Parses a kind id in any case.
   *
   * @param id a kind id such as {@code intermediate}
   * @return the kind
   * @throws IllegalArgumentException for an unknown id, listing the valid ones
   */
  public static DataKind parse(String id) {
    for (DataKind kind : values()) {
      if (kind.name().equalsIgnoreCase(id)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "Unknown data kind "
            + NameRules.quote(String.valueOf(id))
            + " (use one of "
            + Arrays.stream(values()).map(DataKind::id).collect(Collectors.joining(", "))
            + ")");
  }

  /** The kind's id. */
  @Override
  public String toString() {
    return id();
  }
}
