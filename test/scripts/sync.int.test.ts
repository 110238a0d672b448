import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectionNames } from '../../src/store/collections';
import { startEmbeddedFerretdb, type EmbeddedFerretdb } from '../../src/store/embedded-ferretdb';
import { MongoStore } from '../../src/store/mongo-store';
import type { RunningSimulators } from '../../simulators/start-simulators';
import { spawnNpmScript, type NpmScriptProcess } from '../harness/gateway-process';
import { startTestSimulators } from '../harness/simulators';

/** Links in the gateway database of the store at `uri`. */
async function linkCount(uri: string): Promise<number> {
  const store = new MongoStore({ uri, dbName: 'gateway' });
  try {
    return await store.collection(collectionNames.identityLinks).countDocuments({});
  } finally {
    await store.close();
  }
}

describe('npm run sync without MONGODB_URI (the embedded store, as npm start uses it)', () => {
  let simulators: RunningSimulators;
  let systems: string;
  const dataDirs: string[] = [];
  const running: NpmScriptProcess[] = [];
  const stores: EmbeddedFerretdb[] = [];
  const newDataDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gateway-sync-'));
    dataDirs.push(dir);
    return dir;
  };
  const sync = async (dataDir: string) => {
    const child = spawnNpmScript('sync', { DATA_DIR: dataDir, SYSTEMS: systems });
    running.push(child);
    const code = await child.exited;
    return { code, ...child.output() };
  };

  beforeAll(async () => {
    simulators = await startTestSimulators({ size: 20 });
    systems = JSON.stringify(simulators.descriptors);
  });
  afterAll(async () => {
    for (const child of running) child.killGroup();
    await Promise.all(stores.map((store) => store.stop()));
    await simulators.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("builds the graph in DATA_DIR's embedded store, started for the sync and stopped after it", async () => {
    const dataDir = newDataDir();
    const { code, stdout, stderr } = await sync(dataDir);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('customers created: ');
    const store = await startEmbeddedFerretdb({ dataDir: path.join(dataDir, 'ferretdb') });
    stores.push(store);
    expect(await linkCount(store.uri)).toBeGreaterThan(20);
  });

  it('uses the store already running on DATA_DIR (a gateway started by npm start) instead of opening its files twice', async () => {
    const dataDir = newDataDir();
    const store = await startEmbeddedFerretdb({ dataDir: path.join(dataDir, 'ferretdb') });
    stores.push(store);
    const { code, stdout, stderr } = await sync(dataDir);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`using the embedded store already running on ${path.join(dataDir, 'ferretdb')} (${store.uri})`);
    expect(await linkCount(store.uri)).toBeGreaterThan(20);
  });
});
