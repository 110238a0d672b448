import type { SourceRecord } from '../adapters/source-adapter';
import { GatewayError } from '../errors/gateway-error';
import type { ConsentChangeInput } from './consent-inputs';
import type { ConsentService } from './consent-service';

/** What importing a page of source records did. */
export interface ConsentImportReport {
  /** Events written (a replay of an earlier import writes nothing). */
  imported: number;
  /** Flags the store cannot hold: a channel or purpose outside the vocabulary, an unusable contact point. */
  skipped: number;
}

/** Tells which evidence every imported event carries, so an import is recognisable in any history. */
export const importEvidence = Object.freeze({ noticeVersion: 'source-import-v1', textShown: 'Imported from the consent flags the source system held for this record.' });

/**
 * The honest initial load of the consent store: each record's own consent flags become
 * events whose source is that system and record, method IMPORT, captured at the
 * record's own update time. The newest capture wins, so where systems disagree the
 * store holds the latest answer and drift lists the others. Idempotent: the key names
 * the record, the flag and the record's update time, so a rerun (or a resumed run)
 * writes nothing twice, and a record changed since imports its new flags.
 */
export async function importSourceConsents(
  consent: ConsentService,
  records: readonly { record: SourceRecord; customerId: string }[],
): Promise<ConsentImportReport> {
  const { channels, purposes } = consent.vocabularyNames();
  const changes: ConsentChangeInput[] = [];
  let skipped = 0;
  for (const { record, customerId } of records) {
    for (const flag of record.consentFlags) {
      if (flag.status === 'UNKNOWN') continue; // the source holds no answer: nothing to import
      if (!channels.includes(flag.channel) || !purposes.includes(flag.purpose)) {
        skipped++;
        continue;
      }
      const contactPoint = flag.contactPoint ?? null;
      changes.push({
        customerId,
        channel: flag.channel,
        purpose: flag.purpose,
        contactPoint,
        status: flag.status,
        capturedAt: record.updatedAt,
        source: { system: record.system, recordId: record.recordId },
        actor: { kind: 'SYSTEM', id: `import:${record.system}` },
        method: 'IMPORT',
        legalBasis: 'CONSENT',
        evidence: importEvidence,
        idempotencyKey: `import:${record.system}:${record.recordId}:${flag.channel}|${flag.purpose}|${contactPoint ?? ''}:${record.updatedAt.toISOString()}`,
      });
    }
  }
  let imported = 0;
  for (let start = 0; start < changes.length; start += 1000) {
    const batch = changes.slice(start, start + 1000);
    // One unusable flag must not keep a page out: a rejected batch is retried change by change.
    const results = await consent.recordConsent(batch).catch(async (error: unknown) => {
      if (!(error instanceof GatewayError)) throw error;
      const one = await Promise.all(batch.map((change) => consent.recordConsent([change]).then(([result]) => result!, () => null)));
      skipped += one.filter((result) => result === null).length;
      return one.flatMap((result) => (result ? [result] : []));
    });
    imported += results.filter((result) => result.error === null && !result.replayed).length;
    skipped += results.filter((result) => result.error !== null).length;
  }
  return { imported, skipped };
}
