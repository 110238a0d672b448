import type { CrmView, EngagementView, IdentityView, PostalAddress } from '../adapters/source-adapter';

/** A record a profile was merged from. */
export interface SourceRecordRef {
  system: string;
  recordId: string;
  updatedAt: Date;
}

/** Where one resolved field's value came from, and by which rule. */
export interface ProvenanceEntry extends SourceRecordRef {
  field: string;
  rule: string;
}

/** One source's value in a conflict, as display text. */
export interface ConflictValue extends SourceRecordRef {
  value: string;
}

/** A field on which the sources disagree. */
export interface FieldConflict {
  field: string;
  values: ConflictValue[];
  /** The record whose value won; null when the rule keeps every value (union). */
  winner: SourceRecordRef | null;
  reason: string;
}

/** Which systems' records held a value for one profile field (whether or not theirs won). */
export interface FieldHolders {
  field: string;
  /** System names, sorted, each once. */
  systems: string[];
}

/** A person's name, resolved as a whole (given and family from one record, never mixed). */
export interface PersonName {
  given?: string;
  family?: string;
  full: string;
}

/** The golden record: the merged profile of one customer over all of its source records. */
export interface MergedProfile {
  id: string;
  name: PersonName | null;
  emails: string[];
  phones: string[];
  addresses: PostalAddress[];
  birthDate: string | null;
  locale: string | null;
  crm: CrmView | null;
  engagement: EngagementView | null;
  identity: IdentityView | null;
  sourceRecords: SourceRecordRef[];
  provenance: ProvenanceEntry[];
  conflicts: FieldConflict[];
  /** Per resolved field, the systems that held a value for it (the systems map's field scan counts them). */
  fieldHolders: FieldHolders[];
}
