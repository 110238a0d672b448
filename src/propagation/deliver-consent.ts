import type { ConsentWrite, SourceAdapter } from '../adapters/source-adapter';
import { SourceError } from '../adapters/http/source-error';
import type { ConsentEntry, ConsentEventDoc, ConsentStateDoc } from '../consent/consent-model';
import type { ConsentService } from '../consent/consent-service';
import type { LinkedRecord, LinkedRecords } from '../identity/linked-records';
import type { AttemptOutcome } from './delivery-ledger';
import type { DeliveryRowDoc } from './delivery-row';
import { retryDelayMs, type RetrySchedule } from './retry-schedule';
import type { FlagValue, Observation, TargetValues } from './target-values';

/** What deliveries need. */
export interface DeliverConsentParts {
  consent: ConsentService;
  records: LinkedRecords;
  targetValues: TargetValues;
  adapters: ReadonlyMap<string, SourceAdapter>;
  schedule: RetrySchedule;
  /** Time budget of each HTTP call, in ms. */
  callBudgetMs: number;
  /** Vendor calls in flight at once per system in this process. */
  callConcurrency: number;
  now: () => Date;
}

/** How often a delivery re-reads the state after writing and writes again because a newer change arrived meanwhile. */
const MAX_CATCH_UPS = 5;

/** The least a row waits when the system's circuit is open (its breaker lets a probe through after its own delay). */
const CIRCUIT_WAIT_MS = 1000;

/** Source answers that no retry can change: the row is parked (DEAD) at once, for a person to look at and replay. */
const permanentKinds = new Set(['BAD_REQUEST', 'NOT_FOUND', 'AUTH']);

/** One row's write: the records to write and the entry whose value they must hold. */
interface Write {
  row: DeliveryRowDoc;
  event: ConsentEventDoc;
  targets: LinkedRecord[];
  entry: ConsentEntry;
}

/**
 * One attempt at each of a batch of outbox rows of one system: each target record is
 * made to hold what the store holds now for the event's key, never an older value.
 * The store is read for the whole batch at once (events, states, linked records), so a
 * batch costs a few round trips, not a few per row.
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
export async function deliverBatch(parts: DeliverConsentParts, system: string, rows: readonly DeliveryRowDoc[], leaseUntil: Date): Promise<Map<string, AttemptOutcome>> {
  const outcomes = new Map<string, AttemptOutcome>();
  const adapter = parts.adapters.get(system);
  if (!adapter) {
    for (const row of rows) outcomes.set(row._id, { status: 'SKIPPED', note: `${system} is no longer connected` });
    return outcomes;
  }
  const customerIds = rows.map((row) => row.customerId);
  const [events, states, records] = await Promise.all([
    parts.consent.events(rows.map((row) => row.eventId)),
    parts.consent.currentStates(customerIds),
    parts.records.inSystemOf(customerIds, system),
  ]);
  const writes: Write[] = [];
  for (const row of rows) {
    const event = events.get(row.eventId);
    const planned = plan(adapter, row, event, states.get(row.customerId)!, records.get(row.customerId) ?? []);
    if ('status' in planned) outcomes.set(row._id, planned);
    else writes.push(planned);
  }
  await deliverWrites(parts, adapter, writes, leaseUntil, outcomes);
  return outcomes;
}

/** What a row needs: an outcome without calling the system, or a write. */
function plan(adapter: SourceAdapter, row: DeliveryRowDoc, event: ConsentEventDoc | undefined, state: ConsentStateDoc, records: readonly LinkedRecord[]): AttemptOutcome | Write {
  if (!event) return { status: 'DEAD', lastError: 'the event is not in the consent log', failures: (row.failures ?? 0) + 1 };
  if (!event.consent) return { status: 'SKIPPED', note: `${row.system} holds no preferences` };
  const { channel, purpose, contactPoint, key } = event.consent;
  if (!adapter.acceptsConsent(channel, purpose)) return { status: 'SKIPPED', note: `${row.system} holds no ${channel} ${purpose} consent` };
  const entry = held(state, key);
  if (entry?.eventId !== event._id) return { status: 'SUPERSEDED', supersededBy: entry?.eventId ?? null };
  const targets = records.filter((record) => holdsContactPoint(record, contactPoint));
  if (targets.length === 0) {
    return { status: 'SKIPPED', note: contactPoint ? `no ${row.system} record of this customer holds that contact point` : `the customer has no ${row.system} record` };
  }
  return { row, event, targets, entry };
}

/**
 * Writes each row's value, then again for the rows whose key saw a newer change land
 * meanwhile. The store work is done for a whole round of the batch at once: every
 * write's echo mark before the calls, what the records hold once they have returned,
 * then one read of the states. So a delivery costs a share of a few round trips, and
 * the busier the outbox, the larger the batches and the smaller that share.
 */
