import type { Logger } from '../observability/logger';
import type { MongoStore } from '../store/mongo-store';
import { AccessRecords } from './access-records';
import { ApiKeyStore } from './api-keys';
import { Authenticator } from './authenticator';
import { OidcVerifier, type OidcSettings } from './oidc-verifier';
import { PreferenceLinks } from './preference-link';

/** The access parts one process needs, over one store. */
export interface Access {
  apiKeys: ApiKeyStore;
  preferenceLinks: PreferenceLinks;
  authenticator: Authenticator;
  /** The record of personal-data reads. */
  accessRecords: AccessRecords;
}

/** Builds API keys, preference links, the authenticator and access records; people's tokens are accepted only with `oidc`. */
export function createAccess(store: MongoStore, { oidc, logger }: { oidc?: OidcSettings; logger?: Logger } = {}): Access {
  const apiKeys = new ApiKeyStore(store);
  const preferenceLinks = new PreferenceLinks(store);
  return {
    apiKeys,
    preferenceLinks,
    authenticator: new Authenticator({ apiKeys, preferenceLinks, oidc: oidc && new OidcVerifier(oidc) }),
    accessRecords: new AccessRecords(store, logger),
  };
}
