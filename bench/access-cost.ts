import { ApolloServer } from '@apollo/server';
import type { Access } from '../src/access/create-access';
import { personalFields } from '../src/access/personal-fields';
import { createLogger } from '../src/observability/logger';
import { loadSchema, loadUnguardedSchema } from '../src/server/load-schema';
import { accessRecordPlugin } from '../src/server/plugins/access-record-plugin';
import { purposePlugin } from '../src/server/plugins/purpose-plugin';
import type { Services } from '../src/services';
import type { GatewayContext } from '../resolvers/context';
import { fmt, timeInTurns } from './measure';

const PROFILE = 'query Profile($id: ID!) { customer(by: { id: $id }) { id name { full } emails phones locale sources { system status } } }';

/**
 * What access control and the access record cost a profile read, measured in one run:
 * the same operation, in turns, through Apollo with the gateway's guarded schema, its
 * authentication, purpose and access-record plugins ("on"), and with the bare schema and
 * no plugins ("off"). In process, so HTTP is out of both. Twice: with sources that answer
 * at once (the gateway's own work as large a share as it can be) and with the injected
 * source latency of the profile scenario.
 */
export async function measureAccessCost({
  services,
  access,
  ids,
  print,
  withSourceLatency,
}: {
  services: Services;
  access: Access;
  ids: string[];
  print: (line: string) => void;
  /** Turns the simulators' injected latency on (and `off` again after), for the realistic case beside the worst one. */
  withSourceLatency: { on(): void; off(): void };
}): Promise<void> {
  const { schema, access: fieldAccess } = loadSchema();
  const personal = personalFields(schema);
  const guarded = new ApolloServer<GatewayContext>({
    schema,
    plugins: [purposePlugin({ personal, requiredFor: new Set(['compliance-officer']) }), accessRecordPlugin({ records: services.accessRecords, personal })],
  });
  const bare = new ApolloServer<GatewayContext>({ schema: loadUnguardedSchema() });
  await Promise.all([guarded.start(), bare.start()]);
  const { key } = await access.apiKeys.create({ name: 'bench agent', role: 'support-agent', createdBy: 'bench' });
  const logger = createLogger({ level: 'silent' });
  let next = 0;
  const run = async (server: ApolloServer<GatewayContext>, on: boolean) => {
    const id = ids[(next++ * 7919) % ids.length];
    const principal = await (on ? access.authenticator.authenticate(`Bearer ${key}`) : Promise.resolve({ id: 'bench', kind: 'api-key' as const, name: 'bench', roles: ['support-agent' as const] }));
    const loaders = services.profiles.createLoaders(on ? { readable: (field) => fieldAccess.allows(principal.roles, `Customer.${field}`) } : {});
    const response = await server.executeOperation({ query: PROFILE, variables: { id } }, { contextValue: { principal, request: { ip: null, userAgent: null }, requestId: `bench-${next}`, logger, services, loaders } });
    if (response.body.kind !== 'single' || response.body.singleResult.errors) throw new Error('the profile read failed');
  };
  const report = async (what: string, runs: number) => {
    const [on, off] = await timeInTurns(runs, [() => run(guarded, true), () => run(bare, false)]);
    const added = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)}%`;
    print(`   ${what.padEnd(36)} ${String(runs).padStart(6)} ${fmt(off!.p50, 2)} ${fmt(off!.p99, 2)} ${fmt(on!.p50, 2)} ${fmt(on!.p99, 2)}   ${added(on!.p50, off!.p50).padStart(6)} ${added(on!.p99, off!.p99).padStart(6)}`);
  };
  try {
    print('\n-- access control and access records: the same customer(by: id) read, on and off in turns, in process (ms)');
    print('   sources                                runs   off p50   off p99    on p50    on p99   added p50    p99');
    await report('no injected latency (worst case)', 300);
    withSourceLatency.on();
    try {
      await report('injected latency (as in production)', 100);
    } finally {
      withSourceLatency.off();
    }
  } finally {
    await services.accessRecords.drain();
    await Promise.all([guarded.stop(), bare.stop()]);
  }
}
