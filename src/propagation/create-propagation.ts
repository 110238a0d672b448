import type { SourceAdapter } from '../adapters/source-adapter';
import type { ConsentService } from '../consent/consent-service';
import type { LinkedRecords } from '../identity/linked-records';
import type { Logger } from '../observability/logger';
import type { GatewayMetrics } from '../observability/metrics';
import type { MongoStore } from '../store/mongo-store';
import { startChangePoller, type ChangePoller } from './change-poller';
import { DeliveryLedger } from './delivery-ledger';
import { startDeliveryWorker, type DeliveryWorker } from './delivery-worker';
import { InboundChanges } from './inbound-changes';
import { PropagationService } from './propagation-service';
import { defaultRetrySchedule, type RetrySchedule } from './retry-schedule';
import { TargetValues } from './target-values';
import { WebhookIntake } from './webhook-intake';
import { DeliveryLagWindow } from './delivery-lag-window';
import { PropagationHistory } from './propagation-history';
import { startPropagationSampler, type PropagationSampler } from './propagation-sampler';

/** Options of {@link createPropagation}. */
export interface PropagationOptions {
  store: MongoStore;
  adapters: readonly SourceAdapter[];
  consent: ConsentService;
  records: LinkedRecords;
  logger: Logger;
  metrics?: GatewayMetrics;
  /** When failed deliveries are retried. @default defaultRetrySchedule */
  retry?: RetrySchedule;
  /** Vendor calls in flight at once per system in each process. @default 8 */
  concurrency?: number;
  /** How long a worker's claim on a row lasts; a row whose worker died is taken up again after it. @default 60000 */
  leaseMs?: number;
  /** How often each system is polled for changes, in ms. @default 15000 */
  pollIntervalMs?: number;
  /** Per system: webhook secrets (Mailchimp's URL secret; `whsec_...` signing secrets). @default none */
  webhookSecrets?: Readonly<Record<string, readonly string[]>>;
  /** How often each process samples backlog, dead rows and delivery lag for the propagation history, in ms. @default 60000 */
  sampleEveryMs?: number;
  /** Time budget of each delivery call, in ms. @default 10000 */
  callBudgetMs?: number;
  now?: () => Date;
}

/** Propagation's parts for one process: the ledger's reader, the webhook intake, and the background loops. */
export interface Propagation {
  service: PropagationService;
  intake: WebhookIntake;
  inbound: InboundChanges;
  ledger: DeliveryLedger;
  /** Per minute and system: backlog, dead rows, deliveries and their lag, over every process (the systems map's chart). */
  history: PropagationHistory;
  /** Starts the delivery worker, the change poller and the history sampler (once the store is ready). */
  start(): { poller: ChangePoller; worker: DeliveryWorker; sampler: PropagationSampler };
  /** Stops them, letting deliveries in flight finish. */
  stop(): Promise<void>;
}

/** Wires propagation (DESIGN.md "Propagation"): consent's outbox out to the systems, the systems' changes in. */
export function createPropagation(options: PropagationOptions): Propagation {
  const { store, adapters, consent, records, logger, metrics, retry = defaultRetrySchedule, concurrency, leaseMs, pollIntervalMs, webhookSecrets = {}, sampleEveryMs, callBudgetMs = 10_000, now = () => new Date() } = options;
  const ledger = new DeliveryLedger(store);
  const targetValues = new TargetValues(store);
  const inbound = new InboundChanges({ consent, records, targetValues, metrics });
  const intake = new WebhookIntake({ store, adapters, inbound, secrets: webhookSecrets });
  const service = new PropagationService(ledger, store, (customerId) => records.clusterOf(customerId), now);
  const history = new PropagationHistory(store, now);
  const lags = new DeliveryLagWindow();
  let running: { poller: ChangePoller; worker: DeliveryWorker; sampler: PropagationSampler } | null = null;
  return {
    service,
    intake,
    inbound,
    ledger,
    history,
    start() {
      running ??= {
        worker: startDeliveryWorker({
          ledger,
          logger,
          metrics,
          lags,
          leaseMs,
          parts: { consent, records, targetValues, adapters: new Map(adapters.map((adapter) => [adapter.name, adapter])), schedule: retry, callBudgetMs, callConcurrency: concurrency ?? 8, now },
        }),
        poller: startChangePoller({ store, adapters, inbound, logger, intervalMs: pollIntervalMs, now }),
        sampler: startPropagationSampler({ history, ledger, lags, systems: adapters.map((adapter) => adapter.name), logger, everyMs: sampleEveryMs, now }),
      };
      return running;
    },
    async stop() {
      if (!running) return;
      await Promise.all([running.worker.stop(), running.poller.stop(), running.sampler.stop()]);
      running = null;
    },
  };
}
