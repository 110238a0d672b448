import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort, startEmbeddedFerretdb, type EmbeddedFerretdb } from '../../src/store/embedded-ferretdb';
import { MongoStore } from '../../src/store/mongo-store';
import { spawnGateway, waitForStatus, type GatewayProcess } from '../harness/gateway-process';

/** The mongodb driver 7 keeps a topology that a failed first connection closed; the store must replace it. */
describe('a store that comes up late, or goes away and comes back', () => {
  it('answers as soon as the server does, after a failed first connection', async () => {
    const port = await freeLoopbackPort();
    const store = new MongoStore({ uri: `mongodb://127.0.0.1:${port}/`, dbName: 'late_store', serverSelectionTimeoutMS: 500 });
    let ferretdb: EmbeddedFerretdb | undefined;
    try {
      await expect(store.ping()).rejects.toThrow();
      await expect(store.ping()).rejects.toThrow(); // the driver's "Topology is closed" state, before the fix for ever
      ferretdb = await startEmbeddedFerretdb({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'late-store-')), port });
      await expect(store.ping()).resolves.toBeUndefined();
      await store.ensureIndexes();
      expect(store.hasIndexes).toBe(true);
    } finally {
      await store.close();
      await ferretdb?.stop();
    }
  });

  describe('the gateway process', () => {
    let gateway: GatewayProcess | undefined;
    let ferretdb: EmbeddedFerretdb | undefined;
    afterAll(async () => {
      gateway?.child.kill('SIGKILL');
      await ferretdb?.stop();
    });

    it('gets ready by itself once a store that starts 30 s after it is up (within 10 s), and again after the store restarts', async () => {
      const storePort = await freeLoopbackPort();
      const port = await freeLoopbackPort();
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'late-store-gw-'));
      gateway = spawnGateway({ PORT: String(port), MONGODB_URI: `mongodb://127.0.0.1:${storePort}/`, MONGODB_DB: 'late_gateway' });
      const readyz = `http://127.0.0.1:${port}/readyz`;
      expect(await waitForStatus(readyz, (status) => status === 503, 20_000)).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      expect(await waitForStatus(readyz, (status) => status > 0, 1000)).toBe(503);

      ferretdb = await startEmbeddedFerretdb({ dataDir, port: storePort });
      const storeUp = Date.now();
      expect(await waitForStatus(readyz, (status) => status === 200, 20_000)).toBe(200);
      // It retries every second; the margin is for a loaded CI machine (the store's own start is counted too).
      expect(Date.now() - storeUp).toBeLessThan(10_000);

      await ferretdb.stop();
      expect(await waitForStatus(readyz, (status) => status === 503, 10_000)).toBe(503);
      ferretdb = await startEmbeddedFerretdb({ dataDir, port: storePort });
      const storeBack = Date.now();
      expect(await waitForStatus(readyz, (status) => status === 200, 20_000)).toBe(200);
      expect(Date.now() - storeBack).toBeLessThan(10_000);
    }, 120_000);
  });
});
