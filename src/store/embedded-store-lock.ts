import { promises as fs, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';

/** The lock file in an embedded store's data directory. */
export const LOCK_FILE = 'gateway-store.lock';

/** What the lock file says: the FerretDB process serving the directory, and where. */
export interface EmbeddedStoreOwner {
  /** The FerretDB process (until it is spawned, the process starting it). */
  pid: number;
  /** `mongodb://127.0.0.1:<port>/` */
  uri: string;
}

/** Another live process's FerretDB serves this data directory. */
export class EmbeddedStoreInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: EmbeddedStoreOwner,
  ) {
    super(
      `The embedded store's data directory ${dataDir} is in use by FerretDB process ${owner.pid} at ${owner.uri} ` +
        '(a gateway started by `npm start`?). Two FerretDB processes on one directory would corrupt it: stop that one, ' +
        `set DATA_DIR to another directory, or set MONGODB_URI=${owner.uri} to use the running store ` +
        `(if process ${owner.pid} is not FerretDB, delete ${path.join(dataDir, LOCK_FILE)}).`,
    );
    this.name = 'EmbeddedStoreInUseError';
  }
}

/** A held lock: tell it the FerretDB pid once spawned; release it once FerretDB stopped. */
export interface EmbeddedStoreLock {
  setOwnerPid(pid: number): Promise<void>;
  /** Removes the lock file if it is still this lock's (synchronous: it also runs in an `exit` handler). */
  release(): void;
}

/**
 * Claims `dataDir` for one FerretDB process. The lock file is created exclusively (`wx`),
 * so of two processes starting at once one wins; a lock whose process is gone (a SIGKILL)
 * is stale and taken over. A live owner makes this throw {@link EmbeddedStoreInUseError},
 * which names the running store's URI.
 */
export async function lockEmbeddedStore(dataDir: string, uri: string): Promise<EmbeddedStoreLock> {
  const file = path.join(dataDir, LOCK_FILE);
  let content = JSON.stringify({ pid: process.pid, uri } satisfies EmbeddedStoreOwner);
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(file, content, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 10) throw error;
    }
    const owner = await readOwner(file);
    if (owner && isAlive(owner.pid)) throw new EmbeddedStoreInUseError(dataDir, owner);
    if (owner || (await ageMs(file)) > 5000) {
      // Stale (or never finished by a process that died while writing it): move it aside
      // first, so that of two processes taking it over only one removes it.
      const aside = `${file}.stale-${process.pid}`;
      await fs.rename(file, aside).then(() => fs.rm(aside, { force: true }), () => undefined);
    } else {
      await new Promise((resolve) => setTimeout(resolve, 100)); // being written right now
    }
  }
  return {
    async setOwnerPid(pid) {
      const next = JSON.stringify({ pid, uri } satisfies EmbeddedStoreOwner);
      await fs.writeFile(file, next);
      content = next;
    },
    release() {
      try {
        if (readFileSync(file, 'utf8') === content) unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}

/** The owner a lock file names, or null while it is empty or unreadable. */
async function readOwner(file: string): Promise<EmbeddedStoreOwner | null> {
  try {
    const owner = JSON.parse(await fs.readFile(file, 'utf8')) as EmbeddedStoreOwner;
    return Number.isInteger(owner.pid) && typeof owner.uri === 'string' ? owner : null;
  } catch {
    return null;
  }
}

async function ageMs(file: string): Promise<number> {
  const stat = await fs.stat(file).catch(() => null);
  return stat ? Date.now() - stat.mtimeMs : Infinity;
}

/** Whether a process with this pid exists (EPERM: it does, as another user's). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
