import type { SourceRecord, SourceRef } from '../adapters/source-adapter';
import { normalizeEmail } from './normalize-email';
import { normalizePhone, type NormalizePhoneOptions } from './normalize-phone';
import { recordPhoneOptions } from './record-phone-options';

/** The kinds of identity key (DESIGN.md "Identity keys"). `ref` is a source cross-reference id. */
export type IdentityKeyKind = 'ref' | 'email' | 'phone';

/** One normalised identity key. */
export interface IdentityKey {
  kind: IdentityKeyKind;
  /** The normalised value: an email, an E.164 number, or `<system>:<recordId>`. */
  value: string;
}

/** The stored id of a key (`email:jane@example.com`, `phone:+447911123456`, `ref:crm:003...`). */
export function keyId(key: IdentityKey): string {
  return `${key.kind}:${key.value}`;
}

/** Parses a stored key id back into its key. */
export function parseKeyId(id: string): IdentityKey {
  const at = id.indexOf(':');
  return { kind: id.slice(0, at) as IdentityKeyKind, value: id.slice(at + 1) };
}

/**
 * The id of a source record in the graph: `<system>:<recordId>`. The system name is
 * URI-encoded so that a `:` in it can never make two refs collide.
 */
export function refId(ref: SourceRef): string {
  return `${encodeURIComponent(ref.system)}:${ref.recordId}`;
}

/** Options of {@link keysOfRecord}. */
export interface KeysOfRecordOptions {
  /** How phone numbers are normalised. @default {} (GB, valid numbers only) */
  phone?: NormalizePhoneOptions;
}

/**
 * Every identity key a record carries, normalised and de-duplicated: its own ref, the
 * refs of the same person in other systems that it records, its emails and phones.
 * Values that do not normalise (a malformed email, an invalid phone) make no key.
 */
export function keysOfRecord(record: SourceRecord, options: KeysOfRecordOptions = {}): IdentityKey[] {
  const keys = new Map<string, IdentityKey>();
  const add = (key: IdentityKey) => keys.set(keyId(key), key);
  add({ kind: 'ref', value: refId(record) });
  for (const ref of record.crossReferences) add({ kind: 'ref', value: refId(ref) });
  for (const email of record.fields.emails ?? []) {
    const value = normalizeEmail(email);
    if (value) add({ kind: 'email', value });
  }
  const phoneOptions = recordPhoneOptions(record, options.phone);
  for (const phone of record.fields.phones ?? []) {
    const value = normalizePhone(phone, phoneOptions);
    if (value) add({ kind: 'phone', value });
  }
  return [...keys.values()];
}
