import type { ChangedPage, SourceAdapter, SourceRecord } from '../adapters/source-adapter';
import type { IdentityGraph } from './identity-graph';
import type { IdentityResolver } from './identity-resolver';
import type { LinkOutcome } from './record-linker';

/** Options of {@link runBackfill}. */
export interface BackfillOptions {
  graph: IdentityGraph;
  resolver: IdentityResolver;
  /** The sources to page through, in this order. */
  adapters: readonly SourceAdapter[];
  /** Records asked for per page. @default 500 */
  pageSize?: number;
  /** Forget the stored cursors and start every source from its beginning. @default false */
  restart?: boolean;
  /** Budget for one page call, in ms. @default 30000 */
  pageTimeoutMs?: number;
  /** Stops between pages when aborted (the cursor of the last finished page is kept). */
  signal?: AbortSignal;
  /** Called after every page (for a progress bar). */
  onProgress?: (progress: BackfillProgress) => void;
  /** Runs on every linked page before its cursor is stored (so it is redone after a crash: make it idempotent). @default none */
  onPage?: (records: readonly SourceRecord[], outcomes: readonly LinkOutcome[]) => Promise<void>;
  /** The stored cursor's name for a system: another name runs the same pages again (e.g. an import). @default the system's name */
  cursorName?: (system: string) => string;
}

/** Where the backfill is, after a page. */
export interface BackfillProgress {
  system: string;
  /** Records linked from this system in this run. */
  records: number;
  /** How many records the source says it has, when its dialect tells. */
  totalEstimate?: number;
  /** True once this system has no more pages. */
  done: boolean;
}

/** What one run did, per system. */
export interface BackfillReport {
  systems: { system: string; records: number; pages: number; resumed: boolean }[];
  customersCreated: number;
  candidatesRecorded: number;
}

/**
 * Builds the identity graph from every source's records (`npm run sync`). Pages
 * through each source's `changedSince`, links every page, then stores the source's
 * cursor in the store: an interrupted run resumes after the last finished page, and a
 * rerun picks up what changed since (the last page is read again, which relinking
 * makes harmless). Records already linked are left as they are, so reruns are safe.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillReport> {
  const { graph, resolver, adapters, pageSize = 500, restart = false, pageTimeoutMs = 30_000, signal, onProgress, onPage, cursorName = (system) => system } = options;
  const report: BackfillReport = { systems: [], customersCreated: 0, candidatesRecorded: 0 };
  for (const adapter of adapters) {
    const stored = restart ? null : await graph.cursors.findOne({ _id: cursorName(adapter.name) });
    let cursor = stored?.cursor ?? null;
    const entry = { system: adapter.name, records: 0, pages: 0, resumed: cursor !== null };
    report.systems.push(entry);
    for (;;) {
      if (signal?.aborted) return report;
      const page: ChangedPage & { totalEstimate?: number } = await adapter.changedSince(cursor, {
        pageSize,
        signal: AbortSignal.timeout(pageTimeoutMs),
      });
      const outcomes = await resolver.resolvePage(page.records);
      await onPage?.(page.records, outcomes);
      report.customersCreated += outcomes.filter((outcome) => outcome.createdCustomerId).length;
      report.candidatesRecorded += outcomes.reduce((sum, outcome) => sum + outcome.candidatesRecorded, 0);
      entry.records += page.records.length;
      entry.pages++;
      const done = page.nextCursor === null;
      // At the end keep the last page's cursor: the next run starts there and sees later changes.
      cursor = page.nextCursor ?? cursor;
      await graph.cursors.updateOne(
        { _id: cursorName(adapter.name) },
        { $set: { cursor, done, updatedAt: new Date() }, $inc: { records: page.records.length } },
        { upsert: true },
      );
      onProgress?.({ system: adapter.name, records: entry.records, totalEstimate: page.totalEstimate, done });
      if (done) break;
    }
  }
  return report;
}
