import type { ActorKind, ConsentMethod, ConsentStatus, LegalBasis } from './consent-model';

/** `source` of a change, as the caller sends it. */
export interface ChangeSourceInput {
  system?: string | null;
  recordId?: string | null;
}

/** `actor` of a change, as the caller sends it. */
export interface ChangeActorInput {
  kind?: ActorKind | null;
  id?: string | null;
}

/** `evidence` of a change, as the caller sends it. */
export interface ChangeEvidenceInput {
  noticeVersion?: string | null;
  textShown?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** The language of `textShown`, BCP 47. */
  locale?: string | null;
}

/** What every change carries besides its content. */
export interface ChangeEnvelopeInput {
  customerId: string;
  capturedAt: Date;
  source?: ChangeSourceInput | null;
  actor?: ChangeActorInput | null;
  method?: ConsentMethod | null;
  legalBasis?: LegalBasis | null;
  evidence?: ChangeEvidenceInput | null;
  /** A retry with the same key gets the first answer; the same key with another payload is a CONFLICT. */
  idempotencyKey?: string | null;
}

/** One consent change (`ConsentChangeInput` in the schema). */
export interface ConsentChangeInput extends ChangeEnvelopeInput {
  channel: string;
  purpose: string;
  contactPoint?: string | null;
  status: ConsentStatus;
  expiresAt?: Date | null;
}

/** One preference change (`PreferenceChangeInput`); absent fields are left as they are. */
export interface PreferenceChangeInput extends ChangeEnvelopeInput {
  topics?: string[] | null;
  frequency?: string | null;
  preferredChannel?: string | null;
  language?: string | null;
}
