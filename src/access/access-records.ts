import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { BadUserInputError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import { BackgroundBatches } from '../store/background-batches';
import { collectionNames } from '../store/collections';
import { isDuplicateKeyError } from '../store/duplicate-key';
import type { MongoStore } from '../store/mongo-store';
import type { Principal } from './principal';

/** A record of one response that returned personal data: who, why, whose, which fields (paths, never values). */
export interface AccessRecordDoc {
  /** `<ISO time>|<uuid>`: sorts by time. */
  _id: string;
  at: Date;
  principal: Pick<Principal, 'id' | 'kind' | 'roles'>;
  operationName: string | null;
  requestId: string;
  /** Why, as the caller said it (`x-purpose` or `@purpose`); null when not given. */
  purpose: string | null;
  /** The customers whose personal data the response carried. */
  customerIds: string[];
  /** The personal fields returned, as response paths without list positions (`customer.emails`). */
  fields: string[];
}

/** A page of a customer's access records, newest first. */
export interface AccessRecordPage {
  edges: { cursor: string; node: AccessRecordDoc }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const PAGE_MAX = 200;

/**
 * The record of personal-data reads (`access_records`). Records are written in the
 * background, many requests' records in one insert, so a request never waits for its
 * record; {@link drain} writes what is queued, and the gateway calls it on shutdown
 * before the store closes. A batch the store refuses is retried twice, then logged as
 * lost (counts and request ids only).
 */
export class AccessRecords {
  private readonly records: Collection<AccessRecordDoc>;
  private readonly batches: BackgroundBatches<AccessRecordDoc>;

  constructor(store: MongoStore, logger?: Logger) {
    this.records = store.collection<AccessRecordDoc>(collectionNames.accessRecords);
    this.batches = new BackgroundBatches(
      (batch) => this.insert(batch),
      (error, batch) => logger?.error({ err: error, records: batch.length, requestIds: batch.map((record) => record.requestId) }, 'access records could not be written'),
    );
  }

  /** Queues a record; returns at once. */
  record(record: Omit<AccessRecordDoc, '_id'>): void {
    this.batches.add([{ _id: `${record.at.toISOString()}|${randomUUID()}`, ...record }]);
  }

  /** Resolves once every queued record is written (or given up). */
  drain(): Promise<void> {
    return this.batches.drain();
  }

  /** A customer's access records, newest first: an indexed read of that customer's records, paged here. */
  async list(customerId: string, first = 50, after: string | null = null): Promise<AccessRecordPage> {
    if (!Number.isInteger(first) || first < 1 || first > PAGE_MAX) {
      throw new BadUserInputError(`first: must be from 1 to ${PAGE_MAX}.`, { extensions: { field: 'first' } });
    }
    const before = after === null ? null : Buffer.from(after, 'base64url').toString();
    if (before !== null && !/^\d{4}-\d\d-\d\dT[\d:.]+Z\|[0-9a-f-]{36}$/.test(before)) {
      throw new BadUserInputError('after: not a cursor from this connection; pass an endCursor it returned.', { extensions: { field: 'after' } });
    }
    const all = await this.records.find({ customerIds: customerId }).toArray();
    const newestFirst = all.sort((a, b) => b._id.localeCompare(a._id)).filter((record) => before === null || record._id < before);
    const page = newestFirst.slice(0, first);
    const edges = page.map((node) => ({ cursor: Buffer.from(node._id).toString('base64url'), node }));
    return { edges, pageInfo: { hasNextPage: newestFirst.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  private async insert(batch: AccessRecordDoc[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        // Unordered: a record an earlier attempt wrote before failing collides on its `_id` and the rest still go in.
        await this.records.insertMany(batch, { ordered: false });
        return;
      } catch (error) {
        if (isDuplicateKeyError(error)) return;
        if (attempt >= 2) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      }
    }
  }
}
