import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { collectionNames } from '../store/collections';
import type { MongoStore } from '../store/mongo-store';
import type { FieldSystemTally, FieldTally } from './tally-field-matrix';

/** One scan's result, as stored: one document per scan. */
export interface FieldScanDoc {
  /** `<scannedAt ISO>|<uuid>` */
  _id: string;
  scannedAt: Date;
  /** Customers merged and counted (every linked record read). */
  customersScanned: number;
  /** Customers sampled but left out because a source failed while they were read. */
  customersSkipped: number;
  fields: FieldTally[];
}

/** The field matrix as `fieldMatrix` answers it. */
export interface FieldMatrixView {
  scannedAt: Date;
  customersScanned: number;
  customersSkipped: number;
  fields: (FieldTally & { conflictRate: number; systems: FieldSystemTally[] })[];
}

/** How long scans are kept: a day's worth is plenty for "the newest" (and keeps the collection small enough to read whole). */
const KEEP_MS = 24 * 3600_000;

/**
 * The field scans' results (`systems_map_field_scans`): each scan adds one document and
 * drops those older than a day, so the collection stays a few hundred small documents;
 * readers take the newest. Reading it whole is a scan of that small collection (FerretDB
 * pushes no sort down), never of a big one.
 */
export class FieldScanResults {
  private readonly scans: Collection<FieldScanDoc>;

  constructor(store: MongoStore) {
    this.scans = store.collection<FieldScanDoc>(collectionNames.fieldScans);
  }

  /** Stores one scan's result and drops results older than a day. */
  async save(result: Omit<FieldScanDoc, '_id'>): Promise<void> {
    await this.scans.insertOne({ _id: `${result.scannedAt.toISOString()}|${randomUUID()}`, ...result });
    await this.scans.deleteMany({ scannedAt: { $lt: new Date(result.scannedAt.getTime() - KEEP_MS) } });
  }

  /** The newest scan's matrix, with each field's conflict rate; null before the first scan. */
  async latest(): Promise<FieldMatrixView | null> {
    const [newest] = await this.scans.find({}).sort({ scannedAt: -1 }).limit(1).toArray();
    if (!newest) return null;
    return {
      scannedAt: newest.scannedAt,
      customersScanned: newest.customersScanned,
      customersSkipped: newest.customersSkipped,
      fields: newest.fields.map((field) => ({ ...field, conflictRate: newest.customersScanned === 0 ? 0 : field.conflicts / newest.customersScanned })),
    };
  }
}
