import type { ResilientHttpClientOptions } from './http/resilient-http-client';
import type { AdapterDependencies } from './source-dialect';
import type { SystemConfig } from './systems-config';
import { ConfigError } from '../config';

/**
 * The HTTP layer's options for a configured system: base URL, pool size, timeouts,
 * retries, breaker. `defaultBaseUrl` is for dialects that can derive one.
 */
export function httpOptionsFromConfig(
  system: SystemConfig,
  { metrics, logger }: AdapterDependencies,
  defaultBaseUrl?: string,
): ResilientHttpClientOptions {
  const { maxConnections, timeouts, retry, breaker } = system.options;
  const baseUrl = system.baseUrl ?? defaultBaseUrl;
  if (!baseUrl) {
    throw new ConfigError(`Invalid configuration: system ${system.name} (${system.dialect}) needs a baseUrl.`);
  }
  return {
    system: system.name,
    baseUrl,
    metrics,
    logger,
    maxConnections,
    connectTimeoutMs: timeouts?.connectMs,
    headersTimeoutMs: timeouts?.headersMs,
    bodyTimeoutMs: timeouts?.bodyMs,
    retry,
    breaker,
  };
}

/** A credential the dialect cannot work without; throws a ConfigError naming the system and key. */
export function requireCredential(system: SystemConfig, key: string): string {
  const value = system.credentials[key];
  if (!value) {
    throw new ConfigError(
      `Invalid configuration: system ${system.name} (${system.dialect}) needs credentials.${key}; set it, or "env:VARIABLE" to read it from the environment.`,
    );
  }
  return value;
}
