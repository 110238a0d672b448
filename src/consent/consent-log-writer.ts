import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { ConflictError, GatewayError } from '../errors/gateway-error';
import { eventIdOf, preferenceFields, type ConsentEventDoc, type ConsentStateDoc, type PreferenceValues } from './consent-model';
import { beats, emptyConsentState, foldConsentEvents } from './fold-consent-events';
import type { ConsentRepository } from './consent-repository';
import type { ValidChange } from './validate-changes';
import { BackgroundBatches } from '../store/background-batches';
import type { ConsentFeed } from './consent-feed';

/** Options of {@link ConsentLogWriter}. */
export interface ConsentLogWriterOptions {
  /** The names of the connected systems; an event gets an outbox row for each one except its source. @default () => [] */
  connectedSystems?: () => readonly string[];
  /** The feed subscriptions read; each event gets its entry with its outbox rows. @default none */
  feed?: ConsentFeed;
  /** Test-only hook, run after an event is appended and before it is folded (the crash test kills the process here). @default none */
  afterEventAppended?: (event: ConsentEventDoc) => void | Promise<void>;
  /** Attempts at a log position before giving up with CONFLICT. @default 100 */
  maxAttempts?: number;
  /** The clock. @default () => new Date() */
  now?: () => Date;
}

/** How long acknowledged writes' marks wait to be cleared together: one delete for many writes, not one each. */
const MARKS_LINGER_MS = 100;

/** What an append answers. */
export interface AppendResult {
  event: ConsentEventDoc;
  /** True when the idempotency key was already used: `event` is the first one, nothing new was written. */
  replayed: boolean;
}

/**
 * The write protocol of the consent store, without transactions (DESIGN.md, "Writes"):
 *
 * 0. Mark the write as started (`consent_pending_writes`, keyed by customer and
 *    idempotency key); the mark is cleared once steps 2 and 3 are done, so a mark that
 *    outlives its write by long is a crash, and the sweeper heals that customer and
 *    makes sure the marked event's outbox rows exist. (A sweeper that scanned the log
 *    instead would read every event on FerretDB v1, where only `_id` filters reach SQLite.)
 * 1. Append the event at the customer's next log position. The position is its `_id`
 *    (`<customerId>#<seq>`, also unique as `{customerId, seq}`) and its idempotency
 *    key is unique: the insert is the one atomic step. E11000 means another writer
 *    took the position (re-read, back off, retry) or the key was used before (answer
 *    with that first event, or CONFLICT if its payload differs).
 * 2. and 3., at once: make sure the outbox rows and the feed entry (ConsentFeed) of
 *    every event being folded exist (inserts, E11000 ignored), and fold the events
 *    into the state document, which records the position it folded to.
 *
 * Invariants, which hold on FerretDB v1 (where a conditional update can lose a race)
 * as on MongoDB:
 *
 * - The log is dense: position n is only ever written by a writer that knew n-1
 *   exists (it read it, or read a state that had folded it).
 * - A stored state is always exactly f(events 1..state.seq): every writer folds a
 *   full prefix (stored state + the tail read from the log), and f is deterministic.
 *   A lost update can therefore only leave the state BEHIND the log, never wrong.
 * - Every acknowledged event has its outbox rows and its feed entry: its writer ensured
 *   them before answering. An event whose writer died has its mark, and the sweeper
 *   ensures them.
 * - Behind is detectable with one `_id` lookup: the state is current iff there is no
 *   event at state.seq + 1. (The writer's first attempt skips even that and lets the
 *   unique index tell: a state behind the log means its next position is taken.)
 * - Once every acknowledged writer has returned, the state is current. Where the store's
 *   updates are atomic (MongoDB, the embedded FerretDB with the project's patch), the
 *   state write is conditional on the stored seq being lower, so a state only moves
 *   forward, and each acknowledged event's writer left a state at or past it. Where they
 *   are not (FerretDB as released), a stale state write can land after a newer one, so
 *   after writing a writer looks for state.seq + 1 and folds on if it finds it (before
 *   acknowledging): the last state write was followed by a look that found no later
 *   event, and any later event's writer writes the state after that look. Either way
 *   only a crash between steps 1 and 3 (an unacknowledged change) or a write still in
 *   flight leaves the state behind; readers that must be exact ({@link catchUp}) fold
 *   the tail, and the sweeper heals the rest (the crashed write's mark is still there).
 */
