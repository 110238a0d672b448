import type { ConsentRepository } from './consent-repository';
import type { ConsentLogWriter } from './consent-log-writer';

/** What a sweep did. */
export interface SweepReport {
  /** Writes whose mark outlived them (the process died or the write failed). */
  stale: number;
  /** Customers whose state was behind their log and was folded forward (outbox rows included). */
  healed: number;
}

/**
 * Finishes what a crash left half-done: for every write mark older than `graceMs` (a
 * write in flight is younger), the customer's log tail is folded into its state, the
 * marked event's outbox rows and feed entry are made sure of (ConsentLogWriter's invariants), and then
 * the mark is cleared.
 * Idempotent and safe in many processes at once: folding twice changes nothing.
 */
export async function sweepConsentLog(
  repository: ConsentRepository,
  writer: ConsentLogWriter,
  { now = new Date(), graceMs = 60_000 }: { now?: Date; graceMs?: number } = {},
): Promise<SweepReport> {
  const stale = await repository.staleWriteMarks(new Date(now.getTime() - graceMs));
  let healed = 0;
  const done = new Set<string>();
  for (const mark of stale) {
    if (!done.has(mark.customerId)) {
      const before = (await repository.readState(mark.customerId))?.seq ?? 0;
      const after = (await writer.catchUp(mark.customerId)).seq;
      if (after > before) healed++;
      done.add(mark.customerId);
    }
    const event = await repository.findEventByIdempotencyKey(mark.idempotencyKey ?? mark._id.slice(mark.customerId.length + 1));
    if (event) await Promise.all([writer.ensureOutboxRows([event]), writer.ensureFeedEntries([event])]);
    await repository.markWritesDone([mark._id]);
  }
  return { stale: stale.length, healed };
}
