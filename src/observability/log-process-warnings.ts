import type { Logger } from './logger';

/**
 * Sends the process's warnings (deprecations, MaxListenersExceededWarning, ...) to the
 * log as JSON lines at `warn`, instead of Node's multi-line text on stderr, so that the
 * process's output stays JSON lines only. Node prints warnings from a `warning` listener
 * of its own (unless `--no-warnings`), so removing it silences the printer; the event is
 * still emitted (https://nodejs.org/api/process.html#event-warning).
 * The stack is kept out: it names files, and the warning's name and message say what happened.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    const code = (warning as Error & { code?: string }).code;
    // `type`, not `name`: the logger redacts every `name` one level down as personal data.
    logger.warn({ warning: { type: warning.name, message: warning.message, ...(code && { code }) } }, 'process warning');
  });
}
