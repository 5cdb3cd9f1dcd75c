package dev.tiering.schema;

/** What a write may do to a table's schema. Changes are deliberate: the caller picks the policy. */
public enum EvolutionPolicy {
  /** The schema must equal the table's; any difference is refused. */
  SAME,
  /** Compatible changes are applied with a minor or patch bump; incompatible ones are refused. */
  COMPATIBLE,
  /** Any change is applied; incompatible ones start a new major version. */
  NEW_MAJOR
}
