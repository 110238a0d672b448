import { setMaxListeners } from 'node:events';
import DataLoader from 'dataloader';
import type { SourceAdapter, SourceRecord } from '../adapters/source-adapter';
import { SourceError } from '../adapters/http/source-error';
import { GatewayError } from '../errors/gateway-error';
import { SourceFetchError } from './source-call';

/** A record as a source loader answers it: the record (null when the source no longer has it) and the call's latency. */
export interface FetchedRecord {
  record: SourceRecord | null;
  latencyMs: number;
}

/** Options of {@link createProfileLoaders}. */
export interface ProfileLoadersOptions {
  /** Time budget per source call, in ms, by system name. @default {} (every source: defaultBudgetMs) */
  budgetsMs?: Readonly<Record<string, number>>;
  /** Time budget of a source not named in `budgetsMs`, in ms. @default 1500 */
  defaultBudgetMs?: number;
}

/** The per-request loaders: one per source, keyed by record id. */
export type ProfileLoaders = ReadonlyMap<string, DataLoader<string, FetchedRecord>>;

/**
 * One DataLoader per source for one request (never shared across requests or callers,
 * as dataloader's README advises). Each batch is one `fetchByIds` call, bounded by the
 * source's time budget through an AbortSignal; the answers come back in key order. A
 * failed or timed-out call answers a {@link SourceFetchError} for each of its keys, so
 * the caller can leave that source out and say why. The cache means a record is
 * fetched at most once per request, and identical concurrent loads share one call.
 */
export function createProfileLoaders(adapters: readonly SourceAdapter[], options: ProfileLoadersOptions = {}): ProfileLoaders {
  const { budgetsMs = {}, defaultBudgetMs = 1500 } = options;
  return new Map(
    adapters.map((adapter) => {
      const budgetMs = budgetsMs[adapter.name] ?? defaultBudgetMs;
      const batch = async (ids: readonly string[]): Promise<(FetchedRecord | Error)[]> => {
        const started = performance.now();
        const signal = AbortSignal.timeout(budgetMs);
        // Dialects without a batch read make one call per id, each listening on the signal.
        setMaxListeners(0, signal); // unbounded: the signal lives for this one batch only
        try {
          const records = await raceBudget(adapter.fetchByIds(ids, { signal }), signal);
          const latencyMs = Math.round(performance.now() - started);
          if (records.length !== ids.length) throw new Error(`answered ${records.length} records for ${ids.length} ids`);
          return records.map((record) => ({ record, latencyMs }));
        } catch (error) {
          const latencyMs = Math.round(performance.now() - started);
          const timedOut = signal.aborted || (error instanceof SourceError && error.kind === 'TIMEOUT');
          const failure = new SourceFetchError({
            system: adapter.name,
            status: timedOut ? 'TIMEOUT' : 'ERROR',
            latencyMs,
            error: timedOut ? `${adapter.name} did not answer within its ${budgetMs} ms budget` : `${adapter.name} failed: ${describe(error)}`,
          });
          return ids.map(() => failure);
        }
      };
      return [adapter.name, new DataLoader<string, FetchedRecord>(batch, { name: `source:${adapter.name}` })];
    }),
  );
}

/** Settles when the call does or the budget runs out, whichever is first: an adapter that ignores the signal cannot hold the answer. */
function raceBudget<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** An error's message without personal data: gateway errors name systems and statuses, never values; others are masked. */
function describe(error: unknown): string {
  return error instanceof GatewayError ? error.message : 'unexpected error (details in the gateway log)';
}
