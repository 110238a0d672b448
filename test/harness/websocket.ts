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
