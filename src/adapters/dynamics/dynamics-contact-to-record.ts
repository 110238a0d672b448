import { countryCode } from '../country-code';
import { compact, nonEmptyText as text } from '../record-values';
import type { SourceConsentFlag, SourceRecord } from '../source-adapter';
import { dynamicsConsentColumns, type DynamicsContact } from './dynamics-contact';

/** What the mapper needs besides the contact. */
export interface DynamicsMappingContext {
  /** The configured system name the record belongs to. */
  system: string;
}

/**
 * Maps a Dataverse contact to a {@link SourceRecord}; pure, no vendor shape escapes but
 * `raw`. The "do not" columns are opt-outs, like Salesforce's: true is DENIED, false only
 * "not refused", an implicit GRANTED (see {@link dynamicsConsentColumns}). A row keeps
 * three email columns and three phone columns, any of them empty; the address's country
 * is free text, mapped to its ISO code.
 */
export function dynamicsContactToRecord(contact: DynamicsContact, context: DynamicsMappingContext): SourceRecord {
  const address = {
    line1: text(contact.address1_line1),
    city: text(contact.address1_city),
    region: text(contact.address1_stateorprovince),
    postalCode: text(contact.address1_postalcode),
    country: countryCode(contact.address1_country),
  };
  const consentFlags: SourceConsentFlag[] = [];
  for (const { column, channel, purpose } of dynamicsConsentColumns) {
    const refused = contact[column];
    if (typeof refused === 'boolean') {
      consentFlags.push(refused ? { channel, purpose, status: 'DENIED' } : { channel, purpose, status: 'GRANTED', implicit: true });
    }
  }
  return {
    system: context.system,
    recordId: contact.contactid,
    updatedAt: contact.modifiedon ? new Date(contact.modifiedon) : new Date(0),
    fields: compact({
      givenName: text(contact.firstname),
      familyName: text(contact.lastname),
      emails: list(contact.emailaddress1, contact.emailaddress2, contact.emailaddress3),
      phones: list(contact.mobilephone, contact.telephone1, contact.telephone2),
      addresses: Object.values(address).some((value) => value !== undefined) ? [compact(address)] : undefined,
      birthDate: text(contact.birthdate),
    }),
    consentFlags,
    crossReferences: [],
    raw: contact,
  };
}

function list(...values: unknown[]): string[] | undefined {
  const present = values.map(text).filter((value): value is string => value !== undefined);
  return present.length ? present : undefined;
}