export class ConsentLogWriter {
  private readonly connectedSystems: () => readonly string[];
  private readonly afterEventAppended?: (event: ConsentEventDoc) => void | Promise<void>;
  private readonly feed?: ConsentFeed;
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  /** Marks of acknowledged writes, cleared in batches after the answer (a mark left behind only makes the sweeper check a finished write). */
  private readonly marks: BackgroundBatches<string>;

  constructor(
    private readonly repository: ConsentRepository,
    { connectedSystems = () => [], feed, afterEventAppended, maxAttempts = 100, now = () => new Date() }: ConsentLogWriterOptions = {},
  ) {
    this.connectedSystems = connectedSystems;
    this.feed = feed;
    this.afterEventAppended = afterEventAppended;
    this.maxAttempts = maxAttempts;
    this.now = now;
    this.marks = new BackgroundBatches((ids) => repository.markWritesDone(ids), undefined, 1000, MARKS_LINGER_MS);
  }

  /** Resolves once the marks of every acknowledged write are cleared; call before closing the store. */
  drain(): Promise<void> {
    return this.marks.drain();
  }

  /**
   * Appends validated changes, in order, to `customerId`'s log (the survivor's id) and
   * folds them in: one answer per change, an AppendResult or the GatewayError of that
   * change (CONFLICT for a reused idempotency key). The changes go in as one ordered
   * batch insert where nobody competes, so an import costs a few round trips, not a
   * few per change.
   */
  async appendMany(customerId: string, changes: readonly ValidChange[]): Promise<(AppendResult | GatewayError)[]> {
    const keys = changes.map((change) => change.idempotencyKey ?? `auto:${randomUUID()}`);
    // The mark and the first read of the state are independent: one round trip for both.
    const [marks, storedState] = await Promise.all([
      this.repository.markWritesStarted(customerId, keys, this.now()),
      this.repository.readState(customerId),
    ]);
    const results: (AppendResult | GatewayError)[] = new Array(changes.length);
    let next = 0;
    let latest: { state: ConsentStateDoc; tail: ConsentEventDoc[] } | null = null;
    for (let attempt = 0; next < changes.length; ) {
      if (attempt >= this.maxAttempts) {
        throw new ConflictError(
          `Too many concurrent writes to one customer's consent log (${this.maxAttempts} attempts); retry with the same idempotencyKey.`,
        );
      }
      // Optimistic first attempt: the stored state's next position. If the state is behind
      // the log that position is taken and the insert collides, so the unique index does
      // the tail check; only then is the tail read (a scan on FerretDB v1, see readTail).
      const state = attempt === 0 && next === 0 ? (storedState ?? emptyConsentState(customerId)) : await this.catchUp(customerId);
      const events: ConsentEventDoc[] = [];
      let working = state;
      for (let i = next; i < changes.length; i++) {
        const event = this.buildEvent(customerId, changes[i]!, keys[i]!, working);
        events.push(event);
        working = foldConsentEvents(working, [event]);
      }
      const inserted = await this.repository.insertEvents(events);
      if (inserted > 0) {
        const appended = events.slice(0, inserted);
        for (const event of appended) await this.afterEventAppended?.(event);
        latest = await this.projectStep(state, appended);
        appended.forEach((event, i) => (results[next + i] = { event, replayed: false }));
        next += inserted;
      }
      if (inserted === events.length) break;
      // The change at `next` collided: its key was used before (answer with the first
      // event), or another writer took the position (back off, jittered and capped).
      const first = changes[next]!.idempotencyKey === null ? null : await this.repository.findEventByIdempotencyKey(keys[next]!);
      if (first) {
        results[next] = await this.replay(first, changes[next]!).catch((error: unknown) => {
          if (error instanceof GatewayError) return error;
          throw error;
        });
        next++;
        attempt = 0;
      } else {
        if (attempt > 0) await sleep(Math.random() * Math.min(50, 2 ** attempt));
        attempt++;
      }
    }
    // The final look at the log (the last step's) found any later writer's events: fold them (covered by that writer's marks).
    if (latest && latest.tail.length > 0) await this.project(latest.state, latest.tail);
    // Only completed writes clear their marks, after the answer: a failed or killed one leaves them for the sweeper.
    this.marks.add(marks);
    return results;
  }

  /** Appends one change (see {@link appendMany}); its error is thrown. */
  async append(customerId: string, change: ValidChange): Promise<AppendResult> {
    const [result] = await this.appendMany(customerId, [change]);
    if (result instanceof GatewayError) throw result;
    return result!;
  }

  /** The customer's state, with any events the stored state is behind folded in (and written back). */
  async catchUp(customerId: string): Promise<ConsentStateDoc> {
    const stored = (await this.repository.readState(customerId)) ?? emptyConsentState(customerId);
    const tail = await this.repository.readTail(customerId, stored.seq);
    return tail.length === 0 ? stored : this.project(stored, tail);
  }

