/**
 * `npm run import-consents`: the consent store's initial load. Pages through every
 * connected system, links each record (as `npm run sync` does) and imports its consent
 * flags as events (method IMPORT, source = that system and record, captured at the
 * record's update time). Resumable (its own cursor per system) and idempotent: a rerun
 * writes nothing twice. The embedded demo does this at every start by itself.
 *
 *   MONGODB_URI=mongodb://... SYSTEMS_FILE=systems.json npm run import-consents [-- --restart]
 */
import { ConfigError, loadConfig } from '../src/config';
import { createAdapters } from '../src/adapters/create-adapters';
import { loadSystemsConfig } from '../src/adapters/systems-config';
import { composeServices } from '../src/compose-services';
import { importSourceConsents } from '../src/consent/source-consent-import';
import { runBackfill } from '../src/identity/backfill';
import { loadIdentityConfig } from '../src/identity/identity-config';
import { loadProfileConfig } from '../src/profile/profile-config';
import { MongoStore } from '../src/store/mongo-store';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.MONGODB_URI) throw new ConfigError('Invalid configuration: MONGODB_URI is not set; the import writes to that store.');
  const systems = loadSystemsConfig();
  if (!systems) throw new ConfigError('Invalid configuration: set SYSTEMS or SYSTEMS_FILE to the connected systems (`npm run simulators` prints them).');
  const store = new MongoStore({ uri: config.MONGODB_URI, dbName: config.MONGODB_DB });
  await store.ensureIndexes();
  const adapters = createAdapters(systems);
  const { customers, consent } = composeServices({ store, adapters, identity: loadIdentityConfig(), profile: loadProfileConfig() });
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  let imported = 0;
  let skipped = 0;
  const report = await runBackfill({
    graph: customers.graph,
    resolver: customers.resolver,
    adapters,
    restart: process.argv.includes('--restart'),
    cursorName: (system) => `import-consents:${system}`,
    signal: stop.signal,
    onPage: async (records, outcomes) => {
      const page = await importSourceConsents(consent, records.map((record, i) => ({ record, customerId: outcomes[i]!.customerId })));
      imported += page.imported;
      skipped += page.skipped;
    },
    onProgress: ({ system, records }) => process.stdout.write(`${system}: ${records} records\n`),
  });
  process.stdout.write(`records read: ${report.systems.reduce((sum, s) => sum + s.records, 0)}; consent events imported: ${imported}; flags the store cannot hold: ${skipped}\n`);
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await store.close();
  if (stop.signal.aborted) process.stdout.write('interrupted: run `npm run import-consents` again to resume.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `import failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
