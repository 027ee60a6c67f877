import { PostgresDialect, type DatabaseConnection, type Driver, type QueryCompiler, type TransactionSettings } from 'kysely';
import { DatabaseUnavailable, isConnectionError, isTimeoutError } from './connection-errors';

async function unavailableOnConnectionLoss<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw isConnectionError(error) || isTimeoutError(error) ? new DatabaseUnavailable(error) : error;
  }
}

/** Kysely's PostgreSQL dialect with its driver in ConnectionLossAsUnavailable. */
export class ResilientPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new ConnectionLossAsUnavailable(super.createDriver());
  }
}

/**
 * A driver whose every operation (acquiring a connection, each query, BEGIN/COMMIT/ROLLBACK)
 * throws DatabaseUnavailable where the wrapped driver failed for a lost connection or a timeout: one place,
 * under every repository, so no caller has to tell a dead connection from a failed statement.
 */
class ConnectionLossAsUnavailable implements Driver {
  readonly #inner: Driver;
  /** Ours → the wrapped driver's (each connection is wrapped once; the pg driver keeps them per client). */
  readonly #wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
  readonly #ours = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(inner: Driver) {
    this.#inner = inner;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await unavailableOnConnectionLoss(() => this.#inner.acquireConnection());
    let ours = this.#ours.get(inner);
    if (!ours) {
      ours = {
        executeQuery: (query) => unavailableOnConnectionLoss(() => inner.executeQuery(query)),
        streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
      };
      this.#ours.set(inner, ours);
      this.#wrapped.set(ours, inner);
    }
    return ours;
  }

  #unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.#wrapped.get(connection) ?? connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.beginTransaction(this.#unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.commitTransaction(this.#unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.rollbackTransaction(this.#unwrap(connection)));
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.savepoint!(this.#unwrap(connection), name, compile));
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.rollbackToSavepoint!(this.#unwrap(connection), name, compile));
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.releaseSavepoint!(this.#unwrap(connection), name, compile));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(this.#unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}
