import { timingSafeEqual, createHash } from 'node:crypto';
import type { Collection } from 'mongodb';
import { Webhook } from 'standardwebhooks';
import type { SourceAdapter, SourceRecord } from '../adapters/source-adapter';
import type { MongoStore } from '../store/mongo-store';
import { collectionNames } from '../store/collections';
import type { InboundChanges, TakeInReport } from './inbound-changes';
import { verifiedGigyaNotification } from './gigya-notification';

/** Options of {@link WebhookIntake}. */
export interface WebhookIntakeOptions {
  store: MongoStore;
  adapters: readonly SourceAdapter[];
  inbound: InboundChanges;
  /** Per system: the URL secret (Mailchimp) or the signing secrets (`whsec_...`, several while rotating). */
  secrets: Readonly<Record<string, readonly string[]>>;
}

/** A webhook's outcome, for the HTTP layer to answer with. */
export type IntakeOutcome =
  | { outcome: 'TAKEN_IN'; report: TakeInReport }
  | { outcome: 'DUPLICATE' }
  | { outcome: 'IGNORED'; reason: string }
  | { outcome: 'REFUSED'; reason: string }
  | { outcome: 'UNKNOWN_SYSTEM' };

/** The Mailchimp webhook event types that can change a member's consent. */
const mailchimpTypes = new Set(['subscribe', 'unsubscribe', 'profile', 'upemail', 'cleaned']);

/** Mailchimp's form body, as a form parser with nested keys reads it (`data[email]` -> data.email). */
export interface MailchimpWebhookForm {
  type?: unknown;
  fired_at?: unknown;
  data?: { email?: unknown; new_email?: unknown; old_email?: unknown } | unknown;
}

/**
 * Webhooks from the connected systems ("changes taken in"). Three formats:
 *
 * - Mailchimp's own (form-encoded `type`, `fired_at`, `data[...]`), to
 *   `/webhooks/<system>/<secret>`: Mailchimp signs nothing, so the secret in the URL
 *   admits the call and the member is then re-read from Mailchimp's API; only what the
 *   API says is believed. https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/
 * - Standard Webhooks (https://www.standardwebhooks.com/), for the CRM and the identity
 *   system, to `/webhooks/<system>`: `webhook-id`, `webhook-timestamp` (5 minutes'
 *   tolerance) and `webhook-signature` (HMAC-SHA256) checked with the `standardwebhooks`
 *   package against each configured secret. The record named in `data.id` is re-read
 *   too, so a webhook that arrives late cannot take an old value for a new one, and the
 *   webhook id makes a redelivery a no-op.
 */
export class WebhookIntake {
  private readonly adapters: ReadonlyMap<string, SourceAdapter>;
  private readonly seen: Collection<{ _id: string; at: Date }>;

  constructor(private readonly options: WebhookIntakeOptions) {
    this.adapters = new Map(options.adapters.map((adapter) => [adapter.name, adapter]));
    this.seen = options.store.collection(collectionNames.propagationWebhookIds);
  }

  /** Whether `secret` admits Mailchimp webhooks for `system` (compared in constant time). */
  admitsMailchimp(system: string, secret: string): boolean {
    if (this.adapters.get(system)?.dialect !== 'mailchimp') return false;
    const given = digest(secret);
    return (this.options.secrets[system] ?? []).some((expected) => timingSafeEqual(digest(expected), given));
  }

  /** A Mailchimp webhook, already admitted by {@link admitsMailchimp}: re-reads the member(s) it names and takes them in. */
  async mailchimp(system: string, form: MailchimpWebhookForm): Promise<IntakeOutcome> {
    const adapter = this.adapters.get(system)!;
    const type = typeof form.type === 'string' ? form.type : '';
    if (!mailchimpTypes.has(type)) return { outcome: 'IGNORED', reason: `type "${type}" changes no consent` };
    const data = (typeof form.data === 'object' && form.data !== null ? form.data : {}) as Record<string, unknown>;
    const email = [data.new_email, data.email].find((value): value is string => typeof value === 'string' && value.includes('@'));
    if (!email) return { outcome: 'REFUSED', reason: 'data[email] is missing' };
    const readAt = new Date();
    const records = await adapter.findByKey({ kind: 'email', value: email }, { budgetMs: 10_000 });
    return { outcome: 'TAKEN_IN', report: await this.takeInAll(adapter, records, readAt) };
  }

