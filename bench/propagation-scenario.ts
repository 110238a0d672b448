import { Webhook } from 'standardwebhooks';
import { createAdapters } from '../src/adapters/create-adapters';
import { systemsConfigFromDescriptors } from '../src/adapters/systems-config-from-descriptors';
import { composeServices } from '../src/compose-services';
import { createAccess } from '../src/access/create-access';
import { loadDemoData } from '../src/demo-data';
import { createLogger } from '../src/observability/logger';
import { GatewayMetrics } from '../src/observability/metrics';
import { createGateway } from '../src/server/create-gateway';
import { collectionNames } from '../src/store/collections';
import type { MongoStore } from '../src/store/mongo-store';
import type { DeliveryRowDoc } from '../src/propagation/delivery-row';
import { generatePopulation } from '../simulators/population/generate-population';
import { startSimulators } from '../simulators/start-simulators';
import { newWebhookSecrets } from '../simulators/register-webhooks';
import { fmt, throughput, timeRuns } from './measure';

/** Options of {@link runPropagationScenario}. */
export interface PropagationScenarioOptions {
  /** A store on a database of the scenario's own, empty (the caller drops it afterwards). */
  store: MongoStore;
  /** People in the population. @default 1000 */
  people?: number;
  /** Simulated vendor latency per call, ms. @default 20 */
  vendorLatencyMs?: number;
  /** Consent changes per second, and for how long. @default 50 for 20 s */
  changesPerSecond?: number;
  seconds?: number;
  print?: (line: string) => void;
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;

/**
 * Propagation (issue 12): consent changes recorded at a steady rate while every vendor
 * answers after `vendorLatencyMs`; the lag from recorded to delivered, per delivery,
 * beside one vendor write measured alone in the same run (a delivery cannot be faster
 * than its write: that is the floor); then webhook intake over HTTP (signed Standard
 * Webhooks, each re-reading its record from the vendor), beside one vendor read alone.
 */
export async function runPropagationScenario(options: PropagationScenarioOptions): Promise<void> {
  const { store, people = 1000, vendorLatencyMs = 20, changesPerSecond = 50, seconds = 20, print = (line) => process.stdout.write(`${line}\n`) } = options;
  await store.ensureIndexes();
  const simulators = await startSimulators({ population: generatePopulation({ size: people, seed: 1 }) });
  const adapters = createAdapters(systemsConfigFromDescriptors(simulators.descriptors));
  const secrets = newWebhookSecrets(simulators.descriptors);
  const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  const composed = composeServices({ store, adapters, propagation: { logger, webhookSecrets: secrets, concurrency: Number(process.env.BENCH_DELIVERY_CONCURRENCY ?? 8) } });
  const access = createAccess(store);
  const gateway = await createGateway({
    services: { ...composed.services, accessRecords: access.accessRecords },
    authenticator: access.authenticator,
    store,
    logger,
    metrics: new GatewayMetrics(),
    webhooks: composed.propagation.intake,
  });
  try {
    print(`\n-- propagation: loading ${people} people (graph and imported consents)...`);
    await loadDemoData({ ...composed.customers, consent: composed.consent, adapters, logger, signal: new AbortController().signal });
    const step = (what: string) => process.env.BENCH_LOG_LEVEL && print(`   ${what}`);
    step('listening');
    const { port } = await gateway.listen(0, '127.0.0.1');
    for (const simulator of [simulators.salesforce, simulators.mailchimp, simulators.identity]) simulator.setFaults({ latencyMs: vendorLatencyMs });
    const salesforce = adapters.find((adapter) => adapter.dialect === 'salesforce')!;
    const links = await store.collection<{ customerId: string; recordId: string }>(collectionNames.identityLinks).find({ system: salesforce.name }).toArray();

    step('timing the vendor alone');
    // The floor: one vendor write, and one vendor read, alone.
    const contact = links[0]!.recordId;
    const write = await timeRuns(30, () => salesforce.writeConsent(contact, { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' }));
    const read = await timeRuns(30, () => salesforce.fetchByIds([contact]));

    // Changes at a steady rate, each to a customer with a CRM record (so each reaches 2 systems).
    step('recording');
    composed.propagation.start();
    const total = changesPerSecond * seconds;
    const writes: Promise<unknown>[] = [];
    const started = Date.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / changesPerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      writes.push(
        composed.consent.recordConsent([
          {
            customerId: links[i % links.length]!.customerId,
            channel: 'EMAIL', purpose: 'MARKETING', status: i % 2 ? 'GRANTED' : 'DENIED', capturedAt: new Date(),
            method: 'API', source: { system: 'bench', recordId: `change-${i}` }, actor: { kind: 'SYSTEM', id: 'bench' }, idempotencyKey: `bench-${i}`,
          },
        ]),
      );
    }
    await Promise.all(writes);
    if (process.env.BENCH_LOG_LEVEL) print(`   ${total} changes recorded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const outbox = store.collection<DeliveryRowDoc>(collectionNames.consentOutbox);
    const deadline = Date.now() + 300_000;
    for (let open = 1; open > 0; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      open = await outbox.countDocuments({ status: { $in: ['PENDING', 'DELIVERING'] } });
      if (Date.now() > deadline) throw new Error(`propagation bench: ${open} deliveries still open after 5 minutes`);
      if (process.env.BENCH_LOG_LEVEL) print(`   ${open} deliveries open`);
    }
    const delivered = await outbox.find({ status: 'DELIVERED' }).toArray();
    const lags = delivered.map((row) => row.deliveredAt!.getTime() - row.createdAt.getTime()).sort((a, b) => a - b);
    const superseded = await outbox.countDocuments({ status: 'SUPERSEDED' });
    const span = (Math.max(...delivered.map((row) => row.deliveredAt!.getTime())) - started) / 1000;
    const dead = await outbox.countDocuments({ status: 'DEAD' });
    await composed.propagation.stop();

    print(`\n-- propagation: ${total} consent changes at ${changesPerSecond}/s, every vendor call ${vendorLatencyMs} ms slower (simulated)`);
    print('                              p50 ms    p99 ms');
    print(`   one vendor write alone  ${fmt(write.p50)} ${fmt(write.p99)}   (the floor of a delivery)`);
    print(`   recorded -> delivered   ${fmt(quantile(lags, 0.5))} ${fmt(quantile(lags, 0.99))}   ${delivered.length} deliveries, ${superseded} superseded, ${dead} dead; p50 ${fmt(quantile(lags, 0.5) / write.p50, 1).trim()}x the write (goal: p99 under 1,000 ms)`);

    // Webhook intake over HTTP: signed calls for CRM records, each re-read from the vendor.
    const secret = secrets[salesforce.name]![0]!;
    const webhook = new Webhook(secret);
    const intake = await throughput(500, 8, async (i) => {
      const id = `msg_bench_${i}`;
      const at = new Date();
      const body = JSON.stringify({ type: 'contact.updated', timestamp: at.toISOString(), data: { id: links[i % links.length]!.recordId } });
      const response = await fetch(`http://127.0.0.1:${port}/webhooks/${salesforce.name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': webhook.sign(id, at, body) },
        body,
      });
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      await response.arrayBuffer();
    });
    print(`   deliveries per second   ${fmt(delivered.length / span, 0)}             (${delivered.length} in ${span.toFixed(1)} s from the first change)`);
    print(`   one vendor read alone   ${fmt(read.p50)} ${fmt(read.p99)}   (each webhook re-reads its record)`);
    print(`   webhook intake (8 at once) ${fmt(intake.p50).trim()} p50, ${fmt(intake.p99).trim()} p99 ms: ${fmt(intake.rate, 0).trim()} webhooks/s`);
  } finally {
    await composed.propagation.stop();
    await gateway.stop();
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await simulators.stop();
  }
}
