import type { Logger } from '../observability/logger';
import type { GatewayMetrics } from '../observability/metrics';
import type { SourceAdapter } from './source-adapter';
import type { SystemConfig } from './systems-config';

/** What every adapter is built with besides its own configuration. */
export interface AdapterDependencies {
  /** Where source calls are counted and timed. */
  metrics?: GatewayMetrics;
  /** For adapter diagnostics (never personal data). */
  logger?: Logger;
}

/**
 * One source dialect: its name and how to build an adapter from a configured system.
 * `create` checks the dialect's own credentials and options and throws a ConfigError
 * naming the system when one is missing.
 */
export interface SourceDialect {
  readonly dialect: string;
  create(system: SystemConfig, dependencies: AdapterDependencies): SourceAdapter;
}
