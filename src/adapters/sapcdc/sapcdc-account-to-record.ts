import { countryCode } from '../country-code';
import { compact, nonEmptyText as text } from '../record-values';
import type { SourceConsentFlag, SourceRecord } from '../source-adapter';
import { sapcdcConsentFields, type SapCdcAccount } from './sapcdc-account';

/** What the mapper needs besides the account. */
export interface SapCdcMappingContext {
  /** The configured system name the record belongs to. */
  system: string;
}

/**
 * Maps a Gigya account to a {@link SourceRecord}; pure, no vendor shape escapes but `raw`.
 * Emails: the login ids (lower-cased by Gigya), the verified and unverified addresses and
 * `profile.email` as typed, one of each address. The newsletter subscription is EMAIL
 * MARKETING: unsubscribed is DENIED, subscribed with double opt-in `Pending` is PENDING
 * (the person has not clicked the link yet), otherwise GRANTED (`NotConfirmed` is also the
 * status under no double opt-in policy). A consent statement is GRANTED or DENIED by
 * `isConsentGranted`; an absent one says nothing.
 */
export function sapcdcAccountToRecord(account: SapCdcAccount, context: SapCdcMappingContext): SourceRecord {
  const profile = account.profile ?? {};
  const consentFlags: SourceConsentFlag[] = [];
  for (const field of sapcdcConsentFields) {
    if (field.kind === 'subscription') {
      const email = account.subscriptions?.[field.id]?.email;
      if (typeof email?.isSubscribed !== 'boolean') continue;
      const status = !email.isSubscribed ? 'DENIED' : email.doubleOptIn?.status === 'Pending' ? 'PENDING' : 'GRANTED';
      consentFlags.push({ channel: field.channel, purpose: field.purpose, status });
    } else {
      const [group, name] = [field.id.slice(0, field.id.indexOf('.')), field.id.slice(field.id.indexOf('.') + 1)];
      const granted = account.preferences?.[group]?.[name]?.isConsentGranted;
      if (typeof granted === 'boolean') consentFlags.push({ channel: field.channel, purpose: field.purpose, status: granted ? 'GRANTED' : 'DENIED' });
    }
  }
  const phones = (Array.isArray(profile.phones) ? profile.phones : profile.phones ? [profile.phones] : []).map((phone) => text(phone.number));
  const address = compact({ line1: text(profile.address), city: text(profile.city), postalCode: text(profile.zip), country: countryCode(profile.country) });
  const { birthYear: year, birthMonth: month, birthDay: day } = profile;
  return {
    system: context.system,
    recordId: account.UID,
    updatedAt: new Date(account.lastUpdatedTimestamp ?? (account.lastUpdated ? Date.parse(account.lastUpdated) : 0)),
    fields: compact({
      givenName: text(profile.firstName),
      familyName: text(profile.lastName),
      emails: distinct([profile.email, ...(account.loginIDs?.emails ?? []), ...(account.emails?.verified ?? []), ...(account.emails?.unverified ?? [])]),
      phones: distinct(phones),
      addresses: Object.keys(address).length > 0 ? [address] : undefined,
      birthDate: year && month && day ? `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` : undefined,
      locale: text(profile.locale),
    }),
    identity: compact({
      username: text(account.loginIDs?.emails?.[0]),
      active: account.isActive,
      lastLoginAt: account.lastLogin ? new Date(account.lastLogin) : undefined,
    }),
    consentFlags,
    crossReferences: [],
    raw: account,
  };
}

/** Present values, one per address ignoring case and surrounding spaces, first spelling kept. */
function distinct(values: readonly (string | undefined)[]): string[] | undefined {
  const seen = new Map<string, string>();
  for (const value of values) {
    const present = text(value);
    if (present !== undefined && !seen.has(present.trim().toLowerCase())) seen.set(present.trim().toLowerCase(), present);
  }
  return seen.size > 0 ? [...seen.values()] : undefined;
}
