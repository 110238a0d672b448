import type { PostalAddress, SourceRecord } from '../adapters/source-adapter';
import { normalizeEmail } from '../identity/normalize-email';
import { normalizePhone, type NormalizePhoneOptions } from '../identity/normalize-phone';
import { recordPhoneOptions } from '../identity/record-phone-options';
import type { FieldCandidate, ValueKey } from './field-candidate';
import { compareByRecency } from './compare-candidates';
import { listFields, type MergeConfig, type ProfileField } from './merge-config';
import { mergeRuleNamed } from './merge-rules';
import type { FieldConflict, FieldHolders, MergedProfile, PersonName, ProvenanceEntry } from './merged-profile';

/** Options of {@link mergeProfile}. */
export interface MergeProfileOptions {
  /** A rule per field. */
  config: MergeConfig;
  /** How phones are normalised (use the identity layer's setting). @default {} */
  phone?: NormalizePhoneOptions;
}

interface FieldSpec<T> {
  /** The record's value for the field, normalised; undefined when it has none. */
  read(record: SourceRecord): T | undefined;
  /** How an item (list fields) or a value compares. */
  key: ValueKey<unknown>;
  /** How a value reads in a conflict. */
  display(value: T): string;
}

/**
 * Merges one customer's source records into the golden record (DESIGN.md "Profile
 * merge"). Pure: each field is decided by its configured rule; every resolved field
 * carries provenance, and a field on which records disagree becomes a conflict naming
 * each record's value and the winner. Views (CRM, engagement, identity) come whole from
 * the newest record that has one.
 */
export function mergeProfile(customerId: string, records: readonly SourceRecord[], { config, phone = {} }: MergeProfileOptions): MergedProfile {
  const specs = fieldSpecs(phone);
  const provenance: ProvenanceEntry[] = [];
  const conflicts: FieldConflict[] = [];
  const fieldHolders: FieldHolders[] = [];
  const resolved: Partial<Record<ProfileField, unknown>> = {};

  for (const field of Object.keys(specs) as ProfileField[]) {
    const spec = specs[field] as FieldSpec<unknown>;
    const { rule: ruleName, priority = [] } = config[field];
    const candidates: FieldCandidate<unknown>[] = [];
    for (const record of records) {
      const value = spec.read(record);
      if (value !== undefined) candidates.push({ system: record.system, recordId: record.recordId, updatedAt: record.updatedAt, value });
    }
    if (candidates.length === 0) continue;
    fieldHolders.push({ field, systems: [...new Set(candidates.map((candidate) => candidate.system))].sort() });
    const rule = mergeRuleNamed(ruleName);
    const outcome = rule.apply(candidates, { priority }, spec.key);
    resolved[field] = outcome.value;
    for (const source of outcome.from) {
      provenance.push({ field, system: source.system, recordId: source.recordId, updatedAt: source.updatedAt, rule: ruleName });
    }
    const wholeKey = (value: unknown) => (listFields.has(field) ? [...new Set((value as unknown[]).map(spec.key))].sort().join('\u0001') : spec.key(value));
    if (new Set(candidates.map((candidate) => wholeKey(candidate.value))).size > 1) {
      const winner = rule.listFieldsOnly ? null : outcome.from[0]!;
      conflicts.push({
        field,
        values: [...candidates].sort(compareByRecency(priority)).map(({ system, recordId, updatedAt, value }) => ({
          system,
          recordId,
          updatedAt,
          value: spec.display(value),
        })),
        winner: winner ? { system: winner.system, recordId: winner.recordId, updatedAt: winner.updatedAt } : null,
        reason: outcome.reason,
      });
    }
  }

  const newestWith = <K extends 'crm' | 'engagement' | 'identity'>(view: K) => {
    const record = [...records].filter((r) => r[view] !== undefined).sort(compareByRecency([]))[0];
    if (!record) return null;
    provenance.push({ field: view, system: record.system, recordId: record.recordId, updatedAt: record.updatedAt, rule: 'most-recent' });
    return record[view]!;
  };

  return {
    id: customerId,
    name: (resolved.name as PersonName | undefined) ?? null,
    emails: (resolved.emails as string[] | undefined) ?? [],
    phones: (resolved.phones as string[] | undefined) ?? [],
    addresses: (resolved.addresses as PostalAddress[] | undefined) ?? [],
    birthDate: (resolved.birthDate as string | undefined) ?? null,
    locale: (resolved.locale as string | undefined) ?? null,
    crm: newestWith('crm'),
    engagement: newestWith('engagement'),
    identity: newestWith('identity'),
    sourceRecords: [...records]
      .sort((a, b) => a.system.localeCompare(b.system) || a.recordId.localeCompare(b.recordId))
      .map(({ system, recordId, updatedAt }) => ({ system, recordId, updatedAt })),
    provenance,
    conflicts,
    fieldHolders,
  };
}

function fieldSpecs(phone: NormalizePhoneOptions): { [F in ProfileField]: FieldSpec<unknown> } {
  const text = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : undefined);
  const list = <T>(values: T[]) => (values.length > 0 ? values : undefined);
  return {
    name: {
      read: ({ fields }): PersonName | undefined => {
        const given = text(fields.givenName);
        const family = text(fields.familyName);
        if (!given && !family) return undefined;
        return { given, family, full: [given, family].filter(Boolean).join(' ') };
      },
      key: (value) => (value as PersonName).full.toLowerCase(),
      display: (value) => (value as PersonName).full,
    },
    emails: {
      // Normalised for the answer too: the same address in two spellings is one address.
      read: ({ fields }) => list((fields.emails ?? []).map((e) => normalizeEmail(e) ?? e.trim()).filter((e) => e !== '')),
      key: (value) => String(value),
      display: (value) => (value as string[]).join(', '),
    },
    phones: {
      read: (record) => {
        const options = recordPhoneOptions(record, phone);
        return list((record.fields.phones ?? []).map((p) => normalizePhone(p, options) ?? p.trim()).filter((p) => p !== ''));
      },
      key: (value) => String(value),
      display: (value) => (value as string[]).join(', '),
    },
    addresses: {
      read: ({ fields }) => list((fields.addresses ?? []).filter((a) => Object.values(a).some((v) => typeof v === 'string' && v.trim() !== ''))),
      key: (value) => addressKey(value as PostalAddress),
      display: (value) => (value as PostalAddress[]).map(formatAddress).join(' / '),
    },
    birthDate: { read: ({ fields }) => text(fields.birthDate), key: (value) => String(value), display: (value) => String(value) },
    locale: { read: ({ fields }) => text(fields.locale), key: (value) => String(value).toLowerCase(), display: (value) => String(value) },
  };
}

function addressKey(address: PostalAddress): string {
  const part = (value: string | undefined) => (value ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  return [address.line1, address.line2, address.city, address.region, address.postalCode, address.country].map(part).join('|');
}

function formatAddress(address: PostalAddress): string {
  return [address.line1, address.line2, address.city, address.region, address.postalCode, address.country].filter(Boolean).join(', ');
}
