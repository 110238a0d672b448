/**
 * The lags (recorded to delivered, in seconds) of the deliveries this process finished
 * since the last look, per system: the delivery worker records each, the propagation
 * sampler drains them once per tick into the minute's p50 and p99.
 */
export class DeliveryLagWindow {
  private lags = new Map<string, number[]>();

  /** Notes one finished delivery to `system`. */
  record(system: string, lagSeconds: number): void {
    const list = this.lags.get(system);
    if (list) list.push(lagSeconds);
    else this.lags.set(system, [lagSeconds]);
  }

  /** The lags recorded since the last drain, per system, and a fresh window. */
  drain(): ReadonlyMap<string, readonly number[]> {
    const drained = this.lags;
    this.lags = new Map();
    return drained;
  }
}
