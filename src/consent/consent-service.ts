import type { MongoStore } from '../store/mongo-store';
import type { CustomerDirectory } from '../identity/customer-directory';
import { acceptAnyCustomer } from '../identity/customer-directory';
import { BadUserInputError, ConflictError, GatewayError, NotFoundError } from '../errors/gateway-error';
import { defaultConsentVocabulary, validateConsentVocabulary, type ConsentVocabulary, type ContactPointKind } from './consent-vocabulary';
import type { ChangeAuthor, ConsentEntry, ConsentEventDoc, ConsentStateDoc, EffectiveConsentStatus } from './consent-model';
import type { ChangeEvidenceInput, ConsentChangeInput, PreferenceChangeInput } from './consent-inputs';
import { validateConsentChanges, validateEvidence, validatePreferenceChanges, type ValidChange, type ValidationContext } from './validate-changes';
import { ConsentRepository } from './consent-repository';
import { ConsentLogWriter } from './consent-log-writer';
import { emptyConsentState } from './fold-consent-events';
import { DoubleOptInTokens } from './double-opt-in-token';
import { effectiveStatus, eligibilityOf, type Eligibility } from './evaluate-consent';
import { fromAtCapture } from './from-at-capture';
import { consentsAt } from './consents-at';
import { normaliseContactPoint } from './contact-point';
import { payloadHash } from './payload-hash';
import { sweepConsentLog, type SweepReport } from './sweep-consent-log';
import { compareWithSourceFlags } from './compare-with-source-flags';
import { ConsentDriftStore, type ChannelDrift, type SourceDrift } from './consent-drift-store';
import type { SourceConsentFlag } from '../adapters/source-adapter';
import { ConsentFeed, type ConsentFeedDoc } from './consent-feed';
import { ConsentFeedPoller, type ConsentFeedPollerOptions } from './consent-feed-poller';
import { decodePosition, encodePosition } from './feed-position';
import type { FeedKey } from './consent-feed';

/** Options of {@link ConsentService}. */
export interface ConsentServiceOptions {
  store: MongoStore;
  /** Which customer ids exist and which survive a merge. @default acceptAnyCustomer */
  directory?: CustomerDirectory;
  /** The connected systems' names; each event gets an outbox row per system other than its source. @default () => [] */
  connectedSystems?: () => readonly string[];
  /** Channels, purposes, topics, frequencies. @default defaultConsentVocabulary */
  vocabulary?: ConsentVocabulary;
  /** How far in the future `capturedAt` may be (clock skew between systems). @default 300000 (5 minutes) */
  clockSkewMs?: number;
  /** Most changes per `recordConsent` / `updatePreferences` request. @default 1000 */
  maxBatchSize?: number;
  /** Most customer ids per `contactEligibility` request. @default 10000 */
  maxEligibilityIds?: number;
  /** How long a double opt-in stays PENDING without confirmation, unless the change gives `expiresAt`. @default 604800000 (7 days) */
  doubleOptInTtlMs?: number;
  /** Customers whose changes are written concurrently within one request. @default 8 */
  writeConcurrency?: number;
  /** How the subscriptions' feed is read in this process (src/consent/consent-feed-poller.ts). @default every 200 ms, 500 ms behind the clock */
  feed?: Pick<ConsentFeedPollerOptions, 'pollMs' | 'settleMs' | 'maxQueued' | 'logger'>;
  /** Test-only: runs after an event is appended, before it is folded (the crash test kills the process here). @default none */
  afterEventAppended?: (event: ConsentEventDoc) => void | Promise<void>;
  /** The clock. @default () => new Date() */
  now?: () => Date;
}

/** One change's outcome. */
export interface ChangeResult {
  index: number;
  /** The customer the change was written to (the survivor of a merge). */
  customerId: string | null;
  eventId: string | null;
  /** Whether the change became the current value for its key (false: older than what is held; kept in history). */
  current: boolean;
  /** True when the idempotency key had been used: the first answer is returned, nothing new was written. */
  replayed: boolean;
  /** For a PENDING (double opt-in) consent: the token `confirmDoubleOptIn` takes. */
  confirmationToken: string | null;
  error: { code: string; message: string; field: string | null } | null;
}

