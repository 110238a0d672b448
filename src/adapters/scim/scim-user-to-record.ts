import { compact, nonEmptyText as text } from '../record-values';
import type { ConsentStatusValue, SourceConsentFlag, SourceRecord } from '../source-adapter';
import { CONSENT_EXTENSION_URN, scimConsentAttributes, type ScimUser } from './scim-user';

/** What the mapper needs besides the user. */
export interface ScimMappingContext {
  /** The configured system name the record belongs to. */
  system: string;
  /** The system `externalId` values are ids of (the CRM provisioning the users); none: not a cross-reference. */
  crossReferenceSystem?: string;
}

const consentValues: Readonly<Record<string, ConsentStatusValue>> = {
  granted: 'GRANTED',
  denied: 'DENIED',
  pending: 'PENDING',
  unknown: 'UNKNOWN',
};

/** Maps a SCIM User to a {@link SourceRecord}; pure, no vendor shape escapes but `raw`. */
export function scimUserToRecord(user: ScimUser, context: ScimMappingContext): SourceRecord {
  const extension = (user[CONSENT_EXTENSION_URN] ?? {}) as Record<string, unknown>;
  const consentFlags: SourceConsentFlag[] = [];
  for (const [attribute, pair] of Object.entries(scimConsentAttributes)) {
    const value = extension[attribute];
    if (typeof value === 'string') consentFlags.push({ ...pair, status: consentValues[value.toLowerCase()] ?? 'UNKNOWN' });
  }
  // RFC 7643 section 4.1.2: the primary address first.
  const emails = [...(user.emails ?? [])].sort((a, b) => Number(Boolean(b.primary)) - Number(Boolean(a.primary)));
  return {
    system: context.system,
    recordId: user.id,
    updatedAt: user.meta?.lastModified ? new Date(user.meta.lastModified) : new Date(0),
    fields: compact({
      givenName: text(user.name?.givenName),
      familyName: text(user.name?.familyName),
      emails: values(emails),
      phones: values(user.phoneNumbers ?? []),
      locale: text(user.locale),
    }),
    identity: compact({ username: text(user.userName), active: user.active }),
    consentFlags,
    crossReferences:
      user.externalId && context.crossReferenceSystem ? [{ system: context.crossReferenceSystem, recordId: user.externalId }] : [],
    raw: user,
  };
}

function values(entries: readonly { value?: string }[]): string[] | undefined {
  const present = entries.map((entry) => text(entry.value)).filter((value): value is string => value !== undefined);
  return present.length ? present : undefined;
}
