import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { promises as fs, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const run = promisify(execFile);

/** The exact FerretDB release the project is built and tested on. */
export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

/**
 * The project's patch to FerretDB's SQLite backend (scripts/ferretdb/README.md): whole files
 * laid over the v1.24.2 source. Each replaced file must be exactly v1.24.2's (its SHA-256
 * here), so the patch never lands on another version's code by mistake; null marks an added file.
 */
const patchDir = path.resolve(__dirname, '..', '..', 'scripts', 'ferretdb', 'overlay');
const patchedFiles: Readonly<Record<string, string | null>> = Object.freeze({
  'internal/backends/sqlite/collection.go': '7b65c249d047b4ec47d1e6833e945ac7d2613ab2ca3032c64ee526311bd04177',
  'internal/backends/sqlite/metadata/metadata.go': '2a831ed534120b6adf5c819fbfc002894efe54ee03490d8526b977653e73c527',
  'internal/backends/sqlite/pushdown.go': null,
  'internal/backends/sqlite/pushdown_test.go': null,
  'internal/backends/sqlite/write_lock.go': null,
  'internal/backends/sqlite/write_lock_test.go': null,
  'internal/handler/msg_buildinfo.go': '96fb475b03e8a573652a717bed9ebf8732e045b94e58e045daae70cdc86a9a19',
  'internal/handler/msg_findandmodify.go': '8ca5e8dcc03a6098b13e3646954a94db6e6616e8018d67917a80d5375d0119b9',
  'internal/handler/msg_update.go': '8758eeae40c6b02df7313ab10558a391adb86d2ede3fe480f7d8d5ef651ac096',
  'internal/handler/update_lock.go': null,
  'internal/handler/update_lock_test.go': null,
  'internal/util/resource/resource.go': '0d9f95cef87362b4670eaac8884601170987118ef4cdd3acefc52ef454e30364',
});

/**
 * The build's name: the release plus a digest of the patch, so that a cached build of an
 * older patch (or of the unpatched release) is never reused.
 */
export const FERRETDB_BUILD = `ferretdb-${FERRETDB_VERSION}-indexed-${patchDigest()}`;

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
 * would write, lay the project's patch over it (no `patch` or `git` needed), and build
 * there. Same go.sum.
 */
export async function installFerretdb({ toolsDir = defaultToolsDir, log = () => {} }: InstallFerretdbOptions = {}): Promise<string> {
  const binary = path.join(toolsDir, 'bin', FERRETDB_BUILD);
  if (existsSync(binary)) return binary;

  const lock = path.join(toolsDir, 'ferretdb-install.lock');
  await fs.mkdir(toolsDir, { recursive: true });
  await acquireLock(lock, log);
  try {
    if (existsSync(binary)) return binary; // another process built it while we waited
    log(`Building FerretDB ${FERRETDB_VERSION} with the project's patch (indexes, queued writers, atomic updates, no resource tracking), with ${await goVersion()} (once, about two minutes)...`);
    const { stdout } = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
      maxBuffer: 1 << 20,
    });
    const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
    const sourceDir = ferretdbSourceDir(toolsDir);
    await fs.rm(sourceDir, { recursive: true, force: true });
    await fs.cp(moduleDir, sourceDir, { recursive: true });
    await makeWritable(sourceDir);
    await fs.writeFile(path.join(sourceDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    await applyPatch(sourceDir);

    const partial = `${binary}.partial`;
    await fs.mkdir(path.dirname(binary), { recursive: true });
    await run('go', ['build', '-trimpath', '-o', partial, './cmd/ferretdb'], {
      cwd: sourceDir,
      maxBuffer: 16 << 20,
      env: { ...process.env, CGO_ENABLED: '0' },
    });
    await fs.rename(partial, binary); // atomic: a crash never leaves half a binary under the real name
    await removeOtherBuilds(path.dirname(binary), path.basename(binary));
    log(`FerretDB ${FERRETDB_VERSION} (patched) installed at ${binary}`);
    return binary;
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

/** Where the patched source of the build is kept (FerretDB's own tests run there, `npm run ferretdb:test`). */
export function ferretdbSourceDir(toolsDir = defaultToolsDir): string {
  return path.join(toolsDir, 'src', FERRETDB_BUILD);
}

/** Lays the patch's files over the release source, after checking each replaced file is v1.24.2's. */
async function applyPatch(sourceDir: string): Promise<void> {
  for (const [file, originalSha256] of Object.entries(patchedFiles)) {
    const target = path.join(sourceDir, file);
    if (originalSha256 !== null) {
      const actual = sha256(await fs.readFile(target));
      if (actual !== originalSha256) {
        throw new Error(`FerretDB source file ${file} is not v1.24.2's (sha256 ${actual}); the project's patch does not apply.`);
      }
    } else if (existsSync(target)) {
      throw new Error(`FerretDB source already has ${file}; the project's patch does not apply.`);
    }
    await fs.copyFile(path.join(patchDir, file), target);
  }
}

/** Deletes the binaries and sources of older builds (the unpatched release, older patches). */
async function removeOtherBuilds(binDir: string, keep: string): Promise<void> {
  for (const dir of [binDir, path.join(binDir, '..', 'src')]) {
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (name.startsWith('ferretdb-') && name !== keep && !name.endsWith('.partial')) {
        await fs.rm(path.join(dir, name), { recursive: true, force: true });
      }
    }
  }
}

/** Eight hex digits that change whenever a patch file does. */
function patchDigest(): string {
  const hash = createHash('sha256');
  for (const file of Object.keys(patchedFiles).sort()) hash.update(file).update(readFileSync(path.join(patchDir, file)));
  return hash.digest('hex').slice(0, 8);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
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
