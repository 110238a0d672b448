import { ConfigError } from '../config';
import { dynamicsDialect } from './dynamics/dynamics-dialect';
import { eloquaDialect } from './eloqua/eloqua-dialect';
import { mailchimpDialect } from './mailchimp/mailchimp-dialect';
import { salesforceDialect } from './salesforce/salesforce-dialect';
import { sapcdcDialect } from './sapcdc/sapcdc-dialect';
import { scimDialect } from './scim/scim-dialect';
import type { SourceAdapter } from './source-adapter';
import type { AdapterDependencies, SourceDialect } from './source-dialect';
import type { SystemConfig } from './systems-config';

/**
 * The registered dialects. A new dialect is one folder implementing the SourceAdapter
 * port plus one line here.
 */
export const sourceDialects: ReadonlyMap<string, SourceDialect> = new Map(
  [salesforceDialect, mailchimpDialect, scimDialect, dynamicsDialect, eloquaDialect, sapcdcDialect].map((entry) => [entry.dialect, entry]),
);

/**
 * Builds one adapter per configured system, in configuration order. Throws a
 * ConfigError naming the system for an unknown dialect or a missing credential.
 */
export function createAdapters(systems: readonly SystemConfig[], dependencies: AdapterDependencies = {}): SourceAdapter[] {
  return systems.map((system) => {
    const dialect = sourceDialects.get(system.dialect);
    if (!dialect) {
      throw new ConfigError(
        `Invalid configuration: system ${system.name} has dialect ${system.dialect}; expected one of ${[...sourceDialects.keys()].join(', ')}.`,
      );
    }
    return dialect.create(system, dependencies);
  });
}
