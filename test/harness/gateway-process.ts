import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

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

/** Spawns `src/main.ts` with the given environment on top of a quiet default. */
export function spawnGateway(env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src', 'main.ts')], {
    cwd: projectRoot,
    // A small demo population keeps the embedded simulators' start quick.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', POPULATION: '50', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Polls `url` until `accept(status)` holds or the time runs out; returns the last status. */
export async function waitForStatus(url: string, accept: (status: number) => boolean, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline) {
    status = await fetch(url).then((response) => response.status, () => 0);
    if (accept(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status;
}
