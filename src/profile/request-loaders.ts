import type { ProfileRequestLoaders, ProfileService } from './profile-service';

const loadersByRequest = new WeakMap<object, ProfileRequestLoaders>();

/**
 * The profile loaders of one request, made on first use and kept for that request only
 * (keyed by the request's context object, so they die with it and are never shared
 * across callers). Lets any resolver reach the same loaders without the context factory
 * knowing about profiles.
 */
export function requestLoaders(requestContext: object, profiles: ProfileService): ProfileRequestLoaders {
  let loaders = loadersByRequest.get(requestContext);
  if (!loaders) {
    loaders = profiles.createLoaders();
    loadersByRequest.set(requestContext, loaders);
  }
  return loaders;
}
