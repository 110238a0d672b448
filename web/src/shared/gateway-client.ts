import { Client, CombinedError, fetchExchange, type AnyVariables, type TypedDocumentNode } from '@urql/core';

/** A GraphQL error as the gateway sends it: a message a person can act on, a code, a path. */
export interface GatewayError {
  message: string;
  code: string | undefined;
  path: readonly (string | number)[] | undefined;
}

/** An answer: the data (possibly partial) and the errors beside it. */
export interface GatewayResult<Data> {
  data: Data | undefined;
  errors: GatewayError[];
}

/**
 * The pages' only way to the gateway: typed operations (web/src/shared/graphql.ts) sent to
 * /graphql with the caller's credential, a person's access token or a customer's link.
 * Nothing is cached between calls: every answer is the gateway's current one.
 */
export class GatewayClient {
  private readonly client: Client;

  constructor(credential: () => string | null, headers: () => Record<string, string> = () => ({})) {
    this.client = new Client({
      url: '/graphql',
      exchanges: [fetchExchange],
      requestPolicy: 'network-only',
      preferGetMethod: false,
      fetchOptions: () => {
        const token = credential();
        return { headers: { ...headers(), ...(token ? { authorization: `Bearer ${token}` } : {}) } };
      },
    });
  }

  async query<Data, Variables extends AnyVariables>(document: TypedDocumentNode<Data, Variables>, variables: Variables): Promise<GatewayResult<Data>> {
    return answer(await this.client.query(document, variables).toPromise());
  }

  async mutation<Data, Variables extends AnyVariables>(document: TypedDocumentNode<Data, Variables>, variables: Variables): Promise<GatewayResult<Data>> {
    return answer(await this.client.mutation(document, variables).toPromise());
  }
}

function answer<Data>(result: { data?: Data; error?: CombinedError }): GatewayResult<Data> {
  const errors: GatewayError[] = (result.error?.graphQLErrors ?? []).map((error) => ({
    message: error.message,
    code: typeof error.extensions?.code === 'string' ? error.extensions.code : undefined,
    path: error.path,
  }));
  if (result.error?.networkError) errors.push({ message: networkMessage(result.error), code: 'NETWORK', path: undefined });
  return { data: result.data ?? undefined, errors };
}

/** The gateway's own message when it answered with an HTTP error (it always sends one), else the network's. */
function networkMessage(error: CombinedError): string {
  const response = error.response as { status?: number } | undefined;
  if (response?.status === 401) return 'Your sign-in has expired or is not valid; sign in again.';
  if (response?.status === 429) return 'Too many requests; wait a moment and try again.';
  return `The gateway cannot be reached (${error.networkError?.message ?? 'network error'}); try again.`;
}

/** The errors at `path` or below it: for a field, whether it was withheld (FORBIDDEN) or its source failed. */
export function errorsAt(errors: readonly GatewayError[], path: readonly (string | number)[]): GatewayError[] {
  return errors.filter((error) => error.path && path.every((part, index) => error.path![index] === part));
}
