import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSimulator } from '../../simulators/simulator';

/** A request the receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server on 127.0.0.1 that webhooks are sent to, recording what arrives. */
export interface WebhookReceiver {
  /** The URL to register (path `/hook`). */
  readonly url: string;
  /** Every request received, in order. */
  readonly received: ReceivedRequest[];
  /** The POSTs received. */
  posts(): ReceivedRequest[];
  /** Answers the next POSTs with these statuses, then 200 again. */
  failNext(...statuses: number[]): void;
  stop(): Promise<void>;
}

/** Starts a receiver; GETs (Mailchimp's URL check) answer `getStatus`. @default getStatus 200 */
export async function startWebhookReceiver(options: { getStatus?: number } = {}): Promise<WebhookReceiver> {
  const { getStatus = 200 } = options;
  const received: ReceivedRequest[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(req.method === 'GET' ? getStatus : (statuses.shift() ?? 200)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    posts: () => received.filter((request) => request.method === 'POST'),
    failNext: (...next) => statuses.push(...next),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function webhookSecret(): string {
  return `whsec_${Buffer.from(Array.from({ length: 32 }, () => Math.floor(Math.random() * 256))).toString('base64')}`;
}

/**
 * Jest hooks of a webhook test file: before each test the simulator's counters, writes and
 * delivery log and the receiver's requests are cleared; after the file both are stopped.
 */
export function clearWebhooksBetweenTests(current: () => { simulator: RunningSimulator; receiver: WebhookReceiver }): void {
  beforeEach(() => {
    const { simulator, receiver } = current();
    simulator.resetCounters();
    receiver.received.length = 0;
  });
  afterAll(async () => {
    const { simulator, receiver } = current();
    await simulator.stop();
    await receiver.stop();
  });
}
