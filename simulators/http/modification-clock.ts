/**
 * The clock a simulator stamps its changes with (Salesforce `SystemModstamp`, SCIM
 * `meta.lastModified`): strictly increasing by at least a millisecond, so that a change
 * query "modified after the last stamp I saw" (`SystemModstamp > t`, `meta.lastModified
 * gt "t"`) never misses a second change made in the same millisecond as the first.
 */
export function createModificationClock(): () => Date {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}
