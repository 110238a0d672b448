import { createContext, useContext } from 'react';
import type { GatewayClient } from '../shared/gateway-client';

/** What every part of the console shares: the client, what the signed-in person may do, and navigation. */
export interface ConsoleContext {
  client: GatewayClient;
  roles: readonly string[];
  channels: readonly string[];
  purposes: readonly string[];
  /** Goes to a console path (`/console/?customer=<id>`, `/console/systems`) without reloading. */
  navigate(to: string): void;
}

export const ConsoleContextValue = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const context = useContext(ConsoleContextValue);
  if (!context) throw new Error('useConsole outside the console');
  return context;
}

/** Whether the person holds one of `roles` (admin holds every one), to offer an action; the gateway decides. */
export function mayUse(held: readonly string[], ...roles: string[]): boolean {
  return held.includes('admin') || roles.some((role) => held.includes(role));
}
