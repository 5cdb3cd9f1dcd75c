package dev.tiering.schema;

/** What a write may do to a table's schema. Changes are deliberate: the caller picks the policy. */
public enum EvolutionPolicy {
  /** The schema must equal the table's; any difference is refused. */
  SAME,
  /**
   * Compatible changes are applied with a minor or patch bump; incompatible ones are refused. A
   * write that lacks some of the table's nullable fields keeps them: its rows are null there.
   */
  COMPATIBLE,
  /** Any change is applied; incompatible ones start a new major version. */
  NEW_MAJOR
}