  /** Steps 2 and 3 for `events` (which continue `base`), then again for anything appended meanwhile. */
  private async project(base: ConsentStateDoc, events: ConsentEventDoc[]): Promise<ConsentStateDoc> {
    let step = await this.projectStep(base, events);
    while (step.tail.length > 0) step = await this.projectStep(step.state, step.tail);
    return step.state;
  }

  /**
   * Steps 2 and 3 for `events`, which continue `base` (their outbox rows, feed entries and
   * the folded state), and, where the store needs it, the look at the log past the state
   * written. Answers the state and what the look found (almost always nothing).
   */
  private async projectStep(base: ConsentStateDoc, events: readonly ConsentEventDoc[]): Promise<{ state: ConsentStateDoc; tail: ConsentEventDoc[] }> {
    const state = foldConsentEvents(base, [...events]);
    const [tail] = await Promise.all([this.writeStateAndLook(state), this.ensureOutboxRows(events), this.ensureFeedEntries(events)]);
    return { state, tail };
  }

  /**
   * Writes a state. Where a stale state write can land after a newer one (the store's
   * updates are not atomic), then looks at the log past it, which must follow the write
   * (see the invariants above); elsewhere the state only moves forward, and the look
   * would only cost a round trip.
   */
  private async writeStateAndLook(state: ConsentStateDoc): Promise<ConsentEventDoc[]> {
    const [onlyForward] = await Promise.all([this.repository.stateWritesOnlyMoveForward(), this.repository.writeState(state)]);
    return onlyForward ? [] : this.repository.readTail(state._id, state.seq);
  }

  /** Makes sure each event is in the subscriptions' feed, once (the sweeper calls this for a dead write's event). */
  async ensureFeedEntries(events: readonly ConsentEventDoc[]): Promise<void> {
    await this.feed?.ensureEntries(events);
  }

  /**
   * Makes sure each event has an outbox row for every connected system but its source
   * (the sweeper calls this for a dead write's event). An import gets none: it records
   * what a system already held, and pushing one system's old flags over the others'
   * would settle their disagreements by accident (drift shows them instead).
   */
  ensureOutboxRows(events: readonly ConsentEventDoc[]): Promise<void> {
    const systems = this.connectedSystems();
    const targetsOf = (event: ConsentEventDoc) => (event.method === 'IMPORT' ? [] : systems.filter((system) => system !== event.source.system));
    return this.repository.ensureOutboxRows(events, targetsOf, this.now());
  }

  private async replay(first: ConsentEventDoc, change: ValidChange): Promise<AppendResult> {
    if (first.payloadHash !== change.payloadHash) {
      throw new ConflictError(
        `idempotencyKey was already used for a different change (event ${first._id}); use a new key for a new change.`,
        { extensions: { field: `changes[${change.index}].idempotencyKey`, eventId: first._id } },
      );
    }
    // The first attempt may have died before folding: the replay acknowledges it, so make it current.
    await this.catchUp(first.customerId);
    return { event: first, replayed: true };
  }

  private buildEvent(customerId: string, change: ValidChange, idempotencyKey: string, state: ConsentStateDoc): ConsentEventDoc {
    const seq = state.seq + 1;
    let consent: ConsentEventDoc['consent'] = null;
    let preferences: ConsentEventDoc['preferences'] = null;
    let current = false;
    if (change.consent) {
      const held = state.consents.find((entry) => entry.key === change.consent!.key);
      consent = { ...change.consent, from: held?.status ?? 'UNKNOWN' };
      current = beats(change.capturedAt, seq, held);
    }
    if (change.preferences) {
      const from: PreferenceValues = {};
      for (const field of preferenceFields) {
        if (change.preferences[field] === undefined) continue;
        const held = state.preferences[field];
        if (held) (from as Record<string, unknown>)[field] = held.value;
        current ||= beats(change.capturedAt, seq, held);
      }
      preferences = { from, to: change.preferences };
    }
    return {
      _id: eventIdOf(customerId, seq),
      customerId,
      seq,
      kind: change.consent ? 'CONSENT' : 'PREFERENCE',
      consent,
      preferences,
      capturedAt: change.capturedAt,
      recordedAt: this.now(),
      source: change.source,
      actor: change.actor,
      recordedBy: change.recordedBy,
      method: change.method,
      legalBasis: change.legalBasis,
      evidence: change.evidence,
      idempotencyKey,
      payloadHash: change.payloadHash,
      current,
    };
  }
}
