import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedFerretdb } from '../../src/store/embedded-ferretdb';

const root = path.resolve(__dirname, '..', '..');

/** True while something accepts connections on the loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the embedded FerretDB', () => {
  it('stops with the process that started it, when that process exits without stopping it', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gateway-orphan-check-'));
    try {
      // A process that starts the store, then exits as a failed start would: process.exit, no stop().
      const { stdout, status } = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `require('./src/store/embedded-ferretdb').startEmbeddedFerretdb({ dataDir: ${JSON.stringify(dataDir)} })
             .then((store) => { process.stdout.write(String(store.port)); process.exit(3); });`,
        ],
        { cwd: root, encoding: 'utf8', timeout: 60_000 },
      );
      expect(status).toBe(3);
      const port = Number(stdout);
      expect(port).toBeGreaterThan(0);

      const deadline = Date.now() + 10_000;
      while ((await listening(port)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await listening(port)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a second store on a data directory in use, naming the running one and what to do', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gateway-second-store-'));
    const store = await startEmbeddedFerretdb({ dataDir });
    try {
      const error = await startEmbeddedFerretdb({ dataDir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(dataDir);
      expect((error as Error).message).toContain(store.uri);
      expect((error as Error).message).toContain('MONGODB_URI');
    } finally {
      await store.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('lets the next store start once the previous one stopped', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gateway-next-store-'));
    try {
      await (await startEmbeddedFerretdb({ dataDir })).stop();
      const next = await startEmbeddedFerretdb({ dataDir });
      await next.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
