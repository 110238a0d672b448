import type { SourceRef } from '../src/adapters/source-adapter';
import type { CandidateStatus, IdentityEventDoc } from '../src/identity/graph-documents';
import type { GatewayContext } from './context';

interface ManualArgs {
  reason: string;
}

/** A person's action on the graph: the reason given, and the caller as the actor. */
const manualAction = ({ reason }: ManualArgs, { principal }: GatewayContext) => ({ reason, actor: principal.id });

/** `identityCandidates`, `identityHistory`, `resolveCandidate`, `linkRecords`, `unlinkRecord`. */
export const identityResolvers = {
  Query: {
    identityCandidates: (_parent: unknown, args: { status: CandidateStatus; first: number }, { services }: GatewayContext) =>
      services.identity.candidates(args.status, args.first),
    identityHistory: (_parent: unknown, args: { customerId: string; first: number }, { services }: GatewayContext) =>
      services.identity.history(args.customerId, args.first),
  },
  Mutation: {
    resolveCandidate: (_parent: unknown, args: ManualArgs & { id: string; decision: 'MERGE' | 'KEEP_SEPARATE' }, context: GatewayContext) =>
      context.services.identity.resolveCandidate(args.id, args.decision, manualAction(args, context)),
    linkRecords: async (_parent: unknown, args: ManualArgs & { records: SourceRef[] }, context: GatewayContext) => ({
      id: await context.services.identity.linkRecords(args.records, manualAction(args, context)),
    }),
    unlinkRecord: (_parent: unknown, args: ManualArgs & { record: SourceRef }, context: GatewayContext) =>
      context.services.identity.unlinkRecord(args.record, manualAction(args, context)),
  },
  IdentityEvent: {
    id: (event: IdentityEventDoc) => event._id,
    undoneMerge: ({ undoneMerge }: IdentityEventDoc) => undoneMerge && { ...undoneMerge, restoredId: undoneMerge.loserId },
  },
  UnlinkResult: {
    original: (result: { originalCustomerId: string }) => ({ id: result.originalCustomerId }),
    split: (result: { splitCustomerId: string }) => ({ id: result.splitCustomerId }),
  },
};