/** A consent as read (state or point in time). */
export interface ConsentView {
  channel: string;
  purpose: string;
  contactPoint: string | null;
  /** As read at the instant asked: EXPIRED for a lapsed grant or an unconfirmed double opt-in. */
  status: EffectiveConsentStatus;
  /** As recorded. */
  recordedStatus: ConsentEntry['status'];
  capturedAt: Date;
  expiresAt: Date | null;
  source: ConsentEntry['source'];
  eventId: string;
}

/** Current preferences. */
export interface PreferencesView {
  topics: string[];
  frequency: string | null;
  preferredChannel: string | null;
  language: string | null;
  /** The newest capture among the fields, null when none was ever set. */
  updatedAt: Date | null;
}

/** A history filter. */
export interface ConsentHistoryFilter {
  kind?: 'CONSENT' | 'PREFERENCE' | null;
  channel?: string | null;
  purpose?: string | null;
  contactPoint?: string | null;
  capturedFrom?: Date | null;
  capturedTo?: Date | null;
}

/** A Relay-style page of events, newest first. */
export interface ConsentHistoryPage {
  edges: { cursor: string; node: ConsentEventView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** An event as the API shows it. */
export type ConsentEventView = Omit<ConsentEventDoc, '_id' | 'payloadHash'> & { id: string };

/** One event of `consentEvents`, with the position to resume after it. */
export interface ConsentEventAtPosition {
  position: string;
  event: ConsentEventView;
}

/** One customer's eligibility; personal data only in `excludedContactPoints`, shown to the caller who asked. */
export interface EligibilityAnswer extends Eligibility {
  customerId: string;
}

const historyPageMax = 500;

function toView(entry: ConsentEntry, at: Date): ConsentView {
  return {
    channel: entry.channel,
    purpose: entry.purpose,
    contactPoint: entry.contactPoint,
    status: effectiveStatus(entry, at),
    recordedStatus: entry.status,
    capturedAt: entry.capturedAt,
    expiresAt: entry.expiresAt,
    source: entry.source,
    eventId: entry.eventId,
  };
}

function toEventView({ _id, payloadHash: _hash, ...event }: ConsentEventDoc): ConsentEventView {
  return { id: _id, ...event };
}

function errorOf(change: ValidChange, error: GatewayError): ChangeResult {
  const field = typeof error.extensions.field === 'string' ? error.extensions.field : null;
  return {
    index: change.index,
    customerId: null,
    eventId: null,
    current: false,
    replayed: false,
    confirmationToken: null,
    error: { code: error.code, message: error.message, field },
  };
}

/**
 * The authoritative consent and preference store (DESIGN.md, "Data model"): records
 * changes as events, answers current state, history, any past instant and batch
 * eligibility. The write protocol and its invariants are in ConsentLogWriter.
 */
export class ConsentService {
  /** The validated vocabulary in force. */
  readonly vocabulary: ConsentVocabulary;
  private readonly repository: ConsentRepository;
  private readonly writer: ConsentLogWriter;
  private readonly tokens: DoubleOptInTokens;
  private readonly directory: CustomerDirectory;
  private readonly clockSkewMs: number;
  private readonly maxBatchSize: number;
  private readonly maxEligibilityIds: number;
  private readonly doubleOptInTtlMs: number;
  private readonly writeConcurrency: number;
  private readonly now: () => Date;
  private readonly drift: ConsentDriftStore;
  private readonly feed: ConsentFeed;
  private readonly feedPoller: ConsentFeedPoller;

  constructor({
    store,
    directory = acceptAnyCustomer,
    connectedSystems = () => [],
    vocabulary = defaultConsentVocabulary,
    clockSkewMs = 300_000,
    maxBatchSize = 1000,
    maxEligibilityIds = 10_000,
    doubleOptInTtlMs = 7 * 24 * 3600_000,
    writeConcurrency = 8,
    feed = {},
    afterEventAppended,
    now = () => new Date(),
  }: ConsentServiceOptions) {
    this.vocabulary = validateConsentVocabulary(vocabulary);
    this.repository = new ConsentRepository(store);
    // The feed keeps the wall clock even when a test fakes `now`: readers in other processes compare theirs with it.
    this.feed = new ConsentFeed(store);
    this.feedPoller = new ConsentFeedPoller({ ...feed, feed: this.feed, loadEvents: (entries) => this.feedEvents(entries) });
    this.writer = new ConsentLogWriter(this.repository, { connectedSystems, feed: this.feed, afterEventAppended, now });
    this.tokens = new DoubleOptInTokens(store);
    this.drift = new ConsentDriftStore(store);
    this.directory = directory;
    this.clockSkewMs = clockSkewMs;
    this.maxBatchSize = maxBatchSize;
    this.maxEligibilityIds = maxEligibilityIds;
    this.doubleOptInTtlMs = doubleOptInTtlMs;
    this.writeConcurrency = writeConcurrency;
    this.now = now;
  }

  /**
   * Records consent changes: all validated first (BAD_USER_INPUT, nothing written), then
   * one result per change. With `author` (the API's caller), a change without an actor is
   * attributed to it, and each event records who sent it.
   */
  async recordConsent(changes: readonly ConsentChangeInput[], author?: ChangeAuthor): Promise<ChangeResult[]> {
    const valid = validateConsentChanges(changes, this.validationContext(author)).map((change) => {
      // An unconfirmed double opt-in lapses: PENDING carries its confirmation deadline.
      if (change.consent?.to !== 'PENDING' || change.consent.expiresAt) return change;
      const expiresAt = new Date(change.capturedAt.getTime() + this.doubleOptInTtlMs);
      return { ...change, consent: { ...change.consent, expiresAt } };
    });
    return this.writeAll(valid);
  }

  /** Records preference changes, likewise. */
  async updatePreferences(changes: readonly PreferenceChangeInput[], author?: ChangeAuthor): Promise<ChangeResult[]> {
    return this.writeAll(validatePreferenceChanges(changes, this.validationContext(author)));
  }

  /**
   * Confirms a double opt-in: the PENDING consent becomes GRANTED, once. The token's
   * single use is a unique insert keyed by the pending event; a crash after that
   * insert is finished by the next use of the same token, any other reuse is CONFLICT.
   * The person confirms (actor CUSTOMER); `author` is recorded as who sent it.
   */
  async confirmDoubleOptIn(token: string, evidence: ChangeEvidenceInput | null = null, author?: ChangeAuthor): Promise<ChangeResult> {
    const checkedEvidence = validateEvidence(evidence, 'evidence', author?.observed); // before anything is written
    const pendingId = await this.tokens.verify(token);
    const pending = pendingId ? await this.repository.findEvent(pendingId) : null;
    if (!pending?.consent || pending.consent.to !== 'PENDING') {
      throw new BadUserInputError('token: not a valid double opt-in confirmation token.', { extensions: { field: 'token' } });
    }
    const now = this.now();
    if (pending.consent.expiresAt && pending.consent.expiresAt.getTime() <= now.getTime()) {
      throw new BadUserInputError('token: the confirmation period has ended; record a new PENDING consent to send a new link.', {
        extensions: { field: 'token' },
      });
    }
    const idempotencyKey = `doi-confirm:${pending._id}`;
    const firstUse = await this.repository.claimDoubleOptInUse(pending._id, now);
    if (!firstUse && (await this.repository.findEventByIdempotencyKey(idempotencyKey))) {
      throw new ConflictError('token: this confirmation link was already used.', { extensions: { field: 'token' } });
    }
    const state = await this.writer.catchUp(pending.customerId);
    const held = state.consents.find((entry) => entry.key === pending.consent!.key);
    if (held?.eventId !== pending._id) {
      throw new ConflictError('token: the pending consent was superseded by a later change; nothing was confirmed.', {
        extensions: { field: 'token' },
      });
    }
    const change: Omit<ValidChange, 'payloadHash'> = {
      index: 0,
      customerId: pending.customerId,
      consent: { ...pending.consent, to: 'GRANTED', expiresAt: null },
      preferences: null,
      capturedAt: now,
      source: { system: 'gateway', recordId: pending._id },
      actor: { kind: 'CUSTOMER', id: pending.customerId },
      recordedBy: author?.recordedBy ?? null,
      method: 'EMAIL_LINK',
      legalBasis: 'CONSENT',
      evidence: checkedEvidence,
      idempotencyKey,
    };
    // The hash ignores the volatile parts, so finishing a crashed confirmation replays cleanly.
    const valid: ValidChange = { ...change, payloadHash: payloadHash({ confirms: pending._id }) };
    const { event, replayed } = await this.writer.append(pending.customerId, valid);
    return this.resultOf(valid, event, replayed);
  }

  /** A customer's current consents, the log's tail folded in first (exact, two `_id` lookups when current). */
  async currentConsents(customerId: string): Promise<ConsentView[]> {
    const state = await this.writer.catchUp(customerId);
    const now = this.now();
    return state.consents.map((entry) => toView(entry, now));
  }

  /** The events recorded on `customerId`'s own log at or after `since` (record time), oldest first: for a steward's review of an undone merge. */
  async eventsRecordedSince(customerId: string, since: Date): Promise<ConsentEventView[]> {
    const events = await this.readWholeLog(customerId);
    return events.filter((event) => event.recordedAt.getTime() >= since.getTime()).map(toEventView);
  }

  /**
   * Which source records' own consent flags disagree with the store (drift), and a note
   * of it for the per-system counts. The store stays the answer; this only reports.
   * Only flags in the vocabulary are compared: a source may hold channels this
   * deployment does not use (Salesforce's fax opt-out), which the store can never hold.
   */
  async consentDrift(
    customerId: string,
    records: readonly { system: string; recordId: string; flags: readonly SourceConsentFlag[] }[],
  ): Promise<SourceDrift[]> {
    const state = await this.writer.catchUp(customerId);
    const at = this.now();
    const known = (flag: SourceConsentFlag): boolean =>
      this.vocabulary.channels.some((channel) => channel.name === flag.channel) && this.vocabulary.purposes.includes(flag.purpose);
    const observed = records.map(({ system, recordId, flags }) => ({
      system,
      recordId,
      disagreements: compareWithSourceFlags(
        state,
        flags.filter(known).map((flag) => (flag.contactPoint ? { ...flag, contactPoint: this.normaliseAnyContactPoint(flag.contactPoint, flag.channel) } : flag)),
        at,
      ),
    }));
    await this.drift.observe(customerId, observed, at);
    return observed;
  }

  /** How many customers `system` was last seen disagreeing with the store about. */
  driftCount(system: string): Promise<number> {
    return this.drift.countFor(system);
  }

  /** Per channel and purpose, how many customers `system` was last seen disagreeing with the store about. */
  driftByChannel(system: string): Promise<ChannelDrift[]> {
    return this.drift.byChannelFor(system);
  }

  /** A customer's current preferences. */
  async currentPreferences(customerId: string): Promise<PreferencesView> {
    const { preferences } = await this.writer.catchUp(customerId);
    const captures = Object.values(preferences).map((entry) => entry.capturedAt.getTime());
    return {
      topics: preferences.topics?.value ?? [],
      frequency: preferences.frequency?.value ?? null,
      preferredChannel: preferences.preferredChannel?.value ?? null,
      language: preferences.language?.value ?? null,
      updatedAt: captures.length ? new Date(Math.max(...captures)) : null,
    };
  }

  /** The consents in force at `at` (capture time), optionally as the store knew them at `knownAt` (record time). */
  async consentAt(customerId: string, at: Date, knownAt: Date | null = null): Promise<ConsentView[]> {
    const events = await this.readWholeLog(await this.resolveForRead(customerId, 'customerId'));
    const known = knownAt === null ? events : events.filter((event) => event.recordedAt.getTime() <= knownAt.getTime());
    return consentsAt(known, at).map((entry) => toView(entry, at));
  }

  /**
   * A customer's events, newest first, as a Relay-style connection. Each event's `from`
   * is derived from the whole log by capture time (see fromAtCapture), not read as stored.
   */
  async consentHistory(
    customerId: string,
    filter: ConsentHistoryFilter = {},
    first = 50,
    after: string | null = null,
  ): Promise<ConsentHistoryPage> {
    if (!Number.isInteger(first) || first < 1 || first > historyPageMax) {
      throw new BadUserInputError(`first: must be from 1 to ${historyPageMax}.`, { extensions: { field: 'first' } });
    }
    const afterSeq = after === null ? null : Number(/^seq:(\d+)$/.exec(Buffer.from(after, 'base64url').toString())?.[1]);
    if (afterSeq !== null && !Number.isSafeInteger(afterSeq)) {
      throw new BadUserInputError('after: not a cursor from this connection; pass an endCursor it returned.', { extensions: { field: 'after' } });
    }
    const events = fromAtCapture(await this.readWholeLog(await this.resolveForRead(customerId, 'customerId')));
    const contactPoint = filter.contactPoint ? this.normaliseAnyContactPoint(filter.contactPoint, filter.channel ?? null) : null;
    const matching = events.reverse().filter(
      (event) =>
        (afterSeq === null || event.seq < afterSeq) &&
        (!filter.kind || event.kind === filter.kind) &&
        (!filter.channel || event.consent?.channel === filter.channel) &&
        (!filter.purpose || event.consent?.purpose === filter.purpose) &&
        (contactPoint === null || event.consent?.contactPoint === contactPoint) &&
        (!filter.capturedFrom || event.capturedAt.getTime() >= filter.capturedFrom.getTime()) &&
        (!filter.capturedTo || event.capturedAt.getTime() <= filter.capturedTo.getTime()),
    );
    const page = matching.slice(0, first);
    const edges = page.map((event) => ({ cursor: Buffer.from(`seq:${event.seq}`).toString('base64url'), node: toEventView(event) }));
    return { edges, pageInfo: { hasNextPage: matching.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /**
   * Whether each customer may be contacted on `channel` for `purpose` (at
   * `contactPoint`, when given; see eligibilityOf for the rules). Store round trips:
   * the state documents by `_id` in batches of 1,000 (10 for 10,000 ids), and, for an
   * email or phone contact point, the identity graph's holders of that key beside them
   * (3 when its holder was never merged: see GraphCustomerDirectory.holdersOf). It
   * reads states without checking their log tails (that would be a round trip per
   * customer); ConsentLogWriter's invariants say they hold every acknowledged change
   * unless a write is in flight or a crash awaits the sweeper. A customer the store was
   * never told of (registerCustomers, or a change) is UNKNOWN_CUSTOMER. Ids are
   * answered as given: merged-away ids are not redirected.
   */
  async contactEligibility(
    customerIds: readonly string[],
    channel: string,
    purpose: string,
    contactPoint: string | null = null,
  ): Promise<EligibilityAnswer[]> {
    const { kind, point } = this.eligibilityQuestion(customerIds, channel, purpose, contactPoint);
    const [states, holders] = await Promise.all([
      this.repository.readStates(customerIds),
      point !== null && kind !== 'opaque' ? this.directory.holdersOf({ kind, value: point }) : new Set<string>(),
    ]);
    const byId = new Map(states.map((state) => [state._id, state]));
    const now = this.now();
    return customerIds.map((customerId) => ({
      customerId,
      ...eligibilityOf(byId.get(customerId) ?? null, channel, purpose, point, now, holders.has(customerId)),
    }));
  }

  /** The accepted vocabulary, as names, and per channel whether a person's grant needs a double opt-in. */
  vocabularyNames(): { channels: string[]; purposes: string[]; topics: string[]; frequencies: string[]; channelRules: { channel: string; doubleOptIn: boolean }[] } {
    const { channels, purposes, topics, frequencies } = this.vocabulary;
    return {
      channels: channels.map((channel) => channel.name),
      purposes: [...purposes],
      topics: [...topics],
      frequencies: [...frequencies],
      channelRules: channels.map((channel) => ({ channel: channel.name, doubleOptIn: channel.doubleOptIn ?? false })),
    };
  }

  /** Tells the store these customers exist (so eligibility answers NO_CONSENT rather than UNKNOWN_CUSTOMER). Idempotent. */
  async registerCustomers(customerIds: readonly string[]): Promise<void> {
    await this.repository.registerStates(customerIds);
  }

  /**
   * One sweeper pass: heals the customers of writes that started over `graceMs` ago
   * and never finished (see startConsentSweeper for the interval runner).
   */
  sweep(graceMs = 60_000): Promise<SweepReport> {
    return sweepConsentLog(this.repository, this.writer, { now: this.now(), graceMs });
  }

  /**
   * Every event recorded for `customerId` from now on, as the feed delivers it (within
   * a second, from any process: ConsentFeedPoller). A merged-away id follows its
   * survivor, as reads do; the id is resolved when subscribing. NOT_FOUND for an
   * unknown id. The iterator may end with a GatewayError as its last item.
   */
  async consentChanges(customerId: string): Promise<AsyncIterableIterator<ConsentEventView | GatewayError>> {
    const survivor = await this.resolveForRead(customerId, 'customerId');
    return this.feedPoller.subscribe({ customerId: survivor, after: null }, (item) => toEventView(item.event));
  }

  /**
   * Every event of every customer in feed order from just after `after` (a `position`
   * this feed sent; null: from now), each with its own position (see ConsentFeed for
   * the guarantee). BAD_USER_INPUT for a position this store's feed did not send.
   */
  async consentEventsFrom(after: string | null): Promise<AsyncIterableIterator<ConsentEventAtPosition | GatewayError>> {
    const key = after === null ? null : await this.feedKeyOf(after);
    return this.feedPoller.subscribe({ customerId: null, after: key }, (item) => ({ position: encodePosition(item.key), event: toEventView(item.event) }));
  }

  /** Ends every subscription of this process and stops reading the feed; call when the server stops. */
  closeFeed(): Promise<void> {
    return this.feedPoller.stop();
  }

  /** Resolves once the bookkeeping of acknowledged writes is done; call before closing the store. */
  drain(): Promise<void> {
    return this.writer.drain();
  }

  /** The customer's current state, with any events the stored state is behind folded in (propagation delivers from it). */
  currentState(customerId: string): Promise<ConsentStateDoc> {
    return this.writer.catchUp(customerId);
  }

  /**
   * The status a system's record last reported for a channel and purpose (an import or a
   * change taken in), or null if it never did, from the logs of `customerIds` (a cluster:
   * a record imported before a merge has its events in the merged-away id's log).
   */
  async lastReportedBy(customerIds: readonly string[], source: { system: string; recordId: string }, channel: string, purpose: string): Promise<ConsentEntry['status'] | null> {
    let last: ConsentEventDoc | null = null;
    for (const customerId of customerIds) {
      for (const event of await this.readWholeLog(customerId)) {
        const fromRecord = event.source.system === source.system && event.source.recordId === source.recordId && event.consent?.channel === channel && event.consent.purpose === purpose;
        if (fromRecord && (!last || event.recordedAt >= last.recordedAt)) last = event;
      }
    }
    return last?.consent?.to ?? null;
  }

  /** Events by id, keyed by id (missing ones absent). */
  async events(eventIds: readonly string[]): Promise<Map<string, ConsentEventDoc>> {
    return new Map((await this.repository.findEvents(eventIds)).map((event) => [event._id, event]));
  }

  /**
   * Many customers' current states (as {@link currentState}), in two round trips where
   * none is behind its log: the states, then one look for each one's next position.
   */
  async currentStates(customerIds: readonly string[]): Promise<Map<string, ConsentStateDoc>> {
    const ids = [...new Set(customerIds)];
    const stored = new Map((await this.repository.readFullStates(ids)).map((state) => [state._id, state]));
    const states = ids.map((id) => stored.get(id) ?? emptyConsentState(id));
    const behind = await this.repository.behind(states);
    const current = await Promise.all(states.map((state) => (behind.has(state._id) ? this.writer.catchUp(state._id) : state)));
    return new Map(current.map((state) => [state._id, state]));
  }

  /** The raw state document, as stored (for tests and diagnostics). */
  storedState(customerId: string): Promise<ConsentStateDoc | null> {
    return this.repository.readState(customerId);
  }

  /**
   * A customer's whole log, in order. Per-customer logs are short (tens of events), so
   * history and point-in-time filter in memory; the head comes from the state, its
   * tail folded first (so a reader heals a state it finds behind).
   */
  private async readWholeLog(customerId: string): Promise<ConsentEventDoc[]> {
    const { seq } = await this.writer.catchUp(customerId);
    return this.repository.readLog(customerId, seq);
  }

  /** The feed key a client's position names: BAD_USER_INPUT unless this store's feed holds that entry. */
  private async feedKeyOf(position: string): Promise<FeedKey> {
    const key = decodePosition(position);
    if (!key) {
      throw new BadUserInputError('after: not a position from consentEvents; pass the `position` of the last event you received, or null to start from now.', {
        extensions: { field: 'after' },
      });
    }
    const entry = await this.feed.findEntry(key.eventId);
    if (entry?.at.getTime() !== key.at) {
      throw new BadUserInputError("after: this gateway's feed never sent this position (is it from another deployment?); pass a position it sent, or null to start from now.", {
        extensions: { field: 'after' },
      });
    }
    return key;
  }

  /**
   * The events of feed entries, each with `from` as history derives it (fromAtCapture)
   * over its customer's log up to the newest event asked for: one indexed read per
   * customer, a few customers at once. Up to that event, not the whole log, so the same
   * event reads the same on every resume.
   */
  private async feedEvents(entries: readonly ConsentFeedDoc[]): Promise<ConsentEventDoc[]> {
    const heads = new Map<string, number>();
    for (const entry of entries) heads.set(entry.customerId, Math.max(heads.get(entry.customerId) ?? 0, entry.seq));
    const wanted = new Set(entries.map((entry) => entry._id));
    const customers = [...heads.entries()];
    const found: ConsentEventDoc[] = [];
    const worker = async () => {
      for (let next = customers.shift(); next; next = customers.shift()) {
        const log = await this.repository.readLog(next[0], next[1]);
        found.push(...fromAtCapture(log).filter((event) => wanted.has(event._id)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.writeConcurrency, customers.length) }, worker));
    return found;
  }

  /** Checks an eligibility question (BAD_USER_INPUT naming the argument) and normalises its contact point. */
  private eligibilityQuestion(
    customerIds: readonly string[],
    channel: string,
    purpose: string,
    contactPoint: string | null,
  ): { kind: ContactPointKind; point: string | null } {
    if (customerIds.length === 0 || customerIds.length > this.maxEligibilityIds) {
      throw new BadUserInputError(`customerIds: give from 1 to ${this.maxEligibilityIds} ids (got ${customerIds.length}).`, {
        extensions: { field: 'customerIds' },
      });
    }
    const blank = customerIds.findIndex((id) => typeof id !== 'string' || id === '');
    if (blank >= 0) throw new BadUserInputError(`customerIds[${blank}]: must be a non-empty id.`, { extensions: { field: `customerIds[${blank}]` } });
    const definition = this.vocabulary.channels.find((c) => c.name === channel);
    if (!definition) {
      throw new BadUserInputError(`channel: must be one of ${this.vocabulary.channels.map((c) => c.name).join(', ')}.`, { extensions: { field: 'channel' } });
    }
    if (!this.vocabulary.purposes.includes(purpose)) {
      throw new BadUserInputError(`purpose: must be one of ${this.vocabulary.purposes.join(', ')}.`, { extensions: { field: 'purpose' } });
    }
    const point = contactPoint === null ? null : normaliseContactPoint(definition.contactPoint, contactPoint);
    // The message never repeats the value: contact points stay out of errors and logs.
    if (contactPoint !== null && point === null) {
      throw new BadUserInputError(`contactPoint: not a valid ${definition.contactPoint} contact point for ${channel}.`, {
        extensions: { field: 'contactPoint' },
      });
    }
    return { kind: definition.contactPoint, point };
  }

  /** A contact point in a filter: normalised for its channel, or as an email or phone when no channel is given. */
  private normaliseAnyContactPoint(value: string, channel: string | null): string {
    const kind = this.vocabulary.channels.find((c) => c.name === channel)?.contactPoint;
    if (kind) return normaliseContactPoint(kind, value) ?? value.trim();
    return normaliseContactPoint('email', value) ?? normaliseContactPoint('phone', value) ?? value.trim();
  }

  private validationContext(author?: ChangeAuthor): ValidationContext {
    return { vocabulary: this.vocabulary, now: this.now(), clockSkewMs: this.clockSkewMs, maxBatchSize: this.maxBatchSize, author };
  }

  private async resolveForRead(customerId: string, field: string): Promise<string> {
    const id = await this.directory.resolveId(customerId);
    if (id === null) throw new NotFoundError(`${field}: no customer with this id.`, { extensions: { field } });
    return id;
  }

  /**
   * Writes validated changes: each customer's in request order as one batch append,
   * several customers at once. Unknown customers are NOT_FOUND per change.
   */
  private async writeAll(changes: ValidChange[]): Promise<ChangeResult[]> {
    const results: ChangeResult[] = new Array(changes.length);
    const requested = [...new Set(changes.map((change) => change.customerId))];
    const resolved = new Map(await Promise.all(requested.map(async (id) => [id, await this.directory.resolveId(id)] as const)));
    const byCustomer = new Map<string, ValidChange[]>();
    for (const change of changes) {
      const customerId = resolved.get(change.customerId) ?? null;
      if (customerId === null) {
        const field = `changes[${change.index}].customerId`;
        results[change.index] = errorOf(change, new NotFoundError(`${field}: no customer with this id.`, { extensions: { field } }));
        continue;
      }
      byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), change]);
    }
    const groups = [...byCustomer.entries()];
    const worker = async () => {
      for (let group = groups.shift(); group; group = groups.shift()) {
        const [customerId, changesOfCustomer] = group;
        const appended = await this.writer.appendMany(customerId, changesOfCustomer);
        for (const [i, outcome] of appended.entries()) {
          const change = changesOfCustomer[i]!;
          results[change.index] =
            outcome instanceof GatewayError ? errorOf(change, outcome) : await this.resultOf(change, outcome.event, outcome.replayed);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.writeConcurrency, groups.length) }, worker));
    return results;
  }

  private async resultOf(change: ValidChange, event: ConsentEventDoc, replayed: boolean): Promise<ChangeResult> {
    return {
      index: change.index,
      customerId: event.customerId,
      eventId: event._id,
      current: event.current,
      replayed,
      confirmationToken: event.consent?.to === 'PENDING' ? await this.tokens.sign(event._id) : null,
      error: null,
    };
  }
}
