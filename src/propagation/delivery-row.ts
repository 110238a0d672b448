import type { ConsentOutboxDoc } from '../consent/consent-model';

/**
 * Where one event's delivery to one system stands (the ledger):
 * - PENDING: waiting for its first or next attempt (`nextAttemptAt`);
 * - DELIVERING: a worker holds its lease (`leaseUntil`) and is calling the system;
 * - DELIVERED: the system holds the value (`deliveredAt`, `attempts`, `records`);
 * - SUPERSEDED: skipped, a newer capture for the same key is what the system must hold (`supersededBy`);
 * - SKIPPED: the system cannot hold it (no such channel, no record, a preference) (`note`);
 * - DEAD: failed for good, or parked at once on an answer that cannot change (`lastError`); replayable.
 */
export const deliveryStatuses = Object.freeze(['PENDING', 'DELIVERING', 'DELIVERED', 'SUPERSEDED', 'SKIPPED', 'DEAD'] as const);
/** One of {@link deliveryStatuses}. */
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** An outbox row with its delivery's state: what the consent store created, then what propagation adds. */
export interface DeliveryRowDoc extends Omit<ConsentOutboxDoc, 'status' | 'attempts'> {
  status: DeliveryStatus;
  /** Attempts claimed so far (a claim is a unique insert of `<row id>#<attempt>`). */
  attempts: number;
  /** Failed attempts since the row was queued or replayed (an open circuit's refusal included); DEAD at the schedule's maximum. */
  failures?: number;
  /** Until when the worker that claimed the current attempt holds it; after, another may claim the next. */
  leaseUntil?: Date | null;
  /** The last failure: the system's error label, never personal data. */
  lastError?: string | null;
  deliveredAt?: Date | null;
  /** The record ids written in the target system. */
  records?: string[];
  /** The event whose value the system must hold instead. */
  supersededBy?: string | null;
  /** Why a row was skipped, in a few words. */
  note?: string | null;
  /** When the row last changed state. */
  updatedAt?: Date;
}

/** The statuses a worker never takes up again (a replay re-queues DEAD ones). */
export const finalStatuses: ReadonlySet<DeliveryStatus> = new Set(['DELIVERED', 'SUPERSEDED', 'SKIPPED', 'DEAD']);
