import type { SalesforceContact } from '../population/vendor-records';
import { checkLiteral, evaluateCondition, SoqlFilterError, type FieldType } from './soql-condition';
import type { SoqlCondition } from './soql-parser';

/**
 * The Contact fields the simulator knows, their types, and how a record is read,
 * filtered, ordered and projected the way the REST API answers. Field names are
 * case-insensitive in SOQL and in sObject Collections, answered in canonical case.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contact.htm
 */

const FIELD_TYPES: Record<string, FieldType> = {
  Id: 'id',
  FirstName: 'string',
  LastName: 'string',
  Name: 'string',
  Email: 'string',
  Phone: 'string',
  MobilePhone: 'string',
  MailingStreet: 'string',
  MailingCity: 'string',
  MailingPostalCode: 'string',
  MailingCountry: 'string',
  Birthdate: 'date',
  CreatedDate: 'datetime',
  LastModifiedDate: 'datetime',
  SystemModstamp: 'datetime',
  HasOptedOutOfEmail: 'boolean',
  DoNotCall: 'boolean',
  HasOptedOutOfFax: 'boolean',
  AccountId: 'id',
  'Account.Name': 'string',
  OwnerId: 'id',
  'Owner.Name': 'string',
  Tier__c: 'string',
  Lifetime_Value__c: 'number',
  Open_Cases__c: 'number',
};

/** Every field of the Contact itself, in order (relationship fields excluded): what a GET of the record answers. */
export const CONTACT_RECORD_FIELDS: readonly string[] = Object.freeze(Object.keys(FIELD_TYPES).filter((name) => !name.includes('.')));

/** Fields a PATCH may set (the rest are system or relationship fields). */
const WRITABLE = new Set([
  'FirstName', 'LastName', 'Email', 'Phone', 'MobilePhone', 'MailingStreet', 'MailingCity', 'MailingPostalCode',
  'MailingCountry', 'Birthdate', 'HasOptedOutOfEmail', 'DoNotCall', 'HasOptedOutOfFax', 'Tier__c',
  'Lifetime_Value__c', 'Open_Cases__c',
]);

const BY_LOWER = new Map(Object.keys(FIELD_TYPES).map((name) => [name.toLowerCase(), name]));

/** The canonical name of a Contact field, or null when Contact has no such field. */
export function resolveContactField(name: string): string | null {
  return BY_LOWER.get(name.toLowerCase()) ?? null;
}

/** Whether a PATCH may set the field (canonical name). */
export function isWritableContactField(field: string): boolean {
  return WRITABLE.has(field);
}

/** The type of a canonical field. */
export function contactFieldType(field: string): FieldType {
  return FIELD_TYPES[field] as FieldType;
}

/** Reads a canonical field's value from a contact. */
export function readContactField(contact: SalesforceContact, field: string): string | number | boolean | null {
  switch (field) {
    case 'Name':
      return [contact.FirstName, contact.LastName].filter(Boolean).join(' ');
    case 'SystemModstamp':
      return contact.LastModifiedDate;
    case 'Account.Name':
      return contact.Account?.Name ?? null;
    case 'Owner.Name':
      return contact.Owner.Name;
    default:
      return (contact as unknown as Record<string, string | number | boolean | null>)[field] ?? null;
  }
}

/** A contact as the REST API returns it: `attributes` first, then the requested fields in order. */
export function projectContact(contact: SalesforceContact, fields: readonly string[], version: string): Record<string, unknown> {
  const base = `/services/data/v${version}/sobjects`;
  const out: Record<string, unknown> = { attributes: { type: 'Contact', url: `${base}/Contact/${contact.Id}` } };
  for (const field of fields) {
    if (field === 'Account.Name') {
      out.Account = contact.Account
        ? { attributes: { type: 'Account', url: `${base}/Account/${contact.AccountId}` }, Name: contact.Account.Name }
        : null;
    } else if (field === 'Owner.Name') {
      out.Owner = { attributes: { type: 'User', url: `${base}/User/${contact.OwnerId}` }, Name: contact.Owner.Name };
    } else {
      out[field] = readContactField(contact, field);
    }
  }
  return out;
}

/** An unknown field in a query or a retrieve: INVALID_FIELD. */
export class UnknownFieldError extends Error {
  override readonly name = 'UnknownFieldError';
  constructor(readonly field: string, entity = 'Contact') {
    super(`No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
  }
}

/** Checks every field and literal of a condition and returns it with canonical field names. */
export function resolveCondition(condition: SoqlCondition, toCaseSafe: (id: string) => string | null): SoqlCondition {
  if (condition.kind === 'not') return { kind: 'not', operand: resolveCondition(condition.operand, toCaseSafe) };
  if (condition.kind !== 'compare') {
    return { kind: condition.kind, operands: condition.operands.map((operand) => resolveCondition(operand, toCaseSafe)) };
  }
  const field = resolveContactField(condition.field);
  if (!field) throw new UnknownFieldError(condition.field);
  const type = contactFieldType(field);
  const values = condition.values.map((value) => checkLiteral(field, type, value, toCaseSafe));
  if (condition.operator === 'LIKE' && type !== 'string') {
    throw new SoqlFilterError(`invalid operator on field '${field}': LIKE works on text fields only`);
  }
  return { ...condition, field, values };
}

/** Whether a contact satisfies a resolved condition. */
export function matchesCondition(contact: SalesforceContact, condition: SoqlCondition): boolean {
  return evaluateCondition(condition, (field) => comparable(contact, field));
}

/** Compares two contacts by the ORDER BY terms. */
export function compareContacts(
  a: SalesforceContact,
  b: SalesforceContact,
  orderBy: readonly { field: string; descending: boolean; nullsLast: boolean }[],
): number {
  for (const term of orderBy) {
    const left = comparable(a, term.field);
    const right = comparable(b, term.field);
    if (left === right) continue;
    if (left === null) return term.nullsLast ? 1 : -1;
    if (right === null) return term.nullsLast ? -1 : 1;
    const order = left < right ? -1 : 1;
    return term.descending ? -order : order;
  }
  return 0;
}

/** A field value in a form `<`/`===` compare as Salesforce does (text case-insensitively, datetimes as instants). */
function comparable(contact: SalesforceContact, field: string): string | number | boolean | null {
  const value = readContactField(contact, field);
  if (value === null || value === '') return null;
  const type = contactFieldType(field);
  if (type === 'datetime') return Date.parse(toIsoOffset(String(value)));
  // Ids compare case-insensitively too: the 18-character form is unique ignoring case.
  if (type === 'string' || type === 'id') return String(value).toLowerCase();
  return value;
}

/** `+0000` -> `+00:00`, which Date.parse accepts everywhere. */
function toIsoOffset(datetime: string): string {
  return datetime.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}
