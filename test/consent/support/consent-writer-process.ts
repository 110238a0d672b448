/**
 * A separate gateway-like OS process that writes consent changes to one customer,
 * for the multi-process tests. Configured by environment:
 *   MONGODB_URI, DB_NAME, CUSTOMER_ID, WRITER (a label), COUNT, SEED,
 *   CONCURRENCY (requests in flight in this process, default 1),
 *   CRASH_AFTER (optional: SIGKILL itself right after appending change number CRASH_AFTER + 1,
 *   before folding it).
 * Prints `ready` and waits for a line on stdin, so that several processes start at
 * once; then prints one JSON line per acknowledged change and `done`.
 */
import readline from 'node:readline';
import { MongoStore } from '../../../src/store/mongo-store';
import { ConsentService } from '../../../src/consent/consent-service';
import { acceptAnyCustomer } from '../../../src/identity/customer-directory';
import { randomConsentChange } from './random-consent-change';
import { seededRandom } from './seeded-random';

async function main(): Promise<void> {
  const env = process.env;
  const store = new MongoStore({ uri: env.MONGODB_URI!, dbName: env.DB_NAME! });
  const crashAfter = env.CRASH_AFTER === undefined ? Infinity : Number(env.CRASH_AFTER);
  let appended = 0;
  const consent = new ConsentService({
    store,
    directory: acceptAnyCustomer,
    connectedSystems: () => ['crm', 'esp', 'ciam'],
    afterEventAppended: () => {
      appended += 1;
      if (appended > crashAfter) process.kill(process.pid, 'SIGKILL');
    },
  });
  await store.serverKind(); // connect before the start line, so both processes start writing together
  const random = seededRandom(Number(env.SEED));
  const changes = Array.from({ length: Number(env.COUNT) }, (_, i) =>
    randomConsentChange(random, { customerId: env.CUSTOMER_ID!, idempotencyKey: `${env.WRITER}-${i}`, system: env.WRITER! }),
  );
  process.stdout.write('ready\n');
  await new Promise((resolve) => readline.createInterface({ input: process.stdin }).once('line', resolve));

  let next = 0;
  const worker = async () => {
    for (let i = next++; i < changes.length; i = next++) {
      const [result] = await consent.recordConsent([changes[i]!]);
      process.stdout.write(`${JSON.stringify({ key: changes[i]!.idempotencyKey, ...result })}\n`);
    }
  };
  await Promise.all(Array.from({ length: Number(env.CONCURRENCY ?? 1) }, worker));
  await consent.drain();
  process.stdout.write('done\n');
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
