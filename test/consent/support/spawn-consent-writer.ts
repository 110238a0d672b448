import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../../harness/gateway-process';

/** One acknowledged change, as a writer process printed it. */
export interface AckedChange {
  key: string;
  eventId: string | null;
  error: unknown;
}

/** A writer process (consent-writer-process.ts): started, waiting for `go()`. */
export interface ConsentWriterProcess {
  /** Resolves once the process has connected and waits for the start line. */
  ready: Promise<void>;
  go(): void;
  /** Resolves when the process ends: its exit code or signal, what it acknowledged, and stderr. */
  finished: Promise<{ exit: number | string; acked: AckedChange[]; stderr: string }>;
}

/** Spawns a writer process with tsx against the given store and database. */
export function spawnConsentWriter(env: Record<string, string>): ConsentWriterProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'consent-writer-process.ts')], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const acked: AckedChange[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'ready') markReady();
    else if (line.startsWith('{')) acked.push(JSON.parse(line) as AckedChange);
  });
  const finished = new Promise<{ exit: number | string; acked: AckedChange[]; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => {
      markReady(); // never leave a test waiting on a process that died early
      resolve({ exit: code ?? signal ?? 'unknown', acked, stderr });
    }),
  );
  return { ready, go: () => child.stdin.end('go\n'), finished };
}
