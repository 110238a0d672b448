import type { SystemsService } from './systems/systems-service';

/**
 * The services resolvers call. Built once per process by the composition root
 * (src/main.ts or a test harness); per-request state (loaders) lives in the context.
 */
export interface Services {
  systems: SystemsService;
}
