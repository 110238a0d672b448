import { ConfigError } from '../config';
import type { SystemConfig } from './systems-config';

/**
 * The system's field map, checked against the canonical fields its dialect lets a
 * deployment map (a typo would otherwise silently fall back to the default name).
 */
export function checkFieldMap<K extends string>(system: SystemConfig, mappable: Readonly<Record<K, string>>): Partial<Record<K, string>> {
  const known = Object.keys(mappable);
  for (const key of Object.keys(system.fieldMap ?? {})) {
    if (!known.includes(key)) {
      throw new ConfigError(
        `Invalid configuration: system ${system.name} (${system.dialect}) has fieldMap.${key}; ` +
          (known.length ? `expected one of ${known.join(', ')}.` : `the ${system.dialect} dialect maps no fields, so leave fieldMap out.`),
      );
    }
  }
  return (system.fieldMap ?? {}) as Partial<Record<K, string>>;
}
