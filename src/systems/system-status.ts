/** How a source system is doing, from this gateway's calls to it. */
export interface SystemHealth {
  status: 'HEALTHY' | 'DEGRADED' | 'UNAVAILABLE';
  circuit: 'CLOSED' | 'OPEN' | 'HALF_OPEN';
  /** The last error's code and a short reason; never personal data. */
  lastError: string | null;
  recentLatencyMs: number | null;
  apiUsage: { used: number; limit: number } | null;
}

/** A connected system as the `systems` query shows it. */
export interface SystemStatus {
  name: string;
  dialect: string;
  /** Never carries a credential. */
  baseUrl: string;
  fields: readonly string[];
  health: SystemHealth;
}

/** Anything that can describe one connected system (an adapter, later). */
export interface DescribesSystem {
  describe(): Promise<SystemStatus> | SystemStatus;
}
