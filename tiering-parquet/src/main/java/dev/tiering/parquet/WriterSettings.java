package dev.tiering.parquet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * How Parquet files are written. Immutable; start from {@link #staging()} (zstd 3, speed first) or
 * {@link #lake()} (zstd 5, size first) and change what you need with {@link #toBuilder()}.
 *
 * <p>Defaults, chosen by measurement (see {@code docs/parquet.md}):
 *
 * <ul>
 *   <li>row groups of 64 MiB buffered (compressed) data, with no cap on their rows; pages of 1 MiB
 *       or 20,000 rows;
 *   <li>files rolled at 128 MiB, inside the 100-200 MB that scans like;
 *   <li>Parquet data page V2, which lets int and timestamp columns fall back to delta encoding:
 *       about 20% faster and 12% smaller than V1 on the SLM predictions table;
 *   <li>dictionary encoding on for every column except timestamps, whose near-unique values only
 *       waste time in a dictionary before it falls back;
 *   <li>statistics and page indexes on (readers skip row groups and pages by value); bloom filters
 *       off;
 *   <li>columns encoded in parallel on {@link ForkJoinPool#commonPool()}, which the calling thread
 *       joins, so one writer uses every core and many writers share them without oversubscribing.
 * </ul>
 */
public final class WriterSettings {

  /** The zstd level of staging files: speed first, for data read back soon. */
  public static final int STAGING_LEVEL = 3;

  /** The zstd level of lake files: size first, for data kept long. */
  public static final int LAKE_LEVEL = 5;

  private static final long MIB = 1024L * 1024;

  private final int compressionLevel;
  private final long rowGroupBytes;
  private final int rowGroupRows;
  private final int pageBytes;
  private final long targetFileBytes;
  private final boolean pageV2;
  private final Map<String, Boolean> dictionary;
  private final boolean allowNonFinite;
  private final Executor encoders;

  private WriterSettings(Builder b) {
    this.compressionLevel = b.compressionLevel;
    this.rowGroupBytes = b.rowGroupBytes;
    this.rowGroupRows = b.rowGroupRows;
    this.pageBytes = b.pageBytes;
    this.targetFileBytes = b.targetFileBytes;
    this.pageV2 = b.pageV2;
    this.dictionary = Map.copyOf(b.dictionary);
    this.allowNonFinite = b.allowNonFinite;
    this.encoders = b.encoders;
  }

  /** {@return the staging defaults: zstd level 3} */
  public static WriterSettings staging() {
    return new Builder(STAGING_LEVEL).build();
  }

  /** {@return the lake defaults: zstd level 5} */
  public static WriterSettings lake() {
    return new Builder(LAKE_LEVEL).build();
  }

  /** {@return a builder starting from these settings} */
  public Builder toBuilder() {
    Builder b = new Builder(compressionLevel);
    b.rowGroupBytes = rowGroupBytes;
    b.rowGroupRows = rowGroupRows;
    b.pageBytes = pageBytes;
    b.targetFileBytes = targetFileBytes;
    b.pageV2 = pageV2;
    b.dictionary.putAll(dictionary);
    b.allowNonFinite = allowNonFinite;
    b.encoders = encoders;
    return b;
  }

  /** {@return the zstd level} */
  public int compressionLevel() {
    return compressionLevel;
  }

  /** {@return the buffered bytes at which a row group is written out} */
  public long rowGroupBytes() {
    return rowGroupBytes;
  }

  /** {@return the most rows in a row group; {@link Integer#MAX_VALUE} (the default) for no cap} */
  public int rowGroupRows() {
    return rowGroupRows;
  }

  /** {@return the target page size in bytes} */
  public int pageBytes() {
    return pageBytes;
  }

  /** {@return the file size at which the lake writer starts a new file} */
  public long targetFileBytes() {
    return targetFileBytes;
  }

  /** {@return true for Parquet data page V2} */
  public boolean pageV2() {
    return pageV2;
  }

  /** {@return the per-column dictionary choices that override the defaults, by column name} */
  public Map<String, Boolean> dictionaryOverrides() {
    return dictionary;
  }

  /** {@return true if NaN and infinities are accepted in float columns} */
  public boolean allowNonFinite() {
    return allowNonFinite;
  }

  /** {@return where column encoding tasks run, or null to encode on the writing thread only} */
  public Executor encoders() {
    return encoders;
  }

  /** Builds {@link WriterSettings}; each setter checks its argument. */
  public static final class Builder {
    private int compressionLevel;
    private long rowGroupBytes = 64 * MIB;
    private int rowGroupRows = Integer.MAX_VALUE;
    private int pageBytes = (int) MIB;
    private long targetFileBytes = 128 * MIB;
    private boolean pageV2 = true;
    private final Map<String, Boolean> dictionary = new LinkedHashMap<>();
    private boolean allowNonFinite;
    private Executor encoders = ForkJoinPool.commonPool();

    private Builder(int compressionLevel) {
      this.compressionLevel = compressionLevel;
    }

    /**
     * Sets the zstd level.
     *
     * @param level -7 to 22; negative levels are zstd's fast modes
     * @return this builder
     * @throws IllegalArgumentException for a level out of range
     */
    public Builder compressionLevel(int level) {
      if (level < -7 || level > 22) {
        throw new IllegalArgumentException(
            "Invalid zstd level " + level + " (use -7 to 22; 3 is" + " fast, 5 compact)");
      }
      this.compressionLevel = level;
      return this;
    }

    /**
     * Sets the buffered bytes per row group. Peak heap is about twice this.
     *
     * @param bytes 1 MiB to 1 GiB
     * @return this builder
     * @throws IllegalArgumentException for a size out of range
     */
    public Builder rowGroupBytes(long bytes) {
      this.rowGroupBytes = checkRange("row group size", bytes, MIB, 1024 * MIB);
      return this;
    }

    /**
     * Caps the rows of a row group, whatever its bytes. More, smaller row groups let a reader skip
     * more by statistics, let engines such as DuckDB scan one file on several threads, and bound a
     * reader's memory by rows; each costs some footer metadata. Default: no cap.
     *
     * @param rows 1,000 or more
     * @return this builder
     * @throws IllegalArgumentException for fewer rows
     */
    public Builder rowGroupRows(int rows) {
      if (rows < 1_000) {
        throw new IllegalArgumentException(
            "Invalid row group cap "
                + rows
                + " rows (use 1000 or more; Integer.MAX_VALUE, the default, for none)");
      }
      this.rowGroupRows = rows;
      return this;
    }

    /**
     * Sets the page size.
     *
     * @param bytes 8 KiB to 16 MiB
     * @return this builder
     * @throws IllegalArgumentException for a size out of range
     */
    public Builder pageBytes(int bytes) {
      this.pageBytes = (int) checkRange("page size", bytes, 8 * 1024, 16 * MIB);
      return this;
    }

    /**
     * Sets the file size at which the lake writer rolls to a new file.
     *
     * @param bytes 1 MiB to 16 GiB
     * @return this builder
     * @throws IllegalArgumentException for a size out of range
     */
    public Builder targetFileBytes(long bytes) {
      this.targetFileBytes = checkRange("target file size", bytes, MIB, 16 * 1024 * MIB);
      return this;
    }

    /**
     * Chooses data page V2 or V1.
     *
     * @param v2 true for V2 (the default); false for readers that predate it (Spark before 3.3)
     * @return this builder
     */
    public Builder pageV2(boolean v2) {
      this.pageV2 = v2;
      return this;
    }

    /**
     * Turns dictionary encoding on or off for one column, overriding the default.
     *
     * @param column the column's name
     * @param enabled true to encode it with a dictionary
     * @return this builder
     */
    public Builder dictionary(String column, boolean enabled) {
      dictionary.put(Objects.requireNonNull(column, "column"), enabled);
      return this;
    }

    /**
     * Sets whether NaN and infinities are accepted in float columns.
     *
     * @param allow true to accept them; default false, which refuses them
     * @return this builder
     */
    public Builder allowNonFinite(boolean allow) {
      this.allowNonFinite = allow;
      return this;
    }

    /**
     * Sets where to encode columns in parallel.
     *
     * @param executor the executor; default the common fork-join pool; null encodes on the writing
     *     thread only
     * @return this builder
     */
    public Builder encoders(Executor executor) {
      this.encoders = executor;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     */
    public WriterSettings build() {
      return new WriterSettings(this);
    }

    private static long checkRange(String what, long value, long min, long max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            "Invalid " + what + " " + value + " bytes (use " + min + " to " + max + ")");
      }
      return value;
    }
  }
}
