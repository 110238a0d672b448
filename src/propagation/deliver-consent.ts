import type { SourceAdapter } from '../adapters/source-adapter';
import { SourceError } from '../adapters/http/source-error';
import type { ConsentEntry, ConsentEventDoc } from '../consent/consent-model';
import type { ConsentService } from '../consent/consent-service';
import type { LinkedRecord, LinkedRecords } from '../identity/linked-records';
import type { AttemptOutcome } from './delivery-ledger';
import type { DeliveryRowDoc } from './delivery-row';
import { retryDelayMs, type RetrySchedule } from './retry-schedule';
import type { TargetValues } from './target-values';

/** What one delivery needs. */
export interface DeliverConsentParts {
  consent: ConsentService;
  records: LinkedRecords;
  targetValues: TargetValues;
  adapters: ReadonlyMap<string, SourceAdapter>;
  schedule: RetrySchedule;
  /** Time budget of each HTTP call, in ms. */
  callBudgetMs: number;
  now: () => Date;
}

/** How often a delivery re-reads the state after writing and writes again because a newer change arrived meanwhile. */
const MAX_CATCH_UPS = 5;

/** The least a row waits when the system's circuit is open (its breaker lets a probe through after its own delay). */
const CIRCUIT_WAIT_MS = 1000;

/** Source answers that no retry can change: the row is parked (DEAD) at once, for a person to look at and replay. */
const permanentKinds = new Set(['BAD_REQUEST', 'NOT_FOUND', 'AUTH']);

/**
 * One attempt at one outbox row: the target system is made to hold what the store
 * holds now for the event's key, never an older value.
 *
 * - A preference, a channel the system does not hold, or a customer without a record
 *   there (or without one holding the event's contact point): SKIPPED, with why.
 * - The event is no longer what the store holds for its key (a later capture won, or it
 *   arrived out of order): SUPERSEDED, nothing sent; the winner's own row delivers it.
 * - Otherwise each of the customer's records there is written (absolute values: a
 *   repeat changes nothing), and the state is read again: if a newer change for the
 *   key landed meanwhile, its value is written too. So whichever delivery finishes last
 *   has written the newest value after every older write returned; the target ends
 *   with the store's value however rows and retries interleave.
 * - A failure is retried on the schedule (honouring Retry-After) unless the answer
 *   cannot change (bad request, no such record, refused credentials): parked DEAD at once,
 *   and DEAD after the last attempt.
 */
export async function deliverConsent(parts: DeliverConsentParts, row: DeliveryRowDoc): Promise<AttemptOutcome> {
  const adapter = parts.adapters.get(row.system);
  if (!adapter) return { status: 'SKIPPED', note: `${row.system} is no longer connected` };
  const event = await parts.consent.event(row.eventId);
  if (!event) return { status: 'DEAD', lastError: 'the event is not in the consent log', failures: (row.failures ?? 0) + 1 };
  if (!event.consent) return { status: 'SKIPPED', note: `${row.system} holds no preferences` };
  const { channel, purpose, contactPoint, key } = event.consent;
  if (!adapter.acceptsConsent(channel, purpose)) return { status: 'SKIPPED', note: `${row.system} holds no ${channel} ${purpose} consent` };

  let entry = held(await parts.consent.currentState(row.customerId), key);
  if (entry?.eventId !== event._id) return { status: 'SUPERSEDED', supersededBy: entry?.eventId ?? null };
  const targets = (await parts.records.inSystem(row.customerId, row.system)).filter((record) => holdsContactPoint(record, contactPoint));
  if (targets.length === 0) {
    return { status: 'SKIPPED', note: contactPoint ? `no ${row.system} record of this customer holds that contact point` : `the customer has no ${row.system} record` };
  }
  try {
    for (let round = 0; entry && round < MAX_CATCH_UPS; round++) {
      await writeAll(parts, adapter, targets, event, entry);
      const now = held(await parts.consent.currentState(row.customerId), key);
      if (!now || now.eventId === entry.eventId) break;
      entry = now; // a newer change landed while we wrote: make sure the target ends with it
    }
    return { status: 'DELIVERED', records: targets.map((record) => record.recordId) };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    if (permanentKinds.has(error.kind)) return { status: 'DEAD', lastError: error.message, failures: (row.failures ?? 0) + 1 };
    // An open circuit made no call, but says the system is failing: it counts, and the row waits a little longer.
    const failures = (row.failures ?? 0) + 1;
    if (failures >= parts.schedule.maxAttempts) return { status: 'DEAD', lastError: error.message, failures };
    const delay = Math.max(retryDelayMs(parts.schedule, failures, error.retryAfterMs), error.kind === 'CIRCUIT_OPEN' ? CIRCUIT_WAIT_MS : 0);
    return { status: 'PENDING', lastError: error.message, nextAttemptAt: new Date(parts.now().getTime() + delay), failures };
  }
}

/** Writes the entry's value to every target record, noting it first so that its echo is recognised. */
async function writeAll(parts: DeliverConsentParts, adapter: SourceAdapter, targets: readonly LinkedRecord[], event: ConsentEventDoc, entry: ConsentEntry): Promise<void> {
  const { channel, purpose, contactPoint } = event.consent!;
  for (const target of targets) {
    const flag = { system: adapter.name, recordId: target.recordId, channel, purpose };
    await parts.targetValues.writing(flag, entry.status, parts.now());
    await adapter.writeConsent(target.recordId, { channel, purpose, status: entry.status, contactPoint: contactPoint ?? undefined }, { budgetMs: parts.callBudgetMs });
    await parts.targetValues.holds(flag, entry.status, parts.now());
  }
}

function held(state: { consents: readonly ConsentEntry[] }, key: string): ConsentEntry | undefined {
  return state.consents.find((entry) => entry.key === key);
}

/** A consent narrowed to a contact point goes only to the records holding it (their email or phone key). */
function holdsContactPoint(record: LinkedRecord, contactPoint: string | null): boolean {
  return contactPoint === null || record.keys.includes(`email:${contactPoint}`) || record.keys.includes(`phone:${contactPoint}`);
}
