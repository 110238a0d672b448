import { SourceError } from './source-error';

/**
 * How many calls to source systems one GraphQL request may cause, across every source:
 * the request's loaders carry one, every adapter call passes it on, and the HTTP client
 * takes one call from it before sending. Past the cap a call is refused, unsent, with a
 * `CALL_LIMIT` {@link SourceError} (not the source's fault: no retry, no breaker, no
 * degraded health), so one request cannot spend a vendor's API quota by itself.
 * A call counts once, whatever its retries.
 */
export class SourceCallAllowance {
  private made = 0;

  /** @param max Calls allowed to this request, 0 or more. */
  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 0) throw new TypeError(`A source call allowance is a whole number of calls, 0 or more; got ${max}.`);
  }

  /** Calls taken so far (refused ones not counted). */
  get used(): number {
    return this.made;
  }

  /** Takes one call for `system`, or throws CALL_LIMIT when the request has made `max` already. */
  take(system: string): void {
    if (this.made >= this.max) throw new SourceError(system, 'CALL_LIMIT', { note: `at most ${this.max} source calls per request` });
    this.made++;
  }
}
