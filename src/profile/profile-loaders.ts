import DataLoader from 'dataloader';
import type { SourceAdapter, SourceRecord } from '../adapters/source-adapter';
import { SourceError } from '../adapters/http/source-error';
import type { SourceCallAllowance } from '../adapters/http/source-call-allowance';
import { GatewayError } from '../errors/gateway-error';
import { SourceFetchError } from './source-call';

/** A record as a source loader answers it: the record (null when the source no longer has it) and the call's latency. */
export interface FetchedRecord {
  record: SourceRecord | null;
  latencyMs: number;
}

/** Options of {@link createProfileLoaders}. */
export interface ProfileLoadersOptions {
  /** Time budget of each source call, in ms, by system name. @default {} (every source: defaultBudgetMs) */
  budgetsMs?: Readonly<Record<string, number>>;
  /** Time budget of each call to a source not named in `budgetsMs`, in ms. @default 1500 */
  defaultBudgetMs?: number;
}

/** The per-request loaders: one per source, keyed by record id. */
export type ProfileLoaders = ReadonlyMap<string, DataLoader<string, FetchedRecord>>;

/**
 * One DataLoader per source for one request (never shared across requests or callers,
 * as dataloader's README advises). Each batch is one `fetchByIds` call, which makes as
 * few HTTP calls as the dialect allows; the answers come back in key order.
 *
 * The time budget applies to each of those HTTP calls from the moment it is sent, never
 * to the batch as a whole: a batch of 1,000 ids that needs 700 Mailchimp calls through
 * 10 connections waits in the HTTP client's queue (ours, not the vendor's time), and
 * each call still has its full budget. The request's calls share one lane, so another
 * request's calls are served in turn with them rather than after them.
 *
 * A failed or timed-out call answers a {@link SourceFetchError} for each of the batch's
 * keys, so the caller can leave that source out and say why. The cache means a record
 * is fetched at most once per request, and identical concurrent loads share one call.
 * `sourceCalls`, the request's allowance of source calls, is shared by every loader
 * (unlimited when absent).
 */
export function createProfileLoaders(
  adapters: readonly SourceAdapter[],
  options: ProfileLoadersOptions = {},
  sourceCalls?: SourceCallAllowance,
): ProfileLoaders {
  const { budgetsMs = {}, defaultBudgetMs = 1500 } = options;
  const lane = {}; // this request's calls, served in turn with other requests' calls
  return new Map(
    adapters.map((adapter) => {
      const budgetMs = budgetsMs[adapter.name] ?? defaultBudgetMs;
      const batch = async (ids: readonly string[]): Promise<(FetchedRecord | Error)[]> => {
        const started = performance.now();
        try {
          const records = await adapter.fetchByIds(ids, { budgetMs, lane, sourceCalls });
          const latencyMs = Math.round(performance.now() - started);
          if (records.length !== ids.length) throw new Error(`answered ${records.length} records for ${ids.length} ids`);
          return records.map((record) => ({ record, latencyMs }));
        } catch (error) {
          const latencyMs = Math.round(performance.now() - started);
          const reason = error instanceof SourceError ? error.kind : 'UNAVAILABLE';
          const timedOut = reason === 'TIMEOUT';
          const failure = new SourceFetchError({
            system: adapter.name,
            status: timedOut ? 'TIMEOUT' : 'ERROR',
            reason,
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

/**
 * An error's message without personal data, and without its final full stop (reports are
 * clauses the API joins into sentences): gateway errors name systems and statuses, never
 * values; others are masked.
 */
function describe(error: unknown): string {
  const message = error instanceof GatewayError ? error.message : 'unexpected error (details in the gateway log)';
  return message.replace(/\.$/, '');
}
