package dev.tiering.parquet;

import dev.tiering.schema.EvolutionPolicy;
import dev.tiering.schema.QualityRule;
import java.util.List;
import java.util.Objects;

/**
 * Options of one lake write. Immutable; start from {@link #defaults()}.
 *
 * @param partitionColumn the timestamp or date field whose day picks each row's partition, or
 *     null to put every row in the write date's partition (the seed's behaviour)
 * @param evolution what the write may do to the table's schema
 * @param rules named quality rules whose pass rate becomes the table's accuracy
 */
public record LakeWriteOptions(String partitionColumn, EvolutionPolicy evolution,
    List<QualityRule> rules) {

  /** Checks the components. */
  public LakeWriteOptions {
    Objects.requireNonNull(evolution, "evolution");
    rules = List.copyOf(rules);
  }

  /** Write-date partitions, compatible evolution, no quality rules. */
  public static LakeWriteOptions defaults() {
    return new LakeWriteOptions(null, EvolutionPolicy.COMPATIBLE, List.of());
  }

  /** These options, partitioning rows by the day of a timestamp or date field. */
  public LakeWriteOptions partitionBy(String column) {
    return new LakeWriteOptions(Objects.requireNonNull(column, "column"), evolution, rules);
  }

  /** These options with another evolution policy. */
  public LakeWriteOptions evolution(EvolutionPolicy policy) {
    return new LakeWriteOptions(partitionColumn, policy, rules);
  }

  /** These options with quality rules. */
  public LakeWriteOptions rules(List<QualityRule> qualityRules) {
    return new LakeWriteOptions(partitionColumn, evolution, qualityRules);
  }
}
