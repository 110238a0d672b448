import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { MongoStore } from '../src/store/mongo-store';
import { collectionNames } from '../src/store/collections';
import { ConsentService } from '../src/consent/consent-service';
import { consentKey, eventIdOf, type ConsentEventDoc } from '../src/consent/consent-model';
import { emptyConsentState, foldConsentEvents } from '../src/consent/fold-consent-events';
import { toStoredState, type StoredStateDoc } from '../src/consent/stored-state';
import type { ConsentChangeInput } from '../src/consent/consent-inputs';
import { findWhereIn } from '../src/store/batched-reads';
import { fmt, throughput, timeInTurns, timeRuns, type Timing } from './measure';

/** A part of the consent scenario. */
export type ConsentBenchPart = 'primitives' | 'eligibility' | 'writes';

/** Options of {@link runConsentScenario}. */
export interface ConsentScenarioOptions {
  store: MongoStore;
  /** Customers in the store. @default 100000 */
  customers?: number;
  /** Where progress and results go. @default stdout */
  print?: (line: string) => void;
  /** Which parts to run. @default ['primitives', 'eligibility', 'writes'] */
  parts?: readonly ConsentBenchPart[];
}

const seedVersion = 'consent-seed-v3'; // v3: 3 events a customer, states in their stored form (src/consent/stored-state.ts)
const channels = ['EMAIL', 'SMS', 'PUSH'] as const;

/** The bench's deterministic customer ids. */
const customerId = (i: number) => `bench-${String(i).padStart(6, '0')}`;

/** A small deterministic PRNG, so every run seeds and asks the same. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/**
 * Seeds `customers` customers with 3 consent events each (log and folded state, as the
 * service would write them), with insertMany in batches of 2,000; skipped when a
 * previous run finished seeding the same database.
 */
