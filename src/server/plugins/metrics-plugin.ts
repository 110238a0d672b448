import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayMetrics } from '../../observability/metrics';
import { operationLabel } from '../../observability/metrics';

/** Options of {@link metricsPlugin}. */
export interface MetricsPluginOptions {
  /** Where the counters and histograms live. */
  metrics: GatewayMetrics;
}

/** Counts every GraphQL request and times it, by operation name and outcome. */
export function metricsPlugin({ metrics }: MetricsPluginOptions): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const stopTimer = metrics.graphqlDuration.startTimer();
      return {
        async willSendResponse({ request, operationName, errors }) {
          const operation = operationLabel(operationName ?? request.operationName);
          const first = errors?.[0]?.extensions?.code;
          const outcome = errors?.length ? (typeof first === 'string' ? first : 'INTERNAL_SERVER_ERROR') : 'ok';
          metrics.graphqlRequests.inc({ operation, outcome });
          stopTimer({ operation });
        },
      };
    },
  };
}
