/**
 * A second gateway process for the concurrency test (identity-concurrency.int.test.ts):
 * resolves round after round of new people against the shared store, each round
 * started at a wall-clock instant both processes agree on, so that they race.
 * Env: MONGODB_URI, DB_NAME, ROUNDS, START_AT (epoch ms), INTERVAL_MS, VARIANT (a|b).
 */
import { IdentityGraph } from '../../src/identity/identity-graph';
import { IdentityResolver } from '../../src/identity/identity-resolver';
import { RecordLinker } from '../../src/identity/record-linker';
import { MongoStore } from '../../src/store/mongo-store';
import { raceRecords } from './race-records';

async function main(): Promise<void> {
  const env = process.env;
  const store = new MongoStore({ uri: env.MONGODB_URI!, dbName: env.DB_NAME! });
  const graph = new IdentityGraph({ store });
  const resolver = new IdentityResolver({ graph, linker: new RecordLinker({ graph }) });
  const rounds = Number(env.ROUNDS);
  const startAt = Number(env.START_AT);
  const interval = Number(env.INTERVAL_MS);
  await store.ping(); // connect before the first round, not during it
  const results: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const wait = startAt + round * interval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const outcomes = await resolver.resolveRecords(raceRecords(round, env.VARIANT as 'a' | 'b'));
    results.push(...outcomes.map((outcome) => outcome.customerId));
  }
  process.stdout.write(`${JSON.stringify({ resolved: results.length })}\n`);
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
