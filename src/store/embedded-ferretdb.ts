import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { lockEmbeddedStore } from './embedded-store-lock';
import { installFerretdb, type InstallFerretdbOptions } from './install-ferretdb';

/** Options of {@link startEmbeddedFerretdb}. */
export interface EmbeddedFerretdbOptions extends InstallFerretdbOptions {
  /** Its own data directory (SQLite files, state, log). */
  dataDir: string;
  /** Loopback port to listen on; 0 picks a free one. @default 0 */
  port?: number;
}

/** A running FerretDB child process. */
export interface EmbeddedFerretdb {
  /** `mongodb://127.0.0.1:<port>/` */
  readonly uri: string;
  readonly port: number;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/**
 * Starts FerretDB (SQLite backend) on a loopback port with its own data directory.
 * The flags matter: the defaults would bind the debug port 8088 in every instance
 * and try to send telemetry to the internet. The directory is locked while FerretDB runs
 * (src/store/embedded-store-lock.ts): a second FerretDB on the same files would corrupt
 * them, so a directory a live FerretDB serves throws `EmbeddedStoreInUseError`, naming its URI.
 */
export async function startEmbeddedFerretdb(options: EmbeddedFerretdbOptions): Promise<EmbeddedFerretdb> {
  const binary = await installFerretdb(options);
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  const port = options.port || (await freeLoopbackPort());
  const uri = `mongodb://127.0.0.1:${port}/`;
  const lock = await lockEmbeddedStore(dataDir, uri);
  const logFd = openSync(path.join(dataDir, 'ferretdb.log'), 'a');
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
      `--state-dir=${dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  stopWithThisProcess(child);
  // Released once FerretDB has exited; a lock left by a killed process names a dead pid and is taken over.
  child.once('exit', lock.release);
  try {
    if (child.pid !== undefined) await lock.setOwnerPid(child.pid);
    await waitForPort(port, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    uri,
    port,
    stop: () => stopProcess(child),
  };
}

/** FerretDB children still running, stopped when this process exits (see {@link stopWithThisProcess}). */
const runningChildren = new Set<ChildProcess>();

/**
 * The store must not outlive the process that started it: if this process exits without
 * `stop()` (`process.exit` during start-up or shutdown, an uncaught exception), its
 * `exit` handler sends the child SIGTERM, which FerretDB handles by closing cleanly on its
 * own. One listener for all children, so that many stores in one process (tests) do not
 * trip the MaxListeners warning. A SIGKILL of this process cannot be caught; the child
 * then stays in its process group, which a process manager's group kill reaches.
 */
function stopWithThisProcess(child: ChildProcess): void {
  if (runningChildren.size === 0) process.on('exit', stopRunningChildren);
  runningChildren.add(child);
  child.once('exit', () => {
    runningChildren.delete(child);
    if (runningChildren.size === 0) process.off('exit', stopRunningChildren);
  });
}

function stopRunningChildren(): void {
  for (const child of runningChildren) child.kill('SIGTERM');
}

/** A port the OS says is free on loopback right now. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`FerretDB exited with code ${child.exitCode} before listening; see ferretdb.log in its data directory.`);
    }
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`FerretDB did not listen on 127.0.0.1:${port} within ${timeoutMs} ms.`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