async function seed(store: MongoStore, customers: number, print: (line: string) => void): Promise<void> {
  const meta = store.db.collection<{ _id: string; customers: number }>('bench_meta');
  if ((await meta.findOne({ _id: seedVersion }))?.customers === customers) {
    print(`seed: reusing ${customers} customers from a previous run`);
    return;
  }
  await store.db.dropDatabase();
  await store.ensureIndexes();
  const events = store.collection<ConsentEventDoc>(collectionNames.consentEvents);
  const states = store.collection<StoredStateDoc>(collectionNames.consentState);
  const random = seeded(1);
  const started = Date.now();
  const batch = 3000;
  for (let from = 0; from < customers; from += batch / 3) {
    const eventBatch: ConsentEventDoc[] = [];
    const stateBatch: StoredStateDoc[] = [];
    for (let i = from; i < Math.min(customers, from + batch / 3); i++) {
      const id = customerId(i);
      const log: ConsentEventDoc[] = [];
      for (let seq = 1; seq <= 3; seq++) {
        const channel = channels[Math.floor(random() * channels.length)]!;
        const capturedAt = new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 300 * 86400_000));
        const status = random() < 0.7 ? 'GRANTED' : 'DENIED';
        log.push({
          _id: eventIdOf(id, seq),
          customerId: id,
          seq,
          kind: 'CONSENT',
          consent: { key: consentKey(channel, 'MARKETING', null), channel, purpose: 'MARKETING', contactPoint: null, from: 'UNKNOWN', to: status, expiresAt: null },
          preferences: null,
          capturedAt,
          recordedAt: capturedAt,
          source: { system: 'crm', recordId: `r-${i}-${seq}` },
          actor: { kind: 'SYSTEM', id: 'import' },
          method: 'IMPORT',
          legalBasis: 'CONSENT',
          evidence: null,
          idempotencyKey: `seed-${id}-${seq}`,
          payloadHash: 'seed',
          current: true,
        });
      }
      eventBatch.push(...log);
      stateBatch.push(toStoredState(foldConsentEvents(emptyConsentState(id), log)));
    }
    await events.insertMany(eventBatch, { ordered: false });
    await states.insertMany(stateBatch, { ordered: false });
    if ((from / (batch / 3)) % 10 === 0) print(`seed: ${from + stateBatch.length} / ${customers} customers (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  await meta.insertOne({ _id: seedVersion, customers });
  print(`seed: ${customers} customers (${customers * 3} events) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The consent benchmark (issue 6, item 8): eligibility against the plainest read of
 * the same state documents, and consent writes against plain inserts, on one store,
 * measured in the same run.
 */
export async function runConsentScenario({
  store,
  customers = 100_000,
  print = (line) => process.stdout.write(`${line}\n`),
  parts = ['primitives', 'eligibility', 'writes'],
}: ConsentScenarioOptions): Promise<void> {
  await store.ensureIndexes();
  await seed(store, customers, print);
  const consent = new ConsentService({ store, connectedSystems: () => ['crm', 'esp', 'ciam'] });
  const states = store.collection<StoredStateDoc>(collectionNames.consentState);
  const random = seeded(2);
  const pickIds = (count: number) => Array.from({ length: count }, () => customerId(Math.floor(random() * customers)));
  const kind = await store.serverKind();
  print(`\nconsent scenario on ${kind}, ${customers} customers`);

  if (parts.includes('primitives')) await primitivesPart(store, customers, print);
  if (parts.includes('eligibility')) await eligibilityPart(consent, states, pickIds, print);
  if (parts.includes('writes')) await writesPart(store, consent, customers, random, print);
}

/**
 * The store operations the hot paths are made of, on the seeded collections: what the
 * embedded store's index patch changes (scripts/ferretdb/README.md). Run against an
 * unpatched FerretDB (MONGODB_URI) for the figures without it.
 */
async function primitivesPart(store: MongoStore, customers: number, print: (line: string) => void): Promise<void> {
  const states = store.collection<StoredStateDoc>(collectionNames.consentState);
  const events = store.collection<ConsentEventDoc>(collectionNames.consentEvents);
  const random = seeded(3);
  const anyone = () => customerId(Math.floor(random() * customers));
  const runs = Number(process.env.BENCH_PRIMITIVE_RUNS ?? 20);
  print(`\n-- store primitives on ${customers} customers, ${customers * 3}+ events (ms)`);
  print('   what                                               runs       p50       p99');
  const line = (what: string, timing: { runs: number; p50: number; p99: number }) =>
    print(`   ${what.padEnd(48)} ${String(timing.runs).padStart(6)} ${fmt(timing.p50, 2)} ${fmt(timing.p99, 2)}`);
  line('findOne({_id}) of a state', await timeRuns(runs, () => states.findOne({ _id: anyone() })));
  line("updateOne({_id}) of a state", await timeRuns(runs, () => states.updateOne({ _id: anyone() }, { $set: { touchedAt: new Date() } })));
  line("a customer's events after a seq, by customerId", await timeRuns(runs, () => events.find({ customerId: anyone(), seq: { $gt: 1 } }).sort({ seq: 1 }).toArray()));
  line('an event by idempotencyKey', await timeRuns(runs, () => events.findOne({ idempotencyKey: `seed-${anyone()}-1` })));
  for (const size of [1000, 10_000]) {
    const ids = Array.from({ length: size }, anyone);
    line(`find({_id: {$in}}) of ${size} states, one query`, await timeRuns(Math.max(2, runs / 10), () => states.find({ _id: { $in: ids } }, { batchSize: size }).toArray()));
  }
}

async function eligibilityPart(
  consent: ConsentService,
  states: Collection<StoredStateDoc>,
  pickIds: (count: number) => string[],
  print: (line: string) => void,
): Promise<void> {
  print('\n-- contactEligibility vs the plainest read of the same state documents: by _id, in $in batches of 1,000 (ms per request)');
  print('   ids        what                              runs       p50       p99   ratio(p50)');
  for (const [size, runs] of [[1000, 5], [10_000, 5]] as const) {
    const ids = pickIds(size);
    const [plain, eligibility] = (await timeInTurns(runs, [
      () => findWhereIn(states, '_id', ids, { projection: { _id: 1, consents: 1 } }),
      () => consent.contactEligibility(ids, 'EMAIL', 'MARKETING'),
    ])) as [Timing, Timing];
    print(`${String(size).padStart(6)}     plain find by _id in batches     ${String(plain.runs).padStart(6)} ${fmt(plain.p50)} ${fmt(plain.p99)}`);
    print(`${String(size).padStart(6)}     contactEligibility               ${String(eligibility.runs).padStart(6)} ${fmt(eligibility.p50)} ${fmt(eligibility.p99)} ${fmt(eligibility.p50 / plain.p50, 2)}x`);
  }
}

async function writesPart(store: MongoStore, consent: ConsentService, customers: number, random: () => number, print: (line: string) => void): Promise<void> {
  const writes = Number(process.env.BENCH_CONSENT_WRITES ?? 400);
  const change = (i: number): ConsentChangeInput => ({
    customerId: customerId(Math.floor(random() * customers)),
    channel: channels[i % channels.length]!,
    purpose: 'MARKETING',
    status: i % 2 ? 'GRANTED' : 'DENIED',
    capturedAt: new Date(),
    source: { system: 'bench', recordId: `w-${i}` },
    actor: { kind: 'SYSTEM', id: 'bench' },
    method: 'API',
    idempotencyKey: randomUUID(),
  });
  print(`\n-- consent writes vs plain inserts (each consent write, 3 round trips: its mark beside the state read; the event; the state beside 2 outbox rows and a feed entry; ${writes} writes)`);
  print('   writers  what                                   writes/s    p50 ms    p99 ms   ratio(rate)  ratio(p99)');
  for (const writers of [1, 8]) {
    await store.db.collection('bench_plain_inserts').drop().catch(() => undefined);
    const scratch = await store.db.createCollection('bench_plain_inserts'); // not implicitly, by 8 inserts at once
    const plain = await throughput(writes, writers, (i) => scratch.insertOne({ _id: randomUUID() as never, customerId: customerId(i), at: new Date() } as never));
    const written = await throughput(writes, writers, async (i) => {
      const [result] = await consent.recordConsent([change(i)]);
      if (result!.error) throw new Error(result!.error.message);
    });
    print(`${String(writers).padStart(9)}  plain insertOne                       ${fmt(plain.rate)} ${fmt(plain.p50, 2)} ${fmt(plain.p99, 2)}`);
    print(`${String(writers).padStart(9)}  recordConsent, one change a request   ${fmt(written.rate)} ${fmt(written.p50, 2)} ${fmt(written.p99, 2)} ${fmt(written.rate / plain.rate, 3)}x  ${fmt(written.p99 / plain.p99, 2)}x`);
    await scratch.drop();
  }
  // An import for one person: the customer's changes go in as one ordered batch insert.
  const oneCustomer = customerId(Math.floor(random() * customers));
  const batch = await throughput(1, 1, async () => {
    const results = await consent.recordConsent(Array.from({ length: 40 }, (_, i) => ({ ...change(i), customerId: oneCustomer })));
    if (results.some((result) => result.error)) throw new Error('batch write failed');
  });
  print(`        1  recordConsent, 40 changes of one customer ${fmt(batch.rate * 40)} changes/s`);
}
