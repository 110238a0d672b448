/** One source record's value for one profile field, the input of every merge rule. */
export interface FieldCandidate<T> {
  system: string;
  recordId: string;
  updatedAt: Date;
  value: T;
}

/** What a merge rule decided for one field. */
export interface RuleOutcome<T> {
  /** The resolved value; undefined when no candidate had one. */
  value: T | undefined;
  /** The candidates the value came from (one for a pick, several for a union). */
  from: FieldCandidate<T>[];
  /** One line saying why, e.g. `salesforce is first in the source priority`. */
  reason: string;
}

/** Options every rule receives; a rule reads only what it needs. */
export interface RuleSettings {
  /** Systems in order of trust, for `source-priority` (and as the tie-break of the others). @default [] */
  priority?: readonly string[];
}

/** How two values compare for union de-duplication and conflict detection (e.g. normalised email). */
export type ValueKey<T> = (value: T) => string;
