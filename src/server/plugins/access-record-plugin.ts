import type { ApolloServerPlugin } from '@apollo/server';
import type { AccessRecords } from '../../access/access-records';
import type { GatewayContext } from '../../../resolvers/context';
import { AccessRecordCollector } from './access-record-collector';

/** Options of {@link accessRecordPlugin}. */
export interface AccessRecordPluginOptions {
  records: AccessRecords;
  /** The `@personal` fields, `Type.field` (src/access/personal-fields.ts). */
  personal: ReadonlySet<string>;
}

/**
 * Writes one access record for each response that returned personal data: the `@personal`
 * fields that resolved to a value (paths, never values), the customers they belong to,
 * who asked, why, and the operation ({@link AccessRecordCollector}). The record is
 * queued, never awaited by the response.
 */
export function accessRecordPlugin({ records, personal }: AccessRecordPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const collector = new AccessRecordCollector(personal);
      return {
        async executionDidStart() {
          return { willResolveField: (field) => collector.willResolveField(field) };
        },
        async willSendResponse({ contextValue, operationName }) {
          const record = collector.record(contextValue, operationName);
          if (record) records.record(record);
        },
      };
    },
  };
}
