import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedFerretdb, type EmbeddedFerretdb } from '../../src/store/embedded-ferretdb';
import { buildWeb } from '../../scripts/build-web';
import { ensureChromium } from '../../scripts/install-chromium';

declare global {
  var embeddedFerretdb: EmbeddedFerretdb | undefined;
}

/**
 * One store for the whole run: MONGODB_URI when set, otherwise a fresh FerretDB
 * (installed on first use) in a temporary directory. Workers inherit MONGODB_URI;
 * each test file then takes a database of its own (test/harness/store.ts).
 */
export default async function globalSetup(): Promise<void> {
  buildWeb({ log: (line) => process.stderr.write(`${line}\n`) }); // the pages the browser tests open
  ensureChromium(); // the browser the browser tests drive
  if (process.env.MONGODB_URI) return;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gateway-test-ferretdb-'));
  globalThis.embeddedFerretdb = await startEmbeddedFerretdb({
    dataDir,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.env.MONGODB_URI = globalThis.embeddedFerretdb.uri;
  process.env.GATEWAY_TEST_STORE = 'embedded';
}
