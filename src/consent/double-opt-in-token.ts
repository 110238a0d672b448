import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MongoStore } from '../store/mongo-store';
import { collectionNames } from '../store/collections';
import { isDuplicateKeyError } from '../store/duplicate-key';

const secretId = 'double-opt-in-secret';

/**
 * Signs and checks double opt-in tokens: `<pending event id, base64url>.<HMAC-SHA256>`.
 * The token is derived from the PENDING event, so no token document has to be written
 * (nothing to lose in a crash) and a retried request gets the same token back. The
 * signing secret is created once in the store (a unique `_id` insert decides which
 * process's secret wins), so every gateway process checks every token.
 */
export class DoubleOptInTokens {
  private secret: Promise<Buffer> | undefined;

  constructor(private readonly store: MongoStore) {}

  /** The token confirming the PENDING event `eventId`. */
  async sign(eventId: string): Promise<string> {
    const id = Buffer.from(eventId).toString('base64url');
    return `${id}.${this.mac(await this.loadSecret(), id)}`;
  }

  /** The pending event id a token confirms, or null if the token is malformed or not ours. */
  async verify(token: string): Promise<string | null> {
    const [id, mac, extra] = token.split('.');
    if (!id || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(await this.loadSecret(), id));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return Buffer.from(id, 'base64url').toString();
  }

  private mac(secret: Buffer, id: string): string {
    return createHmac('sha256', secret).update(id).digest('base64url');
  }

  private loadSecret(): Promise<Buffer> {
    this.secret ??= (async () => {
      const settings = this.store.collection<{ _id: string; value: string }>(collectionNames.consentSettings);
      try {
        await settings.insertOne({ _id: secretId, value: randomBytes(32).toString('hex') });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const stored = await settings.findOne({ _id: secretId });
      return Buffer.from(stored!.value, 'hex');
    })().catch((error: unknown) => {
      this.secret = undefined; // retry on the next call rather than caching a failure
      throw error;
    });
    return this.secret;
  }
}
