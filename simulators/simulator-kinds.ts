import { dynamicsKind } from './dynamics/dynamics-kind';
import { eloquaKind } from './eloqua/eloqua-kind';
import { mailchimpKind } from './mailchimp/mailchimp-kind';
import { salesforceKind } from './salesforce/salesforce-kind';
import { sapcdcKind } from './sapcdc/sapcdc-kind';
import { scimKind } from './scim/scim-kind';
import type { SimulatorKind } from './simulator-kind';

/**
 * Every simulator kind, in start order: the order in which `npm run simulators` prints
 * their lines, `SIMULATOR_PORTS` takes their ports and the embedded demo connects them
 * (the CRM first, so the identity system can name it as its cross-reference). A new kind
 * is one folder under simulators/ plus one line here.
 */
export const simulatorKinds: readonly SimulatorKind[] = Object.freeze([salesforceKind, mailchimpKind, scimKind, dynamicsKind, eloquaKind, sapcdcKind]);

/** The names `DEMO_SYSTEMS` accepts besides `default` and `all`. */
export const simulatorKindNames: readonly string[] = Object.freeze(simulatorKinds.map((kind) => kind.name));

/**
 * The kinds a `DEMO_SYSTEMS` value chooses: `default` (the three the demo always had),
 * `all`, or a comma list of names, kept in registry order. Throws a RangeError saying what
 * is expected for anything else (config.ts turns it into its one-line message).
 */
export function selectSimulatorKinds(choice: string): SimulatorKind[] {
  const text = choice.trim();
  if (text === '' || text === 'default') return simulatorKinds.filter((kind) => kind.inDefaultSet);
  if (text === 'all') return [...simulatorKinds];
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !simulatorKindNames.includes(name));
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (unknown.length > 0 || repeated.length > 0 || names.length === 0) {
    throw new RangeError(
      `default, all, or a comma list of distinct simulator names from ${simulatorKindNames.join(', ')}` +
        (unknown.length > 0 ? ` (${unknown.map((name) => JSON.stringify(name)).join(', ')} is not one)` : ` (${repeated[0]} is named twice)`),
    );
  }
  return simulatorKinds.filter((kind) => names.includes(kind.name));
}
