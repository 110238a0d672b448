import { GraphQLError, validate, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { createComplexityRule } from 'graphql-query-complexity';
import { publicErrorCodes } from '../../errors/error-codes';
import type { GatewayError } from '../../errors/gateway-error';
import { AdminOnlyIntrospectionRule } from './admin-only-introspection-rule';
import { limitExceededError, type LimitName } from './limit-exceeded-error';
import { listSizeEstimator } from './list-size-estimator';
import type { OperationLimits } from './operation-limits';

/**
 * Fields graphql-query-complexity visits at most while pricing one operation (fragment
 * spreads visited again each time): a fixed guard, far above what 1,000 tokens spell
 * without spreading fragments into each other.
 */
export const maxCostedNodes = 10_000;

/** The request an operation's limits are checked against. */
export interface OperationLimitsRequest {
  /** The caller's limits (see `limitsForPrincipal`). */
  limits: OperationLimits;
  /** The request's variables: list arguments sent as variables are measured too. @default {} */
  variables?: Record<string, unknown>;
  /** The operation to price, when the document holds several. @default the only one */
  operationName?: string;
  /** Whether the caller may introspect (`__schema`, `__type`). @default true */
  introspection?: boolean;
}

/**
 * The validation rules that enforce a caller's limits, for `validate()` after the
 * specified rules: GraphQL Armor's depth, aliases (`__typename` aliases counted too) and
 * directives rules, graphql-query-complexity's cost rule priced by {@link listSizeEstimator}
 * (which also bounds list arguments), and introspection for those allowed it. Each
 * violation is reported as a LIMIT_EXCEEDED error naming the limit and its value (FORBIDDEN
 * for introspection). HTTP and the websocket both run them through {@link checkOperationLimits}.
 */
export function operationLimitRules(request: OperationLimitsRequest): ValidationRule[] {
  const { limits, variables = {}, operationName, introspection = true } = request;
  /** GraphQL Armor's options: report (not throw) its rejection as our error; its message names limit and value. */
  const armor = (limit: LimitName, n: number) => ({
    n,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(limitExceededError(limit, n, error.message.replace(/^Syntax Error: /, ''))),
    ],
  });
  const cost: ValidationRule = (context) =>
    createComplexityRule({
      maximumComplexity: limits.cost,
      variables,
      operationName,
      maxQueryNodes: maxCostedNodes,
      estimators: [listSizeEstimator({ maxListSize: limits.listSize, onOversized: (error) => context.reportError(error) })],
      createError: (max, actual) => limitExceededError('cost', max, `Cost limit of ${max} exceeded, found ${actual}.`),
    })(context);
  return [
    ...(introspection ? [] : [AdminOnlyIntrospectionRule]),
    // Depth of the answer's tree: a fragment is counted where it is spread (unflattened, GraphQL Armor adds two levels per spread).
    maxDepthRule({ ...armor('depth', limits.depth), flattenFragments: true }),
    maxAliasesRule({ ...armor('aliases', limits.aliases), allowList: [] }),
    maxDirectivesRule(armor('directives', limits.directives)),
    cost,
  ];
}

/** The input of {@link checkOperationLimits}: a parsed, validated document and its request. */
export interface OperationLimitsCheck extends OperationLimitsRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
}

/**
 * Checks a parsed and (with the specified rules) validated operation against a caller's
 * limits, before anything runs: the errors to answer with, empty when it may run. Errors
 * that are not about limits (a variable of the wrong type, seen while pricing) are left
 * to execution, which reports them as it always does.
 */
export function checkOperationLimits({ schema, document, ...request }: OperationLimitsCheck): readonly GraphQLError[] {
  try {
    return validate(schema, document, operationLimitRules(request)).filter((error) => publicErrorCodes.has(String(error.extensions?.code)));
  } catch (error) {
    // graphql-query-complexity throws, rather than reports, when fragments spread into each other past its node guard.
    if (!(error instanceof GraphQLError)) throw error;
    return [limitExceededError('nodes', maxCostedNodes, `Node limit of ${maxCostedNodes} exceeded: fragments spread into each other too often.`)];
  }
}

/**
 * The document's token count against `maxTokens`, counted by GraphQL Armor's lexer before
 * the document is parsed (so an oversized one never reaches the parser or validation):
 * a LIMIT_EXCEEDED error, or undefined when it is within the limit. A syntax error is
 * not ours to report: the GraphQL server answers it as GRAPHQL_PARSE_FAILED.
 */
export function tokenLimitError(query: string, maxTokens: number): GatewayError | undefined {
  let exceeded = false;
  try {
    new MaxTokensParserWLexer(query, { n: maxTokens, onReject: [() => (exceeded = true)] }).parseDocument();
  } catch {
    // Stopped at token maxTokens + 1 (exceeded), or a syntax error.
  }
  return exceeded ? limitExceededError('tokens', maxTokens, `Token limit of ${maxTokens} exceeded.`) : undefined;
}
