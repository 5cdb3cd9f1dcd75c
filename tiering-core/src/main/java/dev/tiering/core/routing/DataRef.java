package dev.tiering.core.routing;

import dev.tiering.core.BatchId;
import dev.tiering.core.DataKind;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import java.util.Objects;

/**
 * What an application wants to place: a data kind plus the names that identify it. Build one with
 * the factory for its kind; components that do not apply to the kind are null.
 *
 * @param kind what the data is
 * @param zone the lake zone, for clean, cache and archive data; else null
 * @param table the table (or, for raw input, the source), for all but staging kinds; else null
 * @param slm the SLM, for staging kinds; else null
 * @param batch the batch, for staging kinds; else null
 */
public record DataRef(DataKind kind, Zone zone, TableName table, SlmId slm, BatchId batch) {

  /**
   * Checks that exactly the components the kind needs are present.
   *
   * @param kind what the data is; not null
   * @param zone the lake zone, for clean, cache and archive data; else null
   * @param table the table (or, for raw input, the source), for all but staging kinds; else null
   * @param slm the SLM, for staging kinds; else null
   * @param batch the batch, for staging kinds; else null
   * @throws IllegalArgumentException if one is missing or one does not apply to the kind
   */
  public DataRef {
    Objects.requireNonNull(kind, "kind");
    String problem =
        kind.isStaging()
            ? stagingProblem(zone, table, slm, batch)
            : tableProblem(kind, zone, table, slm, batch);
    if (problem != null) {
      throw new IllegalArgumentException(kind + " data " + problem);
    }
  }

  private static String stagingProblem(Zone zone, TableName table, SlmId slm, BatchId batch) {
    if (slm == null || batch == null) {
      return "needs an SLM id and a batch id";
    }
    if (zone != null || table != null) {
      return "takes no zone or table (those apply to table kinds)";
    }
    return null;
  }

  private static String tableProblem(
      DataKind kind, Zone zone, TableName table, SlmId slm, BatchId batch) {
    if (slm != null || batch != null) {
      return "takes no SLM id or batch id (those apply to intermediate and crosscheck data)";
    }
    if (table == null) {
      return kind == DataKind.RAW ? "needs a source" : "needs a table";
    }
    if (kind.hasZone() && zone == null) {
      return "needs a zone (bronze, silver or gold)";
    }
    if (!kind.hasZone() && zone != null) {
      return "takes no zone (zones apply to clean, cache and archive data)";
    }
    return null;
  }

  /**
   * {@return an SLM's intermediate result for a batch}
   *
   * @param slm the SLM that writes it
   * @param batch the batch it belongs to
   */
  public static DataRef intermediate(SlmId slm, BatchId batch) {
    return new DataRef(DataKind.INTERMEDIATE, null, null, slm, batch);
  }

  /**
   * {@return a cross-check file of an SLM for a batch}
   *
   * @param slm the SLM that writes it
   * @param batch the batch it belongs to
   */
  public static DataRef crosscheck(SlmId slm, BatchId batch) {
    return new DataRef(DataKind.CROSSCHECK, null, null, slm, batch);
  }

  /**
   * {@return a clean lake table}
   *
   * @param zone the table's zone
   * @param table the table
   */
  public static DataRef clean(Zone zone, TableName table) {
    return new DataRef(DataKind.CLEAN, zone, table, null, null);
  }

  /**
   * {@return the hot-cache copy of a clean table}
   *
   * @param zone the table's zone
   * @param table the table
   */
  public static DataRef cache(Zone zone, TableName table) {
    return new DataRef(DataKind.CACHE, zone, table, null, null);
  }

  /**
   * {@return the archived data of a table}
   *
   * @param zone the table's zone
   * @param table the table
   */
  public static DataRef archive(Zone zone, TableName table) {
    return new DataRef(DataKind.ARCHIVE, zone, table, null, null);
  }

  /**
   * {@return raw input from one source}
   *
   * @param source the source, named like a table
   */
  public static DataRef raw(TableName source) {
    return new DataRef(DataKind.RAW, null, source, null, null);
  }

  /**
   * {@return the same table under another table kind, e.g. the cache copy of a clean table} The
   * zone is kept for kinds that have one and dropped for raw input.
   *
   * @param other the table kind to map to
   * @throws IllegalArgumentException if this or {@code other} is a staging kind, or {@code other}
   *     needs a zone this ref lacks
   */
  public DataRef as(DataKind other) {
    if (kind.isStaging() || other.isStaging()) {
      throw new IllegalArgumentException(
          "Cannot map "
              + kind
              + " data to "
              + other
              + " data (only table kinds map onto each other)");
    }
    return new DataRef(other, other.hasZone() ? zone : null, table, null, null);
  }

  /** The staging file identity of a staging ref. */
  StagingFile stagingFile() {
    return new StagingFile(kind, slm, batch);
  }

  /** A short human description, e.g. {@code clean zone=silver table=slm_predictions}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(kind.id());
    if (slm != null) {
      out.append(" slm=").append(slm).append(" batch=").append(batch);
    }
    if (zone != null) {
      out.append(" zone=").append(zone);
    }
    if (table != null) {
      out.append(kind == DataKind.RAW ? " source=" : " table=").append(table);
    }
    return out.toString();
  }
}
