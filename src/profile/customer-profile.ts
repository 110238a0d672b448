import type { MergedProfile } from './merged-profile';
import type { SourceCallReport } from './source-call';

/** A merged profile plus how each source answered this request (what `Customer` resolves from). */
export interface CustomerProfile extends MergedProfile {
  sources: SourceCallReport[];
  /** The profile fields each failed source would have provided (`crm`, `engagement`, `name`, ...), to explain gaps. */
  unavailableFields: ReadonlyMap<string, SourceCallReport[]>;
}
