import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiKeyStore } from '../../src/access/api-keys';
import type { Role } from '../../src/access/roles';
import { MongoStore } from '../../src/store/mongo-store';

/** The project root. */
export const projectRoot = path.resolve(__dirname, '..', '..');

/** A gateway started as its own OS process, as `npm start` would. */
export interface GatewayProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
}

/** A process started through npm, in a process group of its own, as a process manager starts it. */
export interface NpmScriptProcess extends GatewayProcess {
  /** True while any process of the group (npm, node, FerretDB, ...) is still running. */
  groupAlive(): boolean;
  /** Sends `signal` to the whole group: the cleanup a test does when something was left running. */
  killGroup(signal?: NodeJS.Signals): void;
}

/** The environment of a spawned process: only what it needs, a quiet log and a small demo population. */
function processEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', POPULATION: '50', ...env };
}

/** Collects a child's output and exit. */
function watch(child: ChildProcess): GatewayProcess {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Spawns `src/main.ts` with the given environment on top of a quiet default. */
export function spawnGateway(env: Record<string, string>): GatewayProcess {
  return watch(
    spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src', 'main.ts')], {
      cwd: projectRoot,
      env: processEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/**
 * Runs `npm run <script>` (`npm start` for `start`) with the `npm` on PATH, as a user or a
 * process manager does: npm leads a new process group, and signals go to npm's pid only,
 * so whatever npm runs must get them from npm, not from the group.
 */
export function spawnNpmScript(script: string, env: Record<string, string>): NpmScriptProcess {
  const child = spawn('npm', ['run', script], {
    cwd: projectRoot,
    env: processEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const groupAlive = (): boolean => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false; // ESRCH: no process left in the group
    }
  };
  const killGroup = (signal: NodeJS.Signals = 'SIGKILL'): void => {
    if (groupAlive()) process.kill(-child.pid!, signal);
  };
  return { ...watch(child), groupAlive, killGroup };
}

/** Polls `condition` every 100 ms until it holds or `timeoutMs` passes; returns its last value. */
export async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return condition();
}

/**
 * Polls `url` until `accept(status)` holds or the time runs out; returns the last status.
 * A wait, not a speed check: the default is generous because a start on a loaded 2-core
 * machine (the shared test store busy with another file's processes) took over 30 s.
 */
export async function waitForStatus(url: string, accept: (status: number) => boolean, timeoutMs = 90_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline) {
    status = await fetch(url).then((response) => response.status, () => 0);
    if (accept(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status;
}

/** An API key of `role` in the store a gateway process uses (what `npm run keys -- create` does). */
export async function createApiKey(uri: string, dbName: string, role: Role = 'admin'): Promise<string> {
  const store = new MongoStore({ uri, dbName });
  try {
    return (await new ApiKeyStore(store).create({ name: `test ${role}`, role, createdBy: 'test' })).key;
  } finally {
    await store.close();
  }
}

/** The embedded demo's key of `role`, from `<DATA_DIR>/demo-credentials.json`. */
export function demoCredential(dataDir: string, role: Role = 'admin'): string {
  return (JSON.parse(readFileSync(path.join(dataDir, 'demo-credentials.json'), 'utf8')) as Record<string, string>)[role]!;
}
