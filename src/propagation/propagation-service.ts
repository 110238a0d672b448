import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { BadUserInputError } from '../errors/gateway-error';
import type { MongoStore } from '../store/mongo-store';
import { collectionNames } from '../store/collections';
import type { DeliveryLedger, SystemBacklog } from './delivery-ledger';
import type { DeliveryRowDoc } from './delivery-row';

/** One event's delivery to one system, as the ledger shows it. */
export interface DeliveryView {
  eventId: string;
  customerId: string;
  system: string;
  status: DeliveryRowDoc['status'];
  attempts: number;
  queuedAt: Date;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  lastError: string | null;
  supersededBy: string | null;
  note: string | null;
  records: string[];
}

/** Which dead deliveries a replay re-queues; at least one criterion. */
export interface ReplayFilter {
  system?: string | null;
  customerId?: string | null;
  eventId?: string | null;
}

/** Who asked for a replay, recorded with it. */
export interface ReplayAuthor {
  principalId: string;
  reason: string | null;
}

/** How long `systems { backlog ... }` counts are reused: they read every waiting row. */
const BACKLOG_TTL_MS = 2000;

/**
 * The delivery ledger as people read it (GraphQL): per event, per customer, per system,
 * and the one action on it, re-queueing dead deliveries (recorded: who, when, which).
 */
export class PropagationService {
  private backlog: { at: number; value: Promise<Map<string, SystemBacklog>> } | null = null;
  private readonly replays: Collection<{ _id: string; at: Date; by: string; reason: string | null; filter: ReplayFilter; requeued: number }>;

  constructor(
    private readonly ledger: DeliveryLedger,
    store: MongoStore,
    private readonly customerIdsOf: (customerId: string) => Promise<readonly string[]>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.replays = store.collection(collectionNames.propagationReplays);
  }

  /** One event's deliveries, by system. */
  async ofEvent(eventId: string): Promise<DeliveryView[]> {
    return (await this.ledger.ofEvent(eventId)).map(view);
  }

  /** A customer's deliveries (its merged ids' too), newest event first. */
  async ofCustomer(customerId: string, first: number): Promise<DeliveryView[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw new BadUserInputError('first: from 1 to 500.', { extensions: { field: 'first' } });
    return (await this.ledger.ofCustomers(await this.customerIdsOf(customerId), first)).map(view);
  }

  /** Backlog, its oldest row and dead rows of one system (counted at most every 2 s). */
  async ofSystem(system: string): Promise<SystemBacklog> {
    if (!this.backlog || Date.now() - this.backlog.at > BACKLOG_TTL_MS) {
      const value = this.ledger.backlogBySystem();
      this.backlog = { at: Date.now(), value };
      value.catch(() => (this.backlog = null));
    }
    return (await this.backlog.value).get(system) ?? { backlog: 0, oldestPendingAt: null, deadCount: 0 };
  }

  /** Re-queues the dead deliveries the filter names; records who did it. */
  async replay(filter: ReplayFilter, author: ReplayAuthor): Promise<number> {
    const criteria = Object.entries(filter).filter(([, value]) => typeof value === 'string' && value !== '');
    if (criteria.length === 0) throw new BadUserInputError('filter: name a system, a customerId or an eventId (replaying every dead delivery at once is not offered).', { extensions: { field: 'filter' } });
    const dead = (await this.ledger.inStatus('DEAD')).filter(
      (row) => (!filter.system || row.system === filter.system) && (!filter.customerId || row.customerId === filter.customerId) && (!filter.eventId || row.eventId === filter.eventId),
    );
    const at = this.now();
    const requeued = await this.ledger.requeue(dead.map((row) => row._id), at);
    await this.replays.insertOne({ _id: `${at.toISOString()}|${randomUUID()}`, at, by: author.principalId, reason: author.reason, filter, requeued });
    return requeued;
  }
}

function view(row: DeliveryRowDoc): DeliveryView {
  return {
    eventId: row.eventId,
    customerId: row.customerId,
    system: row.system,
    status: row.status,
    attempts: row.attempts ?? 0,
    queuedAt: row.createdAt,
    nextAttemptAt: row.status === 'PENDING' ? (row.nextAttemptAt ?? row.createdAt) : null,
    deliveredAt: row.deliveredAt ?? null,
    lastError: row.lastError ?? null,
    supersededBy: row.supersededBy ?? null,
    note: row.note ?? null,
    records: row.records ?? [],
  };
}
