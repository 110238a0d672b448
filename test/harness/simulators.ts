import { generatePopulation, type Population } from '../../simulators/population/generate-population';
import { dynamicsPopulation } from '../../simulators/dynamics/dynamics-population';
import { eloquaPopulation } from '../../simulators/eloqua/eloqua-population';
import { startEloquaSimulator, type EloquaSimulator, type EloquaSimulatorOptions } from '../../simulators/eloqua/eloqua-simulator';
import { startDynamicsSimulator, type DynamicsSimulator, type DynamicsSimulatorOptions } from '../../simulators/dynamics/dynamics-simulator';
import { sapcdcPopulation } from '../../simulators/sapcdc/sapcdc-population';
import { startSapCdcSimulator, type SapCdcSimulator, type SapCdcSimulatorOptions } from '../../simulators/sapcdc/sapcdc-simulator';
import {
  startMailchimpSimulator,
  type MailchimpSimulator,
  type MailchimpSimulatorOptions,
} from '../../simulators/mailchimp/mailchimp-simulator';
import { startSimulators, type RunningSimulators } from '../../simulators/start-simulators';
import { startScimSimulator, type ScimSimulator, type ScimSimulatorOptions } from '../../simulators/scim/scim-simulator';
import {
  startSalesforceSimulator,
  type SalesforceSimulator,
  type SalesforceSimulatorOptions,
} from '../../simulators/salesforce/salesforce-simulator';

/**
 * Helpers for tests: a small generated population and the simulators on free loopback
 * ports. Each test file starts its own simulators (beforeAll) and stops them (afterAll).
 */

/**
 * A parsed JSON response body in contract tests, which inspect it field by field and let
 * `expect` check the shapes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonBody = any;

const populations = new Map<string, Population>();

/** A small deterministic population, generated once per size and seed in this test file. @default size 200, seed 7 */
export function testPopulation(size = 200, seed = 7): Population {
  const key = `${size}:${seed}`;
  let population = populations.get(key);
  if (!population) {
    population = generatePopulation({ size, seed });
    populations.set(key, population);
  }
  return population;
}

/** Starts all three simulators on free ports over a small population (size 200, seed 7 unless given). */
export function startTestSimulators(options: { size?: number; seed?: number } = {}): Promise<RunningSimulators> {
  return startSimulators({ population: testPopulation(options.size, options.seed) });
}

/** Starts the Salesforce simulator on a free port over the test population's contacts. */
export function startTestSalesforce(options: Partial<SalesforceSimulatorOptions> = {}): Promise<SalesforceSimulator> {
  const population = testPopulation();
  return startSalesforceSimulator({
    contacts: population.salesforceContacts,
    opportunities: population.salesforceOpportunities,
    opportunityContactRoles: population.salesforceOpportunityContactRoles,
    port: 0,
    ...options,
  });
}

/** Starts the Mailchimp simulator on a free port over the test population's members. */
export function startTestMailchimp(options: Partial<MailchimpSimulatorOptions> = {}): Promise<MailchimpSimulator> {
  const population = testPopulation();
  return startMailchimpSimulator({ members: population.mailchimpMembers, listId: population.mailchimpListId, port: 0, ...options });
}

/** Starts the SCIM simulator on a free port over the test population's users. */
export function startTestScim(options: Partial<ScimSimulatorOptions> = {}): Promise<ScimSimulator> {
  return startScimSimulator({ users: testPopulation().scimUsers, port: 0, ...options });
}

/** The `Authorization` header value for a Mailchimp simulator (any user, the API key as password). */
export function mailchimpAuthorization(simulator: MailchimpSimulator): string {
  return `Basic ${Buffer.from(`anystring:${simulator.descriptor.credentials.apiKey}`).toString('base64')}`;
}

/** Fetches a Salesforce access token with the client-credentials flow. */
export async function salesforceToken(simulator: SalesforceSimulator): Promise<string> {
  const { baseUrl, credentials } = simulator.descriptor;
  const response = await fetch(`${baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId as string,
      client_secret: credentials.clientSecret as string,
    }),
  });
  if (response.status !== 200) throw new Error(`token call answered ${response.status}`);
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

/** Starts the Dynamics 365 (Dataverse) simulator on a free port over the test population's contacts. */
export async function startTestDynamics(options: Partial<DynamicsSimulatorOptions> = {}): Promise<DynamicsSimulator> {
  return startDynamicsSimulator({ contacts: dynamicsPopulation(testPopulation()).contacts, port: 0, ...options });
}

/** Fetches a Dataverse access token with the client-credentials flow at the simulator's token endpoint. */
export async function dynamicsToken(simulator: DynamicsSimulator): Promise<string> {
  const { baseUrl, credentials } = simulator.descriptor;
  const response = await fetch(credentials.tokenUrl as string, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId as string,
      client_secret: credentials.clientSecret as string,
      scope: `${baseUrl}/.default`,
    }),
  });
  if (response.status !== 200) throw new Error(`token call answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Starts the Oracle Eloqua simulator on a free port over the test population's contacts and group subscriptions. */
export async function startTestEloqua(options: Partial<EloquaSimulatorOptions> = {}): Promise<EloquaSimulator> {
  const slice = eloquaPopulation(testPopulation());
  return startEloquaSimulator({ contacts: slice.contacts, groupSubscriptions: slice.groupSubscriptions, port: 0, ...options });
}

/** Starts the SAP Customer Data Cloud (Gigya) simulator on a free port over the test population's accounts. */
export async function startTestSapCdc(options: Partial<SapCdcSimulatorOptions> = {}): Promise<SapCdcSimulator> {
  return startSapCdcSimulator({ accounts: sapcdcPopulation(testPopulation()).accounts, port: 0, ...options });
}
