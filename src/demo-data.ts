import type { SourceAdapter } from './adapters/source-adapter';
import type { ConsentService } from './consent/consent-service';
import { importSourceConsents } from './consent/source-consent-import';
import { runBackfill } from './identity/backfill';
import type { IdentityGraph } from './identity/identity-graph';
import type { IdentityResolver } from './identity/identity-resolver';
import type { Logger } from './observability/logger';

/** Options of {@link loadDemoData}. */
export interface LoadDemoDataOptions {
  graph: IdentityGraph;
  resolver: IdentityResolver;
  consent: ConsentService;
  /** The embedded simulators' adapters. */
  adapters: readonly SourceAdapter[];
  logger: Logger;
  /** Stops between pages (shutdown); the stored cursors let the next start resume. */
  signal: AbortSignal;
}

/**
 * The embedded demo's data, before the gateway says it is ready: every simulator's
 * records linked into the identity graph (searchable and merged) and their consent
 * flags imported into the consent store (method IMPORT), one pass over each source.
 * Progress goes to the log, one JSON line per page. Resumes where a stopped start left
 * off; a start on a loaded data directory only reads the sources' latest page again.
 */
export async function loadDemoData({ graph, resolver, consent, adapters, logger, signal }: LoadDemoDataOptions): Promise<void> {
  const started = Date.now();
  let imported = 0;
  let skipped = 0;
  const report = await runBackfill({
    graph,
    resolver,
    adapters,
    signal,
    onPage: async (records, outcomes) => {
      const page = await importSourceConsents(consent, records.map((record, i) => ({ record, customerId: outcomes[i]!.customerId })));
      imported += page.imported;
      skipped += page.skipped;
    },
    onProgress: ({ system, records, totalEstimate, done }) =>
      logger.info({ system, records, total: totalEstimate ?? null, done }, `loading demo data: ${system} ${records}${totalEstimate ? ` of ${totalEstimate}` : ''} records`),
  });
  if (signal.aborted) return;
  logger.info(
    { systems: report.systems, customersCreated: report.customersCreated, consentsImported: imported, consentFlagsSkipped: skipped, ms: Date.now() - started },
    'demo data loaded: identity graph built and source consents imported',
  );
}