async function deliverWrites(parts: DeliverConsentParts, adapter: SourceAdapter, writes: readonly Write[], leaseUntil: Date, outcomes: Map<string, AttemptOutcome>): Promise<void> {
  let round = writes;
  for (let catchUps = 0; round.length > 0; catchUps++) {
    const written = await writeRound(parts, adapter, round, leaseUntil, outcomes);
    const states = await parts.consent.currentStates(written.map((write) => write.row.customerId));
    const next: Write[] = [];
    for (const write of written) {
      const now = held(states.get(write.row.customerId)!, write.event.consent!.key);
      // A newer change landed while we wrote: make sure the target ends with it.
      if (now && now.eventId !== write.entry.eventId && catchUps < MAX_CATCH_UPS) next.push({ ...write, entry: now });
      else outcomes.set(write.row._id, { status: 'DELIVERED', records: write.targets.map((record) => record.recordId) });
    }
    round = next;
  }
}

/**
 * One round of writes, `callConcurrency` calls at a time: each row's entry to each of its
 * target records. Every write is marked before the calls (so its echo is recognised,
 * also one that arrives before the call returns), and what each record holds is noted
 * once the calls have returned, before the marks go. Answers the rows written; a row
 * whose write failed gets its outcome, and one whose claim ran out is left out.
 */
async function writeRound(parts: DeliverConsentParts, adapter: SourceAdapter, round: readonly Write[], leaseUntil: Date, outcomes: Map<string, AttemptOutcome>): Promise<Write[]> {
  const planned = round.map((write) => ({ write, flags: write.targets.map((target) => targetFlag(adapter, target, write)) }));
  const marks = await parts.targetValues.writingMany(planned.flatMap(({ flags }) => flags), parts.now());
  const written: Write[] = [];
  const learnt: Observation[] = [];
  try {
    await inParallel(planned, parts.callConcurrency, async ({ write, flags }) => {
      // A write started after the claim's lease (less one call's budget) could land after another
      // worker took the row up and wrote something newer: such a row is left to that worker.
      if (parts.now().getTime() > leaseUntil.getTime() - parts.callBudgetMs) return;
      try {
        for (const [i, target] of write.targets.entries()) {
          await adapter.writeConsent(target.recordId, consentWrite(write), { budgetMs: parts.callBudgetMs });
          learnt.push({ ...flags[i]!, knownAt: parts.now() });
        }
        written.push(write);
      } catch (error) {
        outcomes.set(write.row._id, failed(parts, write.row, error));
      }
    });
  } finally {
    // A failed write may still have landed: then its echo reads as a change from the system, which is the truth.
    await parts.targetValues.wrote(learnt, marks);
  }
  return written;
}

/** What a row's write asks of its target records. */
function consentWrite({ event, entry }: Write): ConsentWrite {
  const { channel, purpose, contactPoint } = event.consent!;
  return { channel, purpose, status: entry.status, contactPoint: contactPoint ?? undefined };
}

/** The flag a write sets on a record, and what the record will report once written (its echo is recognised by that). */
function targetFlag(adapter: SourceAdapter, target: LinkedRecord, write: Write): FlagValue {
  const change = consentWrite(write);
  return { system: adapter.name, recordId: target.recordId, channel: change.channel, purpose: change.purpose, status: adapter.statusHeldAfter?.(change) ?? change.status };
}

/** The outcome of a failed write: retried on the schedule (at least as long as Retry-After says), or DEAD. */
function failed(parts: DeliverConsentParts, row: DeliveryRowDoc, error: unknown): AttemptOutcome {
  if (!(error instanceof SourceError)) return unexpected(parts, row, error);
  if (permanentKinds.has(error.kind)) return { status: 'DEAD', lastError: error.message, failures: (row.failures ?? 0) + 1 };
  // An open circuit made no call, but says the system is failing: it counts, and the row waits a little longer.
  const failures = (row.failures ?? 0) + 1;
  if (failures >= parts.schedule.maxAttempts) return { status: 'DEAD', lastError: error.message, failures };
  const delay = Math.max(retryDelayMs(parts.schedule, failures, error.retryAfterMs), error.kind === 'CIRCUIT_OPEN' ? CIRCUIT_WAIT_MS : 0);
  return { status: 'PENDING', lastError: error.message, retryInMs: delay, failures };
}

/**
 * A failure that is not the system's answer (the store, a bug): this row is retried on the
 * schedule like any failure, and ends DEAD with the error if it persists, so one bad row
 * never holds up the rest of its batch. The error's message is ours, never a vendor's body.
 */
function unexpected(parts: DeliverConsentParts, row: DeliveryRowDoc, error: unknown): AttemptOutcome {
  const failures = (row.failures ?? 0) + 1;
  const lastError = `unexpected: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 300);
  if (failures >= parts.schedule.maxAttempts) return { status: 'DEAD', lastError, failures };
  return { status: 'PENDING', lastError, failures, retryInMs: retryDelayMs(parts.schedule, failures) };
}

function held(state: { consents: readonly ConsentEntry[] }, key: string): ConsentEntry | undefined {
  return state.consents.find((entry) => entry.key === key);
}

/** A consent narrowed to a contact point goes only to the records holding it (their email or phone key). */
function holdsContactPoint(record: LinkedRecord, contactPoint: string | null): boolean {
  return contactPoint === null || record.keys.includes(`email:${contactPoint}`) || record.keys.includes(`phone:${contactPoint}`);
}

/** Runs `work` over `items`, at most `limit` at once. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let item = items[next++]; item !== undefined; item = items[next++]) await work(item);
  }));
}
