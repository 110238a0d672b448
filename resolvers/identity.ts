import type { SourceRef } from '../src/adapters/source-adapter';
import type { CandidateStatus, IdentityEventDoc } from '../src/identity/graph-documents';
import type { GatewayContext } from './context';

interface ManualArgs {
  reason: string;
  actor: string;
}

/** `identityCandidates`, `identityHistory`, `resolveCandidate`, `linkRecords`, `unlinkRecord`. */
export const identityResolvers = {
  Query: {
    identityCandidates: (_parent: unknown, args: { status: CandidateStatus; first: number }, { services }: GatewayContext) =>
      services.identity.candidates(args.status, args.first),
    identityHistory: (_parent: unknown, args: { customerId: string; first: number }, { services }: GatewayContext) =>
      services.identity.history(args.customerId, args.first),
  },
  Mutation: {
    resolveCandidate: (_parent: unknown, args: ManualArgs & { id: string; decision: 'MERGE' | 'KEEP_SEPARATE' }, { services }: GatewayContext) =>
      services.identity.resolveCandidate(args.id, args.decision, args),
    linkRecords: async (_parent: unknown, args: ManualArgs & { records: SourceRef[] }, { services }: GatewayContext) => ({
      id: await services.identity.linkRecords(args.records, args),
    }),
    unlinkRecord: (_parent: unknown, args: ManualArgs & { record: SourceRef }, { services }: GatewayContext) =>
      services.identity.unlinkRecord(args.record, args),
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
