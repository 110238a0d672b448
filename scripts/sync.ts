/**
 * `npm run sync`: builds the identity graph from every connected system's records.
 * Resumable (each system's cursor is kept in the store) and safe to rerun; shows a
 * progress bar per system with the rate and, when the source reports its size, the ETA.
 * The store is MONGODB_URI's or, unset, the embedded one under DATA_DIR, as for `npm start`
 * (the running gateway's, if one serves that directory).
 *
 *   SYSTEMS_FILE=systems.json [MONGODB_URI=mongodb://...] npm run sync [-- --restart] [-- --page-size 500]
 */
import { SingleBar, Presets } from 'cli-progress';
import { ConfigError, loadConfig } from '../src/config';
import { createAdapters } from '../src/adapters/create-adapters';
import { loadSystemsConfig } from '../src/adapters/systems-config';
import { runBackfill } from '../src/identity/backfill';
import { loadIdentityConfig } from '../src/identity/identity-config';
import { IdentityGraph } from '../src/identity/identity-graph';
import { IdentityResolver } from '../src/identity/identity-resolver';
import { RecordLinker } from '../src/identity/record-linker';
import { openCommandStore } from '../src/store/command-store';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const restart = args.includes('--restart');
  const sizeAt = args.indexOf('--page-size');
  const pageSize = sizeAt >= 0 ? Number(args[sizeAt + 1]) : 500;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 2000) throw new ConfigError('--page-size must be a whole number from 1 to 2000.');

  const config = loadConfig();
  const systems = loadSystemsConfig();
  if (!systems) {
    throw new ConfigError(
      'Invalid configuration: set SYSTEMS or SYSTEMS_FILE to the connected systems (`npm run simulators` prints them); the embedded demo of `npm start` builds its graph by itself.',
    );
  }
  const identity = loadIdentityConfig();

  const { store, close } = await openCommandStore({
    uri: config.MONGODB_URI,
    dbName: config.MONGODB_DB,
    dataDir: config.DATA_DIR,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const adapters = createAdapters(systems);
  const graph = new IdentityGraph({ store });
  const resolver = new IdentityResolver({ graph, linker: new RecordLinker({ graph, rules: identity.rules, phone: identity.phone }), phone: identity.phone });

  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const started = new Map<string, number>();
  let bar: SingleBar | undefined;
  let barSystem = '';
  const report = await runBackfill({
    graph,
    resolver,
    adapters,
    pageSize,
    restart,
    signal: stop.signal,
    onProgress: ({ system, records, totalEstimate, done }) => {
      if (system !== barSystem) {
        bar?.stop();
        barSystem = system;
        started.set(system, Date.now());
        bar = new SingleBar(
          { format: `${system.padEnd(12)} [{bar}] {value}/{total} records | {rate} rec/s | ETA {eta_formatted}`, hideCursor: true },
          Presets.shades_classic,
        );
        bar.start(totalEstimate ?? records + pageSize, 0, { rate: '0' });
      }
      const seconds = Math.max((Date.now() - started.get(system)!) / 1000, 0.001);
      // Without a size from the source the total grows a page ahead of what was read.
      bar!.setTotal(done ? records : Math.max(totalEstimate ?? 0, records + (done ? 0 : pageSize)));
      bar!.update(records, { rate: (records / seconds).toFixed(0) });
    },
  });
  bar?.stop();
  for (const { system, records, pages, resumed } of report.systems) {
    process.stdout.write(`${system}: ${records} records in ${pages} pages${resumed ? ' (resumed from the stored cursor)' : ''}\n`);
  }
  process.stdout.write(`customers created: ${report.customersCreated}; candidates for a data steward: ${report.candidatesRecorded}\n`);
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await close();
  if (stop.signal.aborted) process.stdout.write('interrupted: run `npm run sync` again to resume.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `sync failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
