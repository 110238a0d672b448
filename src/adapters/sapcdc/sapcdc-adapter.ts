import { BadUserInputError } from '../../errors/gateway-error';
import type { SystemStatus } from '../../systems/system-status';
import { describeSource } from '../describe-source';
import { callSettings } from '../http/http-request';
import { SourceError } from '../http/source-error';
import { phoneVariants } from '../phone-variants';
import type { CallOptions, ChangedPage, ConsentStatusValue, ConsentWrite, LookupKey, SourceAdapter, SourceRecord } from '../source-adapter';
import { SAPCDC_SELECT, sapcdcConsentFields, type GigyaSearchResponse, type SapCdcAccount } from './sapcdc-account';
import { sapcdcAccountToRecord } from './sapcdc-account-to-record';
import { SapCdcClient, type SapCdcClientOptions } from './sapcdc-client';

/** Options of a {@link SapCdcAdapter}. */
export interface SapCdcAdapterOptions extends Omit<SapCdcClientOptions, 'system'> {
  /** The configured system name. */
  name: string;
}

/**
 * UIDs per batched read: `UID IN ("a", ...)` with `LIMIT` as large, one call. A query of
 * 1,000 UIDs (some 36,000 characters) stays well inside a form body, and `LIMIT` may be
 * 10,000. https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/b32ce0918af44c3ebd7e96650fa6cc1d.html
 */
export const SAPCDC_IDS_PER_CALL = 1000;
/** `accounts.search`'s largest `LIMIT`. */
const MAX_LIMIT = 10_000;
/** Accounts per batch of a lookup. */
const LOOKUP_BATCH = 100;

/**
 * The SAP Customer Data Cloud (Gigya) adapter over the accounts API.
 *
 * - fetchByIds: one UID is `accounts.getAccountInfo` (always current: search has a short
 *   index delay after a write, and a webhook's re-read must see the write); more are one
 *   `accounts.search` per 1,000: `SELECT ... FROM accounts WHERE UID IN ("a", ...) LIMIT n`.
 * - findByKey: an email is looked for among the login ids, verified and unverified
 *   addresses (lower-cased, as Gigya keeps them) and `profile.email` as given; a phone in
 *   `profile.phones.number` in each format it may be typed in. Values are double-quoted,
 *   a quote or backslash escaped, so a value cannot end its literal.
 * - changedSince: the whole site by a search cursor (`openCursor=true`, then `cursorId`);
 *   Gigya's cursors expire after a while of disuse, so a backfill keeps going.
 * - recordsChangedSince: `WHERE lastUpdatedTimestamp >= <ms> ORDER BY lastUpdatedTimestamp`.
 * - writeConsent: `accounts.setAccountInfo` of one subscription (`subscriptions={"newsletter":
 *   {"email":{"isSubscribed":...}}}`) or one consent statement (`preferences={"privacy":
 *   {"marketing_sms":{"isConsentGranted":...}}}`): absolute values, so a repeat changes nothing.
 */
export class SapCdcAdapter implements SourceAdapter {
  readonly name: string;
  readonly dialect = 'sapcdc';
  readonly providedFields: readonly string[] = Object.freeze([
    'givenName', 'familyName', 'emails', 'phones', 'addresses', 'birthDate', 'locale', 'identity.username', 'identity.active', 'identity.lastLoginAt', 'consentFlags',
  ]);
  private readonly client: SapCdcClient;

  constructor({ name, ...clientOptions }: SapCdcAdapterOptions) {
    this.name = name;
    this.client = new SapCdcClient({ system: name, ...clientOptions });
  }

  async fetchByIds(ids: readonly string[], options: CallOptions = {}): Promise<(SourceRecord | null)[]> {
    const wanted = [...new Set(ids.filter((id) => id !== ''))];
    const found = new Map<string, SapCdcAccount>();
    if (wanted.length === 1) {
      const account = await this.getAccount(wanted[0]!, options);
      if (account) found.set(account.UID, account);
    } else {
      const batches: string[][] = [];
      for (let start = 0; start < wanted.length; start += SAPCDC_IDS_PER_CALL) batches.push(wanted.slice(start, start + SAPCDC_IDS_PER_CALL));
      await Promise.all(
        batches.map(async (batch) => {
          const page = await this.search({ query: `SELECT ${SAPCDC_SELECT} FROM accounts WHERE UID IN (${batch.map(gigyaString).join(', ')}) LIMIT ${batch.length}` }, 'fetchByIds', options);
          for (const account of page.results ?? []) found.set(account.UID, account);
        }),
      );
    }
    return ids.map((id) => {
      const account = found.get(id);
      return account ? this.toRecord(account) : null;
    });
  }

  minimumReadCalls(records: number): number {
    return Math.ceil(records / SAPCDC_IDS_PER_CALL);
  }

  async findByKey(key: LookupKey, options: CallOptions = {}): Promise<SourceRecord[]> {
    let where: string;
    if (key.kind === 'email') {
      const given = key.value.trim();
      const lower = gigyaString(given.toLowerCase());
      where = `loginIDs.emails = ${lower} OR emails.verified = ${lower} OR emails.unverified = ${lower} OR profile.email IN (${[...new Set([given, given.toLowerCase()])].map(gigyaString).join(', ')})`;
    } else {
      where = `profile.phones.number IN (${phoneVariants(key.value).map(gigyaString).join(', ')})`;
    }
    const records: SourceRecord[] = [];
    let page = await this.search({ query: `SELECT ${SAPCDC_SELECT} FROM accounts WHERE ${where} LIMIT ${LOOKUP_BATCH}`, openCursor: true }, 'findByKey', options);
    for (;;) {
      records.push(...(page.results ?? []).map((account) => this.toRecord(account)));
      if (!page.nextCursorId) return records;
      page = await this.search({ cursorId: page.nextCursorId }, 'findByKey', options);
    }
  }

