package dev.tiering.parquet;

import dev.tiering.core.WriteId;
import dev.tiering.schema.EvolutionPolicy;
import dev.tiering.schema.QualityRule;
import java.util.List;
import java.util.Objects;

/**
 * Options of one lake write. Immutable; start from {@link #defaults()}.
 *
 * @param partitionColumn the timestamp or date field whose day picks each row's partition, or null
 *     to put every row in the write date's partition
 * @param evolution what the write may do to the table's schema
 * @param rules named quality rules whose pass rate becomes the table's accuracy
 * @param writeId the write's id, which makes it idempotent (see {@link #writeId(String)}), or null
 * @param emptyAllowed whether a write with a new write id may commit no rows (see {@link
 *     #allowEmpty()})
 */
public record LakeWriteOptions(
    String partitionColumn,
    EvolutionPolicy evolution,
    List<QualityRule> rules,
    WriteId writeId,
    boolean emptyAllowed) {

  /**
   * Checks the components.
   *
   * @param partitionColumn the field whose day picks each row's partition, or null
   * @param evolution not null
   * @param rules the quality rules; copied
   * @param writeId the write's id, or null
   * @param emptyAllowed whether a write with a new write id may commit no rows
   */
  public LakeWriteOptions {
    Objects.requireNonNull(evolution, "evolution");
    rules = List.copyOf(rules);
  }

  /** {@return write-date partitions, compatible evolution, no quality rules, no write id} */
  public static LakeWriteOptions defaults() {
    return new LakeWriteOptions(null, EvolutionPolicy.COMPATIBLE, List.of(), null, false);
  }

  /**
   * {@return these options, partitioning rows by the day of a field} The write refuses rows where
   * it is null.
   *
   * @param column a timestamp or date field of a date-partitioned table
   */
  public LakeWriteOptions partitionBy(String column) {
    return new LakeWriteOptions(
        Objects.requireNonNull(column, "column"), evolution, rules, writeId, emptyAllowed);
  }

  /**
   * {@return these options with another evolution policy}
   *
   * @param policy what the write may do to the table's schema
   */
  public LakeWriteOptions evolution(EvolutionPolicy policy) {
    return new LakeWriteOptions(partitionColumn, policy, rules, writeId, emptyAllowed);
  }

  /**
   * {@return these options with quality rules, in place of any before}
   *
   * @param qualityRules rules whose pass rate becomes the table's accuracy
   */
  public LakeWriteOptions rules(List<QualityRule> qualityRules) {
    return new LakeWriteOptions(partitionColumn, evolution, qualityRules, writeId, emptyAllowed);
  }

  /**
   * These options with a write id, which makes the write idempotent: if the table has already
   * committed a write with this id, committing again changes nothing and returns the first commit's
   * result ({@link LakeWriteResult#replayed()}); of concurrent commits with one id, exactly one
   * writes. Use an id that names the work, not the attempt, such as {@code <run>-<batch>}. The
   * table remembers ids for {@link LakeWriter.Builder#commitRetention}. A write with a new id and
   * no rows is refused when it commits: it would use the id up, and the retry that has the rows
   * would write none of them (a coordinator that started before its jobs finished would lose the
   * batch); see {@link #allowEmpty()} for a write that knows its input is complete.
   *
   * @param id the write's id
   * @return these options with the id
   * @throws IllegalArgumentException if the id is not of the form {@link WriteId#FORM}
   */
  public LakeWriteOptions writeId(String id) {
    return new LakeWriteOptions(partitionColumn, evolution, rules, WriteId.of(id), emptyAllowed);
  }

  /**
   * {@return these options, letting a write with a new write id commit no rows} The commit uses the
   * id up, so a later write with the id writes nothing. Use it only when the input is known to be
   * complete, such as a batch read with {@link StagingWriter#readBatch(dev.tiering.core.BatchId,
   * Class, java.util.Collection)} whose jobs all found nothing to predict: the empty commit then
   * settles the batch instead of being refused on every run.
   */
  public LakeWriteOptions allowEmpty() {
    return new LakeWriteOptions(partitionColumn, evolution, rules, writeId, true);
  }
}
