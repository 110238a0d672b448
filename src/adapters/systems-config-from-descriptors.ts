import { parseSystemsConfig, type SystemConfig } from './systems-config';

/** What a simulator (or any discovery) says about a system: the `npm run simulators` line. */
export interface SystemDescriptor {
  system: string;
  dialect: string;
  baseUrl: string;
  credentials: Record<string, string>;
}

/**
 * The systems configuration for a set of running simulators (the embedded mode with no
 * SYSTEMS): one system per descriptor, named as the descriptor names it. An identity
 * system's `externalId` refers to the first Salesforce system, when there is one.
 */
export function systemsConfigFromDescriptors(descriptors: readonly SystemDescriptor[]): SystemConfig[] {
  const crm = descriptors.find((descriptor) => descriptor.dialect === 'salesforce')?.system;
  return parseSystemsConfig(
    descriptors.map(({ system, dialect, baseUrl, credentials }) => ({
      name: system,
      dialect,
      baseUrl,
      credentials,
      options: dialect === 'scim' && crm ? { crossReferenceSystem: crm } : {},
    })),
    {},
    'simulator descriptors',
  );
}
