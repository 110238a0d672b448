import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
