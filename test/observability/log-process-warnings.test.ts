import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** Runs a script in a fresh node (jest's sandboxed `process` is not the real one), returning its output. */
function runNode(script: string): { stdout: string; stderr: string } {
  const { stdout, stderr } = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
  return { stdout, stderr };
}

describe('logProcessWarnings', () => {
  it("turns a process warning into one JSON log line at warn, in place of Node's text on stderr", () => {
    const { stdout, stderr } = runNode(`
      const { EventEmitter } = require('node:events');
      const { createLogger } = require('./src/observability/logger');
      const { logProcessWarnings } = require('./src/observability/log-process-warnings');
      logProcessWarnings(createLogger());
      const emitter = new EventEmitter();
      for (let i = 0; i < 11; i++) emitter.on('change', () => undefined);
    `);
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'process warning',
        warning: { type: 'MaxListenersExceededWarning', message: expect.stringContaining('11 change listeners added') },
      }),
    ]);
    expect(stdout).not.toContain('stack');
  });
});
