import { randomBytes } from 'node:crypto';
import type { Population } from './population/generate-population';
import type { SimulatorDescriptor } from './simulator';
import { startMailchimpSimulator, type MailchimpSimulator } from './mailchimp/mailchimp-simulator';
import { startSalesforceSimulator, type SalesforceSimulator } from './salesforce/salesforce-simulator';
import { startScimSimulator, type ScimSimulator } from './scim/scim-simulator';

/** Options of `startSimulators`. */
export interface StartSimulatorsOptions {
  /** The population whose records the three systems hold. */
  population: Population;
  /** Ports on 127.0.0.1; 0 or absent picks a free one. @default all free */
  ports?: { salesforce?: number; mailchimp?: number; identity?: number };
  /** Fresh random credentials instead of the fixed defaults (for a demo anyone on the machine can reach). @default false */
  randomCredentials?: boolean;
}

/** The three running simulators. */
export interface RunningSimulators {
  salesforce: SalesforceSimulator;
  mailchimp: MailchimpSimulator;
  identity: ScimSimulator;
  /**
   * One per simulator, in the order salesforce, mailchimp, identity, each an entry of
   * `SYSTEMS`; the identity system's says that its `externalId` holds CRM ids.
   */
  descriptors: SimulatorDescriptor[];
  stop(): Promise<void>;
}

/** Starts the CRM, ESP and identity simulators over one population; stops any already started if one fails. */
export async function startSimulators(options: StartSimulatorsOptions): Promise<RunningSimulators> {
  const { population, ports = {}, randomCredentials = false } = options;
  const secret = (prefix: string): string | undefined =>
    randomCredentials ? `${prefix}${randomBytes(12).toString('hex')}` : undefined;
  const started: { stop(): Promise<void> }[] = [];
  try {
    const salesforce = await startSalesforceSimulator({
      port: ports.salesforce ?? 0,
      contacts: population.salesforceContacts,
      opportunities: population.salesforceOpportunities,
      opportunityContactRoles: population.salesforceOpportunityContactRoles,
      clientSecret: secret('sf-secret-'),
    });
    started.push(salesforce);
    const mailchimp = await startMailchimpSimulator({
      port: ports.mailchimp ?? 0,
      members: population.mailchimpMembers,
      listId: population.mailchimpListId,
      apiKey: randomCredentials ? `${randomBytes(16).toString('hex')}-us1` : undefined,
    });
    started.push(mailchimp);
    const identity = await startScimSimulator({
      port: ports.identity ?? 0,
      users: population.scimUsers,
      bearerToken: secret('scim-token-'),
    });
    started.push(identity);
    return {
      salesforce,
      mailchimp,
      identity,
      descriptors: [
        salesforce.descriptor,
        mailchimp.descriptor,
        { ...identity.descriptor, options: { crossReferenceSystem: salesforce.descriptor.name } },
      ],
      stop: async () => {
        await Promise.all(started.map((simulator) => simulator.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((simulator) => simulator.stop()));
    throw error;
  }
}
