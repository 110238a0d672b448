import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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
});
