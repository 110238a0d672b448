import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { MongoStore } from '../src/store/mongo-store';
import { collectionNames } from '../src/store/collections';
import { ConsentService } from '../src/consent/consent-service';
import { consentKey, eventIdOf, type ConsentEventDoc, type ConsentStateDoc } from '../src/consent/consent-model';
import { emptyConsentState, foldConsentEvents } from '../src/consent/fold-consent-events';
import type { ConsentChangeInput } from '../src/consent/consent-inputs';
import { fmt, throughput, timeRuns } from './measure';

/** Options of {@link runConsentScenario}. */
export interface ConsentScenarioOptions {
  store: MongoStore;
  /** Customers in the store. @default 100000 */
  customers?: number;
  /** Where progress and results go. @default stdout */
  print?: (line: string) => void;
  /** Which parts to run. @default ['eligibility', 'writes'] */
  parts?: readonly ('eligibility' | 'writes')[];
}

const seedVersion = 'consent-seed-v1';
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
 * Seeds `customers` customers with 2 consent events each (log and folded state, as the
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
  const states = store.collection<ConsentStateDoc>(collectionNames.consentState);
  const random = seeded(1);
  const started = Date.now();
  const batch = 2000;
  for (let from = 0; from < customers; from += batch / 2) {
    const eventBatch: ConsentEventDoc[] = [];
    const stateBatch: ConsentStateDoc[] = [];
    for (let i = from; i < Math.min(customers, from + batch / 2); i++) {
      const id = customerId(i);
      const log: ConsentEventDoc[] = [];
      for (let seq = 1; seq <= 2; seq++) {
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
      stateBatch.push(foldConsentEvents(emptyConsentState(id), log));
    }
    await events.insertMany(eventBatch, { ordered: false });
    await states.insertMany(stateBatch, { ordered: false });
    if ((from / (batch / 2)) % 10 === 0) print(`seed: ${from + stateBatch.length} / ${customers} customers (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  await meta.insertOne({ _id: seedVersion, customers });
  print(`seed: ${customers} customers (${customers * 2} events) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
  parts = ['eligibility', 'writes'],
}: ConsentScenarioOptions): Promise<void> {
  await store.ensureIndexes();
  await seed(store, customers, print);
  const consent = new ConsentService({ store, connectedSystems: () => ['crm', 'esp', 'ciam'] });
  const states = store.collection<ConsentStateDoc>(collectionNames.consentState);
  const random = seeded(2);
  const pickIds = (count: number) => Array.from({ length: count }, () => customerId(Math.floor(random() * customers)));
  const kind = await store.serverKind();
  print(`\nconsent scenario on ${kind}, ${customers} customers`);

  if (parts.includes('eligibility')) await eligibilityPart(consent, states, pickIds, print);
  if (parts.includes('writes')) await writesPart(store, consent, customers, random, print);
}

async function eligibilityPart(
  consent: ConsentService,
  states: Collection<ConsentStateDoc>,
  pickIds: (count: number) => string[],
  print: (line: string) => void,
): Promise<void> {
  print('\n-- contactEligibility vs plain find({_id: {$in}}) of the same state documents (ms per batch)');
  print('   ids        what                              runs       p50       p99   ratio(p50)');
  for (const [size, runs] of [[1000, 3], [10_000, 3]] as const) {
    const ids = pickIds(size);
    const plain = await timeRuns(runs, () => states.find({ _id: { $in: ids } }, { batchSize: size, limit: size }).toArray());
    const eligibility = await timeRuns(runs, () => consent.contactEligibility(ids, 'EMAIL', 'MARKETING'));
    print(`${String(size).padStart(6)}     plain find $in                   ${String(plain.runs).padStart(6)} ${fmt(plain.p50)} ${fmt(plain.p99)}`);
    print(`${String(size).padStart(6)}     contactEligibility               ${String(eligibility.runs).padStart(6)} ${fmt(eligibility.p50)} ${fmt(eligibility.p99)} ${fmt(eligibility.p50 / plain.p50, 2)}x`);
  }
}

async function writesPart(store: MongoStore, consent: ConsentService, customers: number, random: () => number, print: (line: string) => void): Promise<void> {
  // One in flight by default: on FerretDB v1 with 100,000 states, 8 consent writes in flight
  // queue on SQLite's write lock (each update scans inside its transaction) past FerretDB's
  // 10 s busy_timeout and fail with SQLITE_BUSY.
  const inFlight = Number(process.env.BENCH_WRITES_IN_FLIGHT ?? 1);
  print(`\n-- writes per second, ${inFlight} in flight (each consent write: write mark, event, 2 outbox rows, state)`);
  // Few consent writes: on FerretDB v1 each one scans (see ConsentRepository), so they take seconds at this size.
  const writes = Number(process.env.BENCH_CONSENT_WRITES ?? 40);
  await store.db.collection('bench_plain_inserts').drop().catch(() => undefined);
  const scratch = await store.db.createCollection('bench_plain_inserts'); // not implicitly, by 8 inserts at once
  const plainRate = await throughput(400, inFlight, (i) => scratch.insertOne({ _id: randomUUID() as never, customerId: customerId(i), at: new Date() } as never));
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
  print('   what                                              writes/s   ratio');
  print(`   plain insertOne                                  ${fmt(plainRate)}`);
  const consentRate = await throughput(writes, inFlight, async (i) => {
    const [result] = await consent.recordConsent([change(i)]);
    if (result!.error) throw new Error(result!.error.message);
  });
  print(`   recordConsent, one change per request            ${fmt(consentRate)} ${fmt(consentRate / plainRate, 3)}x`);
  // An import for one person: the customer's changes go in as one ordered batch insert.
  const oneCustomer = customerId(Math.floor(random() * customers));
  const batchRate = (await throughput(1, 1, async () => {
    const results = await consent.recordConsent(Array.from({ length: writes }, (_, i) => ({ ...change(i), customerId: oneCustomer })));
    if (results.some((result) => result.error)) throw new Error('batch write failed');
  })) * writes;
  print(`   recordConsent, ${String(writes).padStart(3)} changes of one customer      ${fmt(batchRate)} ${fmt(batchRate / plainRate, 3)}x`);
  await scratch.drop();
}
