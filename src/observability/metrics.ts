import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The gateway's Prometheus metrics, one registry per gateway (so that several
 * gateways in one test process do not share counters). Labels never carry personal
 * data: operations are named by their GraphQL operation name, systems by their
 * configured name.
 */
export class GatewayMetrics {
  /** The registry `/metrics` renders. */
  readonly registry = new Registry();

  /** GraphQL requests by operation and outcome (`ok` or the first error code). */
  readonly graphqlRequests = new Counter({
    name: 'gateway_graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  /** GraphQL request latency by operation. */
  readonly graphqlDuration = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Store command latency by command name and outcome. */
  readonly storeDuration = new Histogram({
    name: 'gateway_store_command_duration_seconds',
    help: 'MongoDB command latency by command name and outcome.',
    labelNames: ['command', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  /** Calls to source systems by system, operation and outcome. */
  readonly sourceCalls = new Counter({
    name: 'gateway_source_calls_total',
    help: 'HTTP calls to connected source systems by system, operation and outcome.',
    labelNames: ['system', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Latency of calls to source systems. */
  readonly sourceDuration = new Histogram({
    name: 'gateway_source_call_duration_seconds',
    help: 'HTTP call latency to connected source systems by system and operation.',
    labelNames: ['system', 'operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Consent deliveries by target system and how each attempt ended (DELIVERED, PENDING = will retry, DEAD, ...). */
  readonly deliveryAttempts = new Counter({
    name: 'gateway_consent_delivery_attempts_total',
    help: 'Consent delivery attempts to connected systems by system and outcome.',
    labelNames: ['system', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Propagation lag: from the change being recorded to the target system holding it. */
  readonly deliveryLag = new Histogram({
    name: 'gateway_consent_delivery_lag_seconds',
    help: 'Seconds from a consent change being recorded to its delivery to a connected system.',
    labelNames: ['system'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400],
    registers: [this.registry],
  });

  /** Rows waiting for delivery (PENDING or DELIVERING), per system, as last counted. */
  readonly deliveryBacklog = new Gauge({
    name: 'gateway_consent_delivery_backlog',
    help: 'Consent deliveries not yet done (pending or in flight) per system, as last counted.',
    labelNames: ['system'] as const,
    registers: [this.registry],
  });

  /** Dead deliveries per system, as last counted: each needs a person (replayDeliveries). */
  readonly deliveryDead = new Gauge({
    name: 'gateway_consent_delivery_dead',
    help: 'Consent deliveries that failed for good per system, as last counted; replayDeliveries re-queues them.',
    labelNames: ['system'] as const,
    registers: [this.registry],
  });

  /** Changes reported by connected systems (webhooks, polls), by system, path and what they were. */
  readonly inboundChanges = new Counter({
    name: 'gateway_inbound_consent_changes_total',
    help: 'Consent flags reported by connected systems by system, path (webhook, poll) and outcome (recorded, echo, unchanged, stale, unlinked).',
    labelNames: ['system', 'path', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

/**
 * A label value for a client-chosen operation name: kept when it looks like a GraphQL
 * name of sane length, otherwise `anonymous`, so a client cannot blow up cardinality
 * with random names beyond what it could with distinct documents.
 */
export function operationLabel(operationName: string | null | undefined): string {
  return operationName && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(operationName) ? operationName : 'anonymous';
}
