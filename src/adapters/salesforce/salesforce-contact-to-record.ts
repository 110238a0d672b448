import { countryCode } from '../country-code';
import { compact, nonEmptyText as text } from '../record-values';
import type { SourceConsentFlag, SourceRecord } from '../source-adapter';
import { defaultSalesforceFieldMap, type SalesforceContact, type SalesforceFieldMap } from './salesforce-contact';

/** What the mapper needs besides the contact. */
export interface SalesforceMappingContext {
  /** The configured system name the record belongs to. */
  system: string;
  /** Where the org keeps the custom CRM facts. @default defaultSalesforceFieldMap */
  fieldMap?: SalesforceFieldMap;
}

/**
 * Salesforce's consent fields are opt-outs only: `HasOptedOutOfEmail` false means the
 * CRM will email the person, so it reads as GRANTED for drift reports; true is DENIED.
 * `DoNotCall` is the phone channel; `HasOptedOutOfFax` is reported as FAX, a channel the
 * default vocabulary lacks: drift reports only channels the vocabulary has, so it shows
 * once a deployment adds FAX to its vocabulary.
 * https://help.salesforce.com/s/articleView?id=sf.contacts_fields.htm&type=5
 */
const consentFields = [
  { field: 'HasOptedOutOfEmail', channel: 'EMAIL' },
  { field: 'DoNotCall', channel: 'PHONE' },
  { field: 'HasOptedOutOfFax', channel: 'FAX' },
] as const;

/** Maps a Salesforce Contact to a {@link SourceRecord}; pure, no vendor shape escapes but `raw`. */
export function salesforceContactToRecord(contact: SalesforceContact, context: SalesforceMappingContext): SourceRecord {
  const map = { ...defaultSalesforceFieldMap, ...context.fieldMap };
  const address = {
    line1: text(contact.MailingStreet),
    city: text(contact.MailingCity),
    region: text(contact.MailingState),
    postalCode: text(contact.MailingPostalCode),
    // Without state/country picklists Salesforce holds the country as typed: mapped to its ISO code.
    country: countryCode(contact.MailingCountry),
  };
  const hasAddress = Object.values(address).some((value) => value !== undefined);
  const consentFlags: SourceConsentFlag[] = [];
  for (const { field, channel } of consentFields) {
    const optedOut = contact[field];
    if (typeof optedOut === 'boolean') {
      consentFlags.push(optedOut ? { channel, purpose: 'MARKETING', status: 'DENIED' } : { channel, purpose: 'MARKETING', status: 'GRANTED', implicit: true });
    }
  }
  return {
    system: context.system,
    recordId: contact.Id,
    updatedAt: salesforceDate(contact.LastModifiedDate),
    fields: compact({
      givenName: text(contact.FirstName),
      familyName: text(contact.LastName),
      emails: list(contact.Email),
      phones: list(contact.Phone, contact.MobilePhone),
      addresses: hasAddress ? [compact(address)] : undefined,
      birthDate: text(contact.Birthdate),
    }),
    crm: compact({
      accountName: text(contact.Account?.Name),
      ownerName: text(contact.Owner?.Name),
      tier: text(contact[map.tier]),
      lifetimeValue: number(contact[map.lifetimeValue]),
      openOpportunities: openOpportunities(contact),
      openCases: number(contact[map.openCases]),
    }),
    consentFlags,
    crossReferences: [],
    raw: contact,
  };
}

/**
 * The number of the contact's roles on open opportunities, from the adapter's
 * `OpportunityContactRoles` subquery: Salesforce answers null, not an empty list, when
 * the subquery finds nothing; the key is absent only when the subquery was not asked.
 */
function openOpportunities(contact: SalesforceContact): number | undefined {
  const roles = contact.OpportunityContactRoles;
  if (roles === undefined) return undefined;
  return roles === null ? 0 : roles.totalSize;
}

/** Salesforce datetimes carry `+0000` offsets without a colon; normalise before parsing. */
function salesforceDate(value: string | null | undefined): Date {
  return value ? new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : new Date(0);
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function list(...values: unknown[]): string[] | undefined {
  const present = values.map(text).filter((value): value is string => value !== undefined);
  return present.length ? present : undefined;
}
