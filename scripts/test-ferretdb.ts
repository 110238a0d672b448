/**
 * `npm run ferretdb:test`: FerretDB's own unit tests of its SQLite backend and of the
 * handler's package (where the patch makes updates atomic), run against the patched source
 * the embedded store is built from (scripts/ferretdb/README.md).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ferretdbSourceDir, installFerretdb } from '../src/store/install-ferretdb';

async function main(): Promise<number> {
  await installFerretdb({ log: (line) => process.stderr.write(`${line}\n`) });
  const sourceDir = ferretdbSourceDir();
  // FerretDB's test helpers find the source root by its .git folder; a released module has none.
  await fs.mkdir(path.join(sourceDir, '.git'), { recursive: true });
  const test = spawn('go', ['test', '-count=1', '-tags', 'ferretdb_debug', './internal/backends/sqlite/...', './internal/handler'], {
    cwd: sourceDir,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  return new Promise((resolve, reject) => {
    test.once('error', reject);
    test.once('exit', (code) => resolve(code ?? 1));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Cannot test FerretDB: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
