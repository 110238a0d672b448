import type { SystemStatus } from '../systems/system-status';
import type { ResilientHttpClient } from './http/resilient-http-client';
import { publicBaseUrl } from './public-base-url';
import type { SourceAdapter } from './source-adapter';

/** What `systems` shows of an adapter: its names, base URL without credentials, fields, and its client's health. */
export function describeSource(
  adapter: Pick<SourceAdapter, 'name' | 'dialect' | 'providedFields'>,
  client: ResilientHttpClient,
): SystemStatus {
  return {
    name: adapter.name,
    dialect: adapter.dialect,
    baseUrl: publicBaseUrl(client.baseUrl),
    fields: adapter.providedFields,
    health: client.healthSnapshot(),
  };
}