  async changedSince(cursor: string | null, options: CallOptions & { pageSize?: number } = {}): Promise<ChangedPage> {
    const pageSize = Math.min(Math.max(options.pageSize ?? 500, 1), MAX_LIMIT);
    const page =
      cursor === null
        ? await this.search({ query: `SELECT ${SAPCDC_SELECT} FROM accounts ORDER BY lastUpdatedTimestamp ASC LIMIT ${pageSize}`, openCursor: true }, 'backfill', options)
        : await this.search({ cursorId: decodeCursor(cursor) }, 'backfill', options);
    return {
      records: (page.results ?? []).map((account) => this.toRecord(account)),
      nextCursor: page.nextCursorId ? Buffer.from(JSON.stringify({ cursorId: page.nextCursorId })).toString('base64url') : null,
    };
  }

  /** Accounts by `lastUpdatedTimestamp`, which every change stamps (milliseconds). */
  async recordsChangedSince(since: Date, options: CallOptions & { limit?: number } = {}): Promise<SourceRecord[]> {
    const limit = Math.min(Math.max(options.limit ?? 500, 1), MAX_LIMIT);
    const page = await this.search(
      { query: `SELECT ${SAPCDC_SELECT} FROM accounts WHERE lastUpdatedTimestamp >= ${since.getTime()} ORDER BY lastUpdatedTimestamp ASC LIMIT ${limit}` },
      'changes',
      options,
    );
    return (page.results ?? []).map((account) => this.toRecord(account));
  }

  acceptsConsent(channel: string, purpose: string): boolean {
    return fieldFor(channel, purpose) !== undefined;
  }

  /**
   * The newsletter: GRANTED subscribes with the double opt-in marked externally verified
   * (the person already confirmed with us), PENDING subscribes and lets Gigya send its
   * confirmation email, DENIED and UNKNOWN unsubscribe. A consent statement can say only
   * granted or not: anything but GRANTED is written as not granted.
   */
  async writeConsent(recordId: string, change: ConsentWrite, options: CallOptions = {}): Promise<void> {
    const field = fieldFor(change.channel, change.purpose);
    if (!field) return;
    if (recordId === '') throw new BadUserInputError('A Gigya UID is needed to write consent.');
    const params: Record<string, object | string> = { UID: recordId };
    if (field.kind === 'subscription') {
      const subscribed = change.status === 'GRANTED' || change.status === 'PENDING';
      params.subscriptions = { [field.id]: { email: { isSubscribed: subscribed, ...(change.status === 'GRANTED' && { doubleOptIn: { isExternallyVerified: true } }) } } };
    } else {
      const [group, name] = [field.id.slice(0, field.id.indexOf('.')), field.id.slice(field.id.indexOf('.') + 1)];
      params.preferences = { [group]: { [name]: { isConsentGranted: change.status === 'GRANTED' } } };
    }
    // Absolute values: a repeat after a lost answer changes nothing, so it may be retried.
    await this.client.call({ method: 'accounts.setAccountInfo', operation: 'writeConsent', params, idempotent: true, ...callSettings(options) });
  }

  /** A subscription holds GRANTED, PENDING (double opt-in sent) or DENIED; a consent statement GRANTED or DENIED. */
  statusHeldAfter(change: ConsentWrite): ConsentStatusValue {
    if (change.status === 'GRANTED') return 'GRANTED';
    return change.status === 'PENDING' && fieldFor(change.channel, change.purpose)?.kind === 'subscription' ? 'PENDING' : 'DENIED';
  }

  describe(): SystemStatus {
    return describeSource(this, this.client);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** The account, or null when Gigya says the UID is no user of the site (403005). */
  private async getAccount(uid: string, options: CallOptions): Promise<SapCdcAccount | null> {
    try {
      return await this.client.call<SapCdcAccount & { errorCode: number }>({
        method: 'accounts.getAccountInfo',
        operation: 'getAccountInfo',
        params: { UID: uid, include: 'profile,data,preferences,subscriptions,emails,loginIDs' },
        ...callSettings(options),
      });
    } catch (error) {
      if (error instanceof SourceError && error.kind === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private search(params: { query?: string; openCursor?: boolean; cursorId?: string }, operation: string, options: CallOptions): Promise<GigyaSearchResponse> {
    return this.client.call<GigyaSearchResponse>({ method: 'accounts.search', operation, params, ...callSettings(options) });
  }

  private toRecord(account: SapCdcAccount): SourceRecord {
    return sapcdcAccountToRecord(account, { system: this.name });
  }
}

function fieldFor(channel: string, purpose: string) {
  return sapcdcConsentFields.find((field) => field.channel === channel && field.purpose === purpose);
}

/**
 * A string literal of Gigya's query language: double quotes, a quote or backslash inside
 * escaped, so a value can never end the literal and add clauses.
 */
export function gigyaString(value: string): string {
  return `"${value.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

function decodeCursor(cursor: string): string {
  try {
    const { cursorId } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { cursorId?: unknown };
    if (typeof cursorId === 'string' && cursorId !== '') return cursorId;
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError('cursor is not one this SAP Customer Data Cloud system issued; pass null to start from the beginning.');
}
