import { parseSystemsConfig, type SystemConfig } from './systems-config';

/** What a simulator (or any discovery) says about a system: the `npm run simulators` line, a `SYSTEMS` entry. */
export interface SystemDescriptor {
  name: string;
  dialect: string;
  baseUrl: string;
  credentials: Record<string, string>;
  options?: Record<string, string>;
}

/**
 * The systems configuration for a set of running simulators (the embedded mode with no
 * SYSTEMS): the descriptors as `SYSTEMS` entries. An identity system whose descriptor
 * does not say which system its `externalId` refers to gets the first Salesforce system.
 */
export function systemsConfigFromDescriptors(descriptors: readonly SystemDescriptor[]): SystemConfig[] {
  const crm = descriptors.find((descriptor) => descriptor.dialect === 'salesforce')?.name;
  return parseSystemsConfig(
    descriptors.map(({ name, dialect, baseUrl, credentials, options = {} }) => ({
      name,
      dialect,
      baseUrl,
      credentials,
      options: dialect === 'scim' && crm && !options.crossReferenceSystem ? { ...options, crossReferenceSystem: crm } : options,
    })),
    {},
    'simulator descriptors',
  );
}
