import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { AdminHandler, SimulatorRequest, SimulatorResponse } from './simulator-server';
import type { OutgoingWebhook } from './webhook-sender';

/**
 * Signed outbound webhooks per the Standard Webhooks specification, for the simulators
 * whose vendors notify by other means (Salesforce: Change Data Capture / Outbound Messages;
 * SCIM: none in RFC 7644). A receiver registers through the admin API; each record change
 * then POSTs JSON `{type, timestamp, data: {id, changedFields, record}}` with
 * `webhook-id` (`msg_<uuid>`, the same on every retry), `webhook-timestamp` (unix seconds
 * of the attempt) and `webhook-signature` (HMAC-SHA256 by the `standardwebhooks` package).
 * https://www.standardwebhooks.com/
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 *
 * Admin: `POST /__admin/webhooks` `{url, secret: "whsec_<base64>"}` -> 201 `{id, url}`,
 * `GET /__admin/webhooks` -> `{webhooks: [{id, url}]}` (secrets are not echoed),
 * `DELETE /__admin/webhooks/{id}` -> 204.
 */

/** One record change, as the webhook's body carries it. */
export interface RecordChange {
  /** `contact.updated`, `user.updated`. */
  type: string;
  /** The record's id. */
  id: string;
  /** The fields whose value the change altered. */
  changedFields: string[];
  /** The record exactly as the vendor API's GET of it answers. */
  record: unknown;
}

/** The registered receivers of one simulator, and the messages a change sends them. */
export interface StandardWebhooks {
  /** The admin endpoints, to merge into the simulator's `admin` option. */
  readonly admin: Record<string, AdminHandler>;
  /** One signed message per registered receiver (none when nobody registered). */
  messagesFor(change: RecordChange): OutgoingWebhook[];
}

/** The Standard Webhooks specification's bounds on a secret's length (bytes). */
const SECRET_BYTES = { min: 24, max: 64 };

/** Creates an empty registry of Standard Webhooks receivers; `userAgent` names the sender. */
export function createStandardWebhooks(userAgent: string): StandardWebhooks {
  const receivers = new Map<string, { url: string; signer: Webhook }>();

  const register = (request: SimulatorRequest): SimulatorResponse => {
    let body: unknown;
    try {
      body = JSON.parse(request.body || 'null');
    } catch {
      return { status: 400, body: { error: 'the body is not valid JSON' } };
    }
    const { url, secret } = (typeof body === 'object' && body !== null ? body : {}) as { url?: unknown; secret?: unknown };
    if (typeof url !== 'string' || !/^https?:\/\//.test(url) || !URL.canParse(url)) {
      return { status: 400, body: { error: 'url must be an absolute http(s) URL' } };
    }
    const key = typeof secret === 'string' && secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : null;
    if (!key || key.length < SECRET_BYTES.min || key.length > SECRET_BYTES.max || !/^[A-Za-z0-9+/]+={0,2}$/.test(String(secret).slice(6))) {
      return {
        status: 400,
        body: { error: `secret must be "whsec_" followed by the base64 of ${SECRET_BYTES.min} to ${SECRET_BYTES.max} random bytes` },
      };
    }
    const id = `ep_${randomUUID()}`;
    receivers.set(id, { url, signer: new Webhook(secret as string) });
    return { status: 201, body: { id, url } };
  };

  const list = (): SimulatorResponse => ({
    status: 200,
    body: { webhooks: [...receivers].map(([id, { url }]) => ({ id, url })) },
  });

  const remove = (request: SimulatorRequest): SimulatorResponse => {
    const id = decodeURIComponent(request.url.pathname.slice('/__admin/webhooks/'.length));
    if (!receivers.delete(id)) return { status: 404, body: { error: `no webhook ${id}` } };
    return { status: 204 };
  };

  return {
    admin: {
      'POST /__admin/webhooks': register,
      'GET /__admin/webhooks': list,
      'DELETE /__admin/webhooks/*': remove,
    },
    messagesFor: (change) => {
      if (receivers.size === 0) return [];
      const webhookId = `msg_${randomUUID()}`;
      const body = JSON.stringify({
        type: change.type,
        timestamp: new Date().toISOString(),
        data: { id: change.id, changedFields: change.changedFields, record: change.record },
      });
      return [...receivers.values()].map(({ url, signer }) => ({
        url,
        type: change.type,
        orderKey: change.id,
        webhookId,
        body,
        contentType: 'application/json',
        headers: (attemptAt: Date) => ({
          'user-agent': userAgent,
          'webhook-id': webhookId,
          'webhook-timestamp': String(Math.floor(attemptAt.getTime() / 1000)),
          'webhook-signature': signer.sign(webhookId, attemptAt, body),
        }),
      }));
    },
  };
}
