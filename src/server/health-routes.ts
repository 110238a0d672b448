import { Router } from 'express';
import type { MongoStore } from '../store/mongo-store';
import type { GatewayMetrics } from '../observability/metrics';

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  store: MongoStore;
  metrics: GatewayMetrics;
  /** False while starting and once shutting down. */
  isAccepting: () => boolean;
  /** How long `/readyz` waits for the store. @default 1000 */
  storeTimeoutMs?: number;
}

/**
 * `/healthz`: the process is alive. `/readyz`: this process should get traffic (the
 * store answers a ping and the indexes are in place). `/metrics`: Prometheus text.
 */
export function healthRoutes({ store, metrics, isAccepting, storeTimeoutMs = 1000 }: HealthRoutesOptions): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = { accepting: isAccepting(), indexes: store.hasIndexes, store: await answers(store, storeTimeoutMs) };
    const ready = checks.accepting && checks.indexes && checks.store;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

async function answers(store: MongoStore, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([store.ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
