import { MongoNetworkError, MongoNotConnectedError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';

/**
 * True when an error means the store cannot serve right now rather than a bug: the
 * server is unreachable (network, server selection, a connection not made yet or being
 * remade after a failed first attempt, see MongoStore.connect), or FerretDB's SQLite backend is
 * locked by other writers past its busy timeout ("database is locked"). Such a write
 * was not acknowledged, so the caller may safely retry.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError
  ) {
    return true;
  }
  return error instanceof MongoServerError && /SQLITE_BUSY|database is locked/i.test(error.message);
}
