import type { SourceAdapter, SourceConsentFlag, SourceRecord } from '../adapters/source-adapter';
import type { ConsentService } from '../consent/consent-service';
import { decidingEntry } from '../consent/evaluate-consent';
import type { LinkedRecords } from '../identity/linked-records';
import type { GatewayMetrics } from '../observability/metrics';
import { TargetValues, type Reported, type TargetFlag, type TargetValueDoc } from './target-values';
import type { ConsentStateDoc } from '../consent/consent-model';

/** Which way a change came in. */
export type InboundPath = 'webhook' | 'poll';

/** What taking one record in did, flag by flag. */
export interface TakeInReport {
  /** Flags that were real changes: each is now an event whose source is the system and record. */
  recorded: number;
  /** Flags that report what we wrote or already knew (echoes, unrelated record changes). */
  known: number;
  /** Flags from a record version older than what we know (a snapshot taken before our write). */
  stale: number;
  /** The record is linked to no customer: nothing recorded. */
  unlinked: boolean;
}

/** Shows in every taken-in event's evidence, so a change from a system is recognisable in any history. */
export const inboundEvidence = (system: string, path: InboundPath) =>
  Object.freeze({ noticeVersion: 'inbound-v1', textShown: `Changed in ${system}; taken in by ${path === 'webhook' ? 'its webhook' : 'polling its changes'}.` });

/**
 * Changes made in a connected system become consent events ("changes taken in"). Every
 * path (a webhook, a poll) hands over the record as the system holds it now (re-read,
 * never the webhook's word alone), and each of its consent flags is compared with what
 * we know that record holds (TargetValues): our own echo, an unchanged flag or an old
 * snapshot is no event. A real change is recorded with that system and record as its
 * source, captured at the record's update time, so it goes out to every other system
 * and never back to its origin (the outbox skips the source).
 *
 * The event's idempotency key names the flag, the value and the state of our knowledge
 * it moves away from: a webhook and a poll reporting the same change, even at once,
 * record it once; the same value reached again later (after another change) is a new key.
 */
export class InboundChanges {
  constructor(
    private readonly parts: {
      consent: ConsentService;
      records: LinkedRecords;
      targetValues: TargetValues;
      metrics?: GatewayMetrics;
    },
  ) {}

  /** Takes in one record's current flags, as read from the system by a call sent at `readAt` (our clock). */
  async takeIn(adapter: SourceAdapter, record: SourceRecord, path: InboundPath, readAt: Date): Promise<TakeInReport> {
    const report: TakeInReport = { recorded: 0, known: 0, stale: 0, unlinked: false };
    const count = (outcome: string, n = 1) => this.parts.metrics?.inboundChanges.inc({ system: adapter.name, path, outcome }, n);
    const customerId = await this.parts.records.ownerOf(record.system, record.recordId);
    if (!customerId) {
      report.unlinked = true;
      count('unlinked');
      return report;
    }
    const { channels, purposes } = this.parts.consent.vocabularyNames();
    const flags = record.consentFlags.filter(
      (flag) => flag.status !== 'UNKNOWN' && adapter.acceptsConsent(flag.channel, flag.purpose) && channels.includes(flag.channel) && purposes.includes(flag.purpose),
    );
    let state: ReturnType<ConsentService['currentState']> | undefined;
    for (const flag of flags) {
      const target: TargetFlag = { system: record.system, recordId: record.recordId, channel: flag.channel, purpose: flag.purpose };
      const known = await this.parts.targetValues.get(target);
      let reported = TargetValues.compare(known, flag.status, readAt);
      if (reported === 'UNKNOWN') reported = await this.firstSight(customerId, record, flag, () => (state ??= this.parts.consent.currentState(customerId)));
      if (reported === 'STALE') {
        report.stale++;
        count('stale');
        continue;
      }
      if (reported === 'NEW' && (await this.record(customerId, record, flag, known.value, path))) {
        report.recorded++;
        count('recorded');
      } else {
        report.known++;
        count('known');
      }
      // Remember the value, unless a write of ours is in flight for it (the delivery records its own outcome).
      if (reported === 'NEW' || (!known.value && known.writing.length === 0)) {
        await this.parts.targetValues.reported(target, flag.status, readAt);
      }
    }
    return report;
  }

  /**
   * A flag we hold no value for (never written, never taken in since propagation began):
   * what the record last reported to the store (its import: `npm run import-consents`)
   * is the baseline. Without one we cannot tell what changed, only what disagrees: only
   * a flag that disagrees with the store about contact (granted against not granted) is
   * taken in, and not an implicit grant ("not opted out" in a CRM is no evidence that
   * anyone consented). The rest becomes the baseline, so the flag's next change is seen.
   */
  private async firstSight(customerId: string, record: SourceRecord, flag: SourceConsentFlag, state: () => Promise<ConsentStateDoc>): Promise<Reported> {
    const cluster = await this.parts.records.clusterOf(customerId);
    const last = await this.parts.consent.lastReportedBy(cluster, record, flag.channel, flag.purpose);
    if (last !== null) return last === flag.status ? 'KNOWN' : 'NEW';
    const held = decidingEntry((await state()).consents, flag.channel, flag.purpose, null)?.status ?? 'UNKNOWN';
    const disagrees = (held === 'GRANTED') !== (flag.status === 'GRANTED');
    return disagrees && !(flag.status === 'GRANTED' && flag.implicit) ? 'NEW' : 'KNOWN';
  }

  /** Records one flag's change; false when the same change had been recorded already (the other path was first). */
  private async record(customerId: string, record: SourceRecord, flag: SourceConsentFlag, known: TargetValueDoc | null, path: InboundPath): Promise<boolean> {
    // The change came after we last knew the flag's value; a vendor's stamp may be coarser (Mailchimp: whole seconds).
    const capturedAt = known && known.knownAt > record.updatedAt ? known.knownAt : record.updatedAt;
    const [result] = await this.parts.consent.recordConsent([
      {
        customerId,
        channel: flag.channel,
        purpose: flag.purpose,
        contactPoint: null,
        status: flag.status,
        capturedAt,
        source: { system: record.system, recordId: record.recordId },
        actor: { kind: 'SYSTEM', id: record.system },
        method: 'WEBHOOK',
        legalBasis: 'CONSENT',
        evidence: inboundEvidence(record.system, path),
        idempotencyKey: `inbound:${record.system}:${record.recordId}:${flag.channel}|${flag.purpose}:${flag.status}:from:${known?.version ?? 'none'}`,
      },
    ]);
    if (result?.error) throw new Error(`taking in a change from ${record.system} failed: ${result.error.code} (${result.error.field ?? 'no field'})`);
    return !result!.replayed;
  }
}
