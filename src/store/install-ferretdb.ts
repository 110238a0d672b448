import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';

const run = promisify(execFile);

/** The exact FerretDB release the project is built and tested on. */
export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

/** Options of {@link installFerretdb}. */
export interface InstallFerretdbOptions {
  /** The git-ignored tools folder. @default '<project>/.tools' */
  toolsDir?: string;
  /** Progress lines go here. @default a no-op */
  log?: (line: string) => void;
}

/** The project's tools folder, next to package.json. */
export const defaultToolsDir = path.resolve(__dirname, '..', '..', '.tools');

/**
 * Returns the path of the FerretDB binary, building it once with the machine's Go
 * toolchain if it is not there yet.
 *
 * Why not a plain `go install ...@v1.24.2`: the released module lacks the generated
 * `build/version/version.txt` (FerretDB issue #4001), so such a binary panics at
 * start, and the install asks the proxy for the module's version list (to check
 * deprecations), which some proxies refuse. So: download exactly v1.24.2, copy its
 * source into the tools folder, write the version file FerretDB's release task
 * would write, and build there. Same source, same go.sum.
 */
export async function installFerretdb({ toolsDir = defaultToolsDir, log = () => {} }: InstallFerretdbOptions = {}): Promise<string> {
  const binary = path.join(toolsDir, 'bin', `ferretdb-${FERRETDB_VERSION}`);
  if (existsSync(binary)) return binary;

  const lock = path.join(toolsDir, 'ferretdb-install.lock');
  await fs.mkdir(toolsDir, { recursive: true });
  await acquireLock(lock, log);
  try {
    if (existsSync(binary)) return binary; // another process built it while we waited
    log(`Building FerretDB ${FERRETDB_VERSION} with ${await goVersion()} (once, about two minutes)...`);
    const { stdout } = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
      maxBuffer: 1 << 20,
    });
    const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
    const sourceDir = path.join(toolsDir, 'src', `ferretdb-${FERRETDB_VERSION}`);
    await fs.rm(sourceDir, { recursive: true, force: true });
    await fs.cp(moduleDir, sourceDir, { recursive: true });
    await makeWritable(sourceDir);
    await fs.writeFile(path.join(sourceDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);

    const partial = `${binary}.partial`;
    await fs.mkdir(path.dirname(binary), { recursive: true });
    await run('go', ['build', '-trimpath', '-o', partial, './cmd/ferretdb'], {
      cwd: sourceDir,
      maxBuffer: 16 << 20,
      env: { ...process.env, CGO_ENABLED: '0' },
    });
    await fs.rename(partial, binary); // atomic: a crash never leaves half a binary under the real name
    log(`FerretDB ${FERRETDB_VERSION} installed at ${binary}`);
    return binary;
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

async function goVersion(): Promise<string> {
  try {
    return (await run('go', ['version'])).stdout.trim();
  } catch {
    throw new Error(
      'Go is needed once to build the embedded FerretDB store, and `go` is not on PATH. ' +
        'Install Go 1.24 or newer, or set MONGODB_URI to an existing MongoDB.',
    );
  }
}

/** mkdir is atomic: the first process to create the folder holds the lock. A stale one (> 15 min) is taken over. */
async function acquireLock(lock: string, log: (line: string) => void): Promise<void> {
  for (let waited = 0; ; waited += 1) {
    try {
      await fs.mkdir(lock);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await fs.stat(lock)).mtimeMs;
      if (age > 15 * 60_000) await fs.rm(lock, { recursive: true, force: true });
      if (waited % 30 === 0) log('Waiting for another process that is building FerretDB...');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function makeWritable(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    await fs.chmod(file, entry.isDirectory() ? 0o755 : 0o644);
  }
  await fs.chmod(dir, 0o755);
}
