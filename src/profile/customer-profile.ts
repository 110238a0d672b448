import type { MergedProfile } from './merged-profile';
import type { SourceConsentFlag } from '../adapters/source-adapter';
import type { SourceCallReport } from './source-call';

/** One source record's own consent flags, kept for drift reports (never shown as the answer). */
export interface SourceConsentFlags {
  system: string;
  recordId: string;
  flags: SourceConsentFlag[];
}

/** A merged profile plus how each source answered this request (what `Customer` resolves from). */
export interface CustomerProfile extends MergedProfile {
  sources: SourceCallReport[];
  /** The profile fields each failed source would have provided (`crm`, `engagement`, `name`, ...), to explain gaps. */
  unavailableFields: ReadonlyMap<string, SourceCallReport[]>;
  /** Each fetched record's consent flags, for `consentDrift`. */
  sourceConsentFlags: SourceConsentFlags[];
}
