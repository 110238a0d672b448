import { composeServices } from '../../src/compose-services';
import { freeLoopbackPort } from '../../src/store/embedded-ferretdb';
import { createApiKey, spawnGateway, waitForStatus, type GatewayProcess } from '../harness/gateway-process';
import { startTestScim } from '../harness/simulators';
import { openTestStore, testMongoUri } from '../harness/store';
import { subscribeOver, webSocketClient } from '../harness/websocket';

const RECORD = `mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId } }`;

/**
 * The acceptance line of live subscriptions: a subscriber on one gateway process
 * receives a change recorded through another within a second. Two real processes
 * (`src/main.ts`, default feed settings) on one store; the subscriber talks to A, the
 * changes go through B's HTTP API.
 */
describe('subscriptions across gateway processes', () => {
  const running: GatewayProcess[] = [];
  afterEach(() => {
    for (const gateway of running.splice(0)) gateway.child.kill('SIGKILL');
  });

  it("delivers a change recorded through process B to process A's subscribers within a second, and A stops cleanly with subscriptions open", async () => {
    const identity = await startTestScim();
    const store = await openTestStore();
    try {
      const [linked] = await composeServices({ store, adapters: [] }).customers.resolver.resolveRecords([
        { system: 'crm', recordId: 'r-proc', updatedAt: new Date(), fields: { emails: ['proc@example.com'] }, consentFlags: [], crossReferences: [] },
      ]);
      const customerId = linked!.customerId;
      const key = await createApiKey(testMongoUri(), store.db.databaseName);
      const { baseUrl, credentials } = identity.descriptor;
      const env = { MONGODB_URI: testMongoUri(), MONGODB_DB: store.db.databaseName, SYSTEMS: JSON.stringify([{ name: 'identity', dialect: 'scim', baseUrl, credentials }]) };
      const [portA, portB] = [await freeLoopbackPort(), await freeLoopbackPort()];
      const [a, b] = [spawnGateway({ ...env, PORT: String(portA) }), spawnGateway({ ...env, PORT: String(portB) })];
      running.push(a, b);
      for (const port of [portA, portB]) expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, (s) => s === 200)).toBe(200);

      const client = webSocketClient(`http://127.0.0.1:${portA}`, { authorization: `Bearer ${key}` });
      const changed = subscribeOver<{ consentChanged: { id: string } }>(client, 'subscription($id: ID!) { consentChanged(customerId: $id) { id } }', { id: customerId });
      const all = subscribeOver<{ consentEvents: { event: { id: string } } }>(client, 'subscription { consentEvents { position event { id } } }');
      await new Promise((resolve) => setTimeout(resolve, 500));

      const acked: { eventId: string; at: number }[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`http://127.0.0.1:${portB}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({
            query: RECORD,
            variables: {
              changes: [{ customerId, channel: 'EMAIL', purpose: 'MARKETING', status: i % 2 ? 'DENIED' : 'GRANTED', capturedAt: new Date().toISOString(), method: 'WEB_FORM', source: { system: 'web', recordId: `f-${i}` } }],
            },
          }),
        });
        const body = (await response.json()) as { data: { recordConsent: { eventId: string }[] } };
        acked.push({ eventId: body.data.recordConsent[0]!.eventId, at: Date.now() });
        await changed.take(i + 1, 3000); // one change at a time, so each latency is its own
      }
      await all.take(5, 3000);

      expect(changed.results.map((result) => result.data?.consentChanged.id)).toEqual(acked.map((ack) => ack.eventId));
      expect(all.results.map((result) => result.data?.consentEvents.event.id)).toEqual(acked.map((ack) => ack.eventId));
      const latencies = acked.map((ack, i) => changed.arrivedAt[i]! - ack.at);
      expect(latencies.filter((ms) => ms >= 1000)).toEqual([]);
      if (process.env.SHOW_LATENCY) process.stderr.write(`consentChanged latency after B's answer, ms: ${latencies.join(', ')}\n`);

      // SIGTERM with subscriptions open: they end with 1001, the poller stops, the process exits 0.
      a.child.kill('SIGTERM');
      expect(await a.exited).toBe(0);
      await changed.take(99, 2000);
      expect(changed.ended).toEqual({ closed: { code: 1001, reason: 'The gateway is shutting down; reconnect.' } });
      expect(a.output().stderr).toBe('');
      await client.dispose();
    } finally {
      await identity.stop();
      await store.dropAndClose();
    }
  }, 240_000); // two gateways to wait for (waitForStatus)
});