  /** A Standard Webhooks call: verified, de-duplicated by its id, its record re-read and taken in. */
  async signed(system: string, rawBody: string, headers: Record<string, string>): Promise<IntakeOutcome> {
    const adapter = this.adapters.get(system);
    const secrets = this.options.secrets[system] ?? [];
    if (!adapter || adapter.dialect === 'mailchimp' || secrets.length === 0) return { outcome: 'UNKNOWN_SYSTEM' };
    if (adapter.dialect === 'sapcdc') return this.gigya(adapter, system, secrets, rawBody, headers['x-gigya-sig-hmac-sha1'] ?? '');
    const payload = verified(secrets, rawBody, headers);
    if (payload === undefined) return { outcome: 'REFUSED', reason: 'the signature or timestamp is not valid' };
    const webhookId = `${system}|${headers['webhook-id']}`;
    if (await this.seen.findOne({ _id: webhookId })) return { outcome: 'DUPLICATE' };
    const recordId = (payload as { data?: { id?: unknown } } | null)?.data?.id;
    if (typeof recordId !== 'string' || recordId === '') return { outcome: 'IGNORED', reason: 'data.id names no record' };
    const readAt = new Date();
    const [record] = await adapter.fetchByIds([recordId], { budgetMs: 10_000 });
    const report = await this.takeInAll(adapter, record ? [record] : [], readAt);
    // Noted after the change is in: a crash before this only means a redelivery is taken in again (harmlessly).
    await this.seen.updateOne({ _id: webhookId }, { $setOnInsert: { at: new Date() } }, { upsert: true });
    return { outcome: 'TAKEN_IN', report };
  }

  /**
   * A Gigya (SAP Customer Data Cloud) notification: verified by its `X-Gigya-Sig-Hmac-Sha1`,
   * each event de-duplicated by its id, each account named re-read (getAccountInfo) and taken in.
   */
  private async gigya(adapter: SourceAdapter, system: string, secrets: readonly string[], rawBody: string, signature: string): Promise<IntakeOutcome> {
    const events = verifiedGigyaNotification(secrets, rawBody, signature);
    if (events === undefined) return { outcome: 'REFUSED', reason: 'the signature or timestamp is not valid' };
    const fresh = [];
    for (const event of events) if (!(await this.seen.findOne({ _id: `${system}|${event.id}` }))) fresh.push(event);
    if (events.length === 0) return { outcome: 'IGNORED', reason: 'no event changes an account' };
    if (fresh.length === 0) return { outcome: 'DUPLICATE' };
    const readAt = new Date();
    const uids = [...new Set(fresh.map((event) => event.uid))];
    const records = [];
    for (const uid of uids) {
      const [record] = await adapter.fetchByIds([uid], { budgetMs: 10_000 });
      if (record) records.push(record);
    }
    const report = await this.takeInAll(adapter, records, readAt);
    for (const event of fresh) await this.seen.updateOne({ _id: `${system}|${event.id}` }, { $setOnInsert: { at: new Date() } }, { upsert: true });
    return { outcome: 'TAKEN_IN', report };
  }

  private async takeInAll(adapter: SourceAdapter, records: readonly SourceRecord[], readAt: Date): Promise<TakeInReport> {
    const total: TakeInReport = { recorded: 0, known: 0, stale: 0, unlinked: records.length === 0 };
    for (const record of records) {
      const report = await this.options.inbound.takeIn(adapter, record, 'webhook', readAt);
      total.recorded += report.recorded;
      total.known += report.known;
      total.stale += report.stale;
      total.unlinked ||= report.unlinked;
    }
    return total;
  }
}

/** The payload if one of the secrets verifies the call (signature and timestamp), else undefined. */
function verified(secrets: readonly string[], rawBody: string, headers: Record<string, string>): unknown {
  for (const secret of secrets) {
    try {
      return new Webhook(secret).verify(rawBody, headers);
    } catch {
      // the next secret (rotation), or refused
    }
  }
  return undefined;
}

/** Fixed-length digests, so that secrets of different lengths compare in constant time. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
