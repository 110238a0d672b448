import type { SourceRecord } from '../../src/adapters/source-adapter';

/** A canonical source record for identity tests: the values the tests state, nothing else. */
export function sourceRecord(system: string, recordId: string, overrides: Partial<SourceRecord> = {}): SourceRecord {
  return {
    system,
    recordId,
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    fields: {},
    consentFlags: [],
    crossReferences: [],
    ...overrides,
  };
}
