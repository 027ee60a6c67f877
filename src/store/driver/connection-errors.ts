import { ApiError } from '../../kernel/errors';

/** An error that says the connection to PostgreSQL is gone or cannot be made (not a bad query). */
const CONNECTION_MESSAGES = [
  /^Connection terminated/, // pg: the socket closed (unexpectedly, or on a connection timeout)
  /^Client has encountered a connection error and is not queryable/, // pg: a query on a broken client
  /^timeout exceeded when trying to connect/, // pg-pool: connectionTimeoutMillis
];
const CONNECTION_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * True when `error` means the database connection was lost or could not be made, rather than
 * that the statement failed: SQLSTATE class 08 (connection exception), 57P01–57P03 (PostgreSQL
 * shutting down, crashed, or still starting: what a restart or pg_terminate_backend sends),
 * 53300 (too many connections), 25P03 (idle_in_transaction_session_timeout ended the session), a refused or reset socket, or pg's own messages for a closed
 * connection. The one place such errors are recognised.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' || code === '25P03') return true;
    if (CONNECTION_NODE_CODES.has(code)) return true;
  }
  if (CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  // Node reports a refused connection to a name with several addresses as an AggregateError.
  return error instanceof AggregateError && error.errors.some(isConnectionError);
}

/**
 * True when `error` is a statement PostgreSQL gave up on for one of the session's timeouts:
 * 57014 (query_canceled: statement_timeout, or a cancel) or 55P03 (lock_not_available:
 * lock_timeout). The session itself is fine; the request is answered 503 rather than 500.
 */
export function isTimeoutError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === '57014' || code === '55P03';
}

/**
 * A query that failed because the database connection is gone, or ran past one of its timeouts
 * (the original error stays its `cause`): the request that made it is
 * answered 503 `service_unavailable` with Retry-After (the API's envelope, or a page), and the
 * client retries once the pool has reconnected.
 */
export class DatabaseUnavailable extends ApiError {
  constructor(cause: unknown) {
    super('service_unavailable', { message: 'The service is briefly unavailable. Retry after a second.' });
    this.cause = cause;
  }
}

/** What a log line says of a connection error: pg attaches the whole client (and its statements). */
export function connectionErrorSummary(error: unknown): { message: string; code?: string } {
  const { message, code } = error as { message?: string; code?: string };
  return { message: String(message), ...(code ? { code } : {}) };
}
