import { randomBytes } from 'node:crypto';
import type { Collection } from 'mongodb';
import { isDuplicateKeyError } from './duplicate-key';

/** A stored secret: `_id` names it, `value` is hex. */
export interface SecretDoc {
  _id: string;
  value: string;
}

/**
 * A random secret shared by every gateway process on one store: the first process to
 * need it inserts one (a unique `_id`, so exactly one insert wins) and every process
 * then reads the winner's. Read once per process; a failed read is retried next time.
 */
export class StoredSecret {
  private value: Promise<Buffer> | undefined;

  constructor(
    private readonly collection: Collection<SecretDoc>,
    private readonly id: string,
  ) {}

  /** The secret's 32 bytes. */
  get(): Promise<Buffer> {
    this.value ??= this.load().catch((error: unknown) => {
      this.value = undefined;
      throw error;
    });
    return this.value;
  }

  private async load(): Promise<Buffer> {
    await this.collection.insertOne({ _id: this.id, value: randomBytes(32).toString('hex') }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
    const stored = await this.collection.findOne({ _id: this.id });
    return Buffer.from(stored!.value, 'hex');
  }
}
