import type { DescribesSystem, SystemStatus } from './system-status';

/** Lists the connected source systems and their health. */
export class SystemsService {
  constructor(private readonly systems: readonly DescribesSystem[]) {}

  /** Every configured system, in configuration order. */
  async list(): Promise<SystemStatus[]> {
    return Promise.all(this.systems.map((system) => system.describe()));
  }
}
