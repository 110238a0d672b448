import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { GraphQLErrorBody } from './gateway';

/** How one operation over graphql-ws ended: its `next` result, its `error` message's errors, or the connection's close. */
export interface WebSocketAnswer<T = unknown> {
  data?: T | null;
  /** The errors of the `next` result, or of an `error` message (`refused` says which). */
  errors?: GraphQLErrorBody[];
  /** True when the operation was refused with an `error` message: nothing was executed. */
  refused?: boolean;
  /** The close of a connection that ended before an answer (code and reason). */
  closed?: { code: number; reason: string };
}

/** A graphql-ws client of the gateway, authenticated with `connectionParams` (`{ authorization: "Bearer <credential>" }` and others). */
export function webSocketClient(baseUrl: string, connectionParams: Record<string, unknown>): Client {
  return createClient({ url: `${baseUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

/** Runs one operation on `client` and says how it ended, never throwing. */
export function runOver<T = unknown>(client: Client, query: string, variables?: Record<string, unknown>, operationName?: string): Promise<WebSocketAnswer<T>> {
  return new Promise((resolve) => {
    let answer: WebSocketAnswer<T> | undefined;
    client.subscribe<T>(
      { query, variables, operationName },
      {
        next: (result) => (answer = { data: result.data, ...(result.errors && { errors: result.errors as GraphQLErrorBody[] }) }),
        error: (error) => {
          if (Array.isArray(error)) resolve({ errors: error as GraphQLErrorBody[], refused: true });
          else if (error && typeof error === 'object' && 'code' in error) {
            const { code, reason } = error as { code: number; reason: string };
            resolve({ closed: { code, reason: String(reason) } });
          } else resolve({ closed: { code: -1, reason: String(error) } });
        },
        complete: () => resolve(answer ?? {}),
      },
    );
  });
}

/** Opens a connection with `connectionParams`, runs one operation and closes it. */
export async function overWebSocket<T = unknown>(baseUrl: string, connectionParams: Record<string, unknown>, query: string, variables?: Record<string, unknown>): Promise<WebSocketAnswer<T>> {
  const client = webSocketClient(baseUrl, connectionParams);
  try {
    return await runOver<T>(client, query, variables);
  } finally {
    await client.dispose();
  }
}

/** A subscription in progress: what it has sent so far, and how it ended. */
export interface LiveSubscription<T> {
  /** Each `next` result, in order. */
  readonly results: { data?: T | null; errors?: GraphQLErrorBody[] }[];
  /** When each result arrived (`Date.now()`), in the same order. */
  readonly arrivedAt: number[];
  /** Set once it ended: completed, refused with an `error` message, or the connection closed. */
  readonly ended: WebSocketAnswer<T> | undefined;
  /** Resolves once it has sent `count` results (or ended, or `timeoutMs` passed); returns the results so far. */
  take(count: number, timeoutMs?: number): Promise<LiveSubscription<T>['results']>;
  /** Stops it (a `complete` message to the gateway). */
  unsubscribe(): void;
}

/** Starts a subscription on `client` and collects what it sends. */
export function subscribeOver<T = unknown>(client: Client, query: string, variables?: Record<string, unknown>): LiveSubscription<T> {
  const results: LiveSubscription<T>['results'] = [];
  const arrivedAt: number[] = [];
  let ended: WebSocketAnswer<T> | undefined;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((waiter) => waiter());
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        results.push({ data: result.data, ...(result.errors && { errors: result.errors as GraphQLErrorBody[] }) });
        arrivedAt.push(Date.now());
        wake();
      },
      error: (error) => {
        if (Array.isArray(error)) ended = { errors: error as GraphQLErrorBody[], refused: true };
        else if (error && typeof error === 'object' && 'code' in error) {
          const { code, reason } = error as unknown as { code: number; reason: unknown };
          ended = { closed: { code, reason: String(reason) } };
        }
        else ended = { closed: { code: -1, reason: String(error) } };
        wake();
      },
      complete: () => {
        ended ??= {};
        wake();
      },
    },
  );
  return {
    results,
    arrivedAt,
    get ended() {
      return ended;
    },
    take: (count, timeoutMs = 10_000) =>
      new Promise((resolve) => {
        const check = () => {
          if (results.length < count && !ended) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(results);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(results);
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    unsubscribe,
  };
}
