import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Collection } from 'mongodb';
import { BadUserInputError, NotFoundError } from '../errors/gateway-error';
import { collectionNames } from '../store/collections';
import type { MongoStore } from '../store/mongo-store';
import { AuthenticationError } from './authentication-error';
import type { Principal } from './principal';
import { isRole, roles, type Role } from './roles';

/** A stored API key: everything but the secret, of which only a SHA-256 is kept. */
export interface ApiKeyDoc {
  /** The key id, the public part of the key. */
  _id: string;
  name: string;
  role: Role;
  /** Operation names the key may run; null: whatever its role allows. */
  allowedOperations: string[] | null;
  expiresAt: Date | null;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  /** SHA-256 of the secret, hex. The secret is 32 random bytes, so a fast hash is enough. */
  secretHash: string;
}

/** What an admin gives to create a key. */
export interface NewApiKey {
  name: string;
  role: string;
  allowedOperations?: readonly string[] | null;
  expiresAt?: Date | null;
  createdBy: string;
}

/** A key as listed: never the secret or its hash. */
export type ApiKeyInfo = Omit<ApiKeyDoc, '_id' | 'secretHash'> & { id: string };

/** `cpgk_<key id>_<secret>`: the prefix tells an API key from a token at a glance (and to secret scanners). */
const KEY_PATTERN = /^cpgk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

/** How long a verified key is trusted without a store read; a revocation reaches every process within this. */
const CACHE_MS = 10_000;

const sha256 = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * Applications' API keys: created (the secret shown once), listed and revoked by an
 * admin; verified on every request against a stored hash, compared in constant time.
 */
export class ApiKeyStore {
  private readonly keys: Collection<ApiKeyDoc>;
  private readonly verified = new Map<string, { doc: ApiKeyDoc; until: number }>();

  constructor(store: MongoStore, private readonly now: () => Date = () => new Date()) {
    this.keys = store.collection<ApiKeyDoc>(collectionNames.accessApiKeys);
  }

  /** True when `credential` looks like one of our API keys (then only this store can verify it). */
  static looksLikeKey(credential: string): boolean {
    return credential.startsWith('cpgk_');
  }

  /** Creates a key and answers it: the only time its secret is seen. */
  async create(input: NewApiKey): Promise<{ key: string; info: ApiKeyInfo }> {
    const name = input.name.trim();
    if (!/^[\w .:@/-]{1,80}$/.test(name)) throw new BadUserInputError('name: 1 to 80 letters, digits, spaces or . _ : @ / -, to tell keys apart.');
    if (!isRole(input.role)) throw new BadUserInputError(`role: one of ${roles.join(', ')}.`);
    if (input.role === 'customer') throw new BadUserInputError('role: customers sign in with a preference-centre link, not an API key.');
    if (input.expiresAt && input.expiresAt.getTime() <= this.now().getTime()) throw new BadUserInputError('expiresAt: must be in the future.');
    const id = randomBytes(10).toString('hex').slice(0, 16);
    const secret = randomBytes(32).toString('base64url');
    const doc: ApiKeyDoc = {
      _id: id,
      name,
      role: input.role,
      allowedOperations: input.allowedOperations?.length ? [...input.allowedOperations] : null,
      expiresAt: input.expiresAt ?? null,
      createdAt: this.now(),
      createdBy: input.createdBy,
      revokedAt: null,
      secretHash: sha256(secret).toString('hex'),
    };
    await this.keys.insertOne(doc);
    return { key: `cpgk_${id}_${secret}`, info: infoOf(doc) };
  }

  /** Every key, newest first, without secrets. */
  async list(): Promise<ApiKeyInfo[]> {
    const docs = await this.keys.find({}).toArray();
    return docs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map(infoOf);
  }

  /** Revokes a key for good; revoking it again changes nothing. */
  async revoke(id: string): Promise<ApiKeyInfo> {
    const doc = await this.keys.findOne({ _id: id });
    if (!doc) throw new NotFoundError(`No API key has id "${id}"; list them with \`npm run keys -- list\`.`);
    if (!doc.revokedAt) await this.keys.updateOne({ _id: id }, { $set: { revokedAt: this.now() } });
    this.verified.delete(id);
    return infoOf((await this.keys.findOne({ _id: id }))!);
  }

  /** The principal of a valid key; AuthenticationError for anything else. */
  async verify(credential: string): Promise<Principal> {
    const match = KEY_PATTERN.exec(credential);
    if (!match) throw new AuthenticationError('The API key is malformed; use the whole key as it was printed when created.');
    const [, id, secret] = match as unknown as [string, string, string];
    const doc = await this.load(id);
    // Compared in constant time, and hashed first so that both sides have the same length.
    if (!doc || !timingSafeEqual(sha256(secret), Buffer.from(doc.secretHash, 'hex'))) {
      throw new AuthenticationError('The API key is not valid; ask an admin for a key.');
    }
    if (doc.revokedAt) throw new AuthenticationError(`The API key "${doc.name}" was revoked; ask an admin for a new one.`);
    if (doc.expiresAt && doc.expiresAt.getTime() <= this.now().getTime()) {
      throw new AuthenticationError(`The API key "${doc.name}" expired at ${doc.expiresAt.toISOString()}; ask an admin for a new one.`);
    }
    return {
      id: `key:${doc._id}`,
      kind: 'api-key',
      name: doc.name,
      roles: [doc.role],
      ...(doc.allowedOperations && { allowedOperations: doc.allowedOperations }),
    };
  }

  private async load(id: string): Promise<ApiKeyDoc | null> {
    const cached = this.verified.get(id);
    if (cached && cached.until > Date.now()) return cached.doc;
    const doc = await this.keys.findOne({ _id: id });
    if (doc) this.verified.set(id, { doc, until: Date.now() + CACHE_MS });
    else this.verified.delete(id);
    return doc;
  }
}

function infoOf({ _id, secretHash: _hash, ...rest }: ApiKeyDoc): ApiKeyInfo {
  return { id: _id, ...rest };
}
