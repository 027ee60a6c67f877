import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';
import { bindExecuteSync, resultOf, type WireValue } from './pglite-wire';

const { serialize } = protocol;

/** What kysely-pglite-dialect calls on its client. */
export interface PgliteQueryClient {
  query<T>(text: string, params?: unknown[]): Promise<Results<T>>;
  close(): Promise<void>;
}

/**
 * PGlite with parameterised statements run as named prepared statements, as the pg pool does on
 * PostgreSQL (see prepareStatements in pg-statements.ts). PGlite's own `query()` parses,
 * describes and plans the statement on every call, in six separate calls into the WebAssembly engine; here a
 * statement is parsed and described once, and each execution is one call (Bind, Describe,
 * Execute, Sync; written and read by pglite-wire.ts), whose plan PostgreSQL may keep. `prepares`
 * says which texts may be kept (the same rule as on PostgreSQL); the rest go to `query()`
 * unchanged. Every query first yields to the event loop (see query below).
 */
export function withPreparedStatements(pg: PGlite, prepares: (text: string) => boolean): PgliteQueryClient {
  /** Statement name and parameter types of each text prepared on this database. */
  const prepared = new Map<string, { name: string; types: number[] }>();
  // Never reused, even after a failed prepare: the engine may hold a name this map does not.
  let named = 0;

  async function prepare(text: string) {
    let statement = prepared.get(text);
    if (!statement) {
      const name = `k${named++}`;
      const { messages } = await pg.execProtocol(batch(serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()), {
        syncToFs: false,
      });
      statement = { name, types: parse.parseDescribeStatementResults(messages) };
      prepared.set(text, statement);
    }
    return statement;
  }

  async function execute<T>(text: string, params: unknown[]): Promise<Results<T>> {
    const { name, types } = await prepare(text);
    // As PGlite's query() turns parameters into text: by the statement's parameter types.
    const values = params.map((param, i): WireValue => {
      if (param === null || param === undefined) return null;
      const serializer = pg.serializers[types[i]];
      return serializer ? (serializer(param) as WireValue) : String(param);
    });
    const { messages } = await pg.execProtocol(bindExecuteSync(name, values));
    return resultOf<T>(messages, pg.parsers);
  }

  return {
    async query<T>(text: string, params: unknown[] = []) {
      // PGlite answers within the same turn of the event loop, so a queue of queries would run
      // to its end in microtasks while no socket is read: under 50 connections a new
      // connection's first request waited seconds (one more admitted per pass through the
      // queue). Yielding to the event loop first lets arriving requests join the queue in order.
      await new Promise((resolve) => setImmediate(resolve));
      if (params.length === 0 || !prepares(text)) return pg.query<T>(text, params);
      // The two locks PGlite's query() takes: nothing else runs on the engine meanwhile.
      return pg._runExclusiveTransaction(() => pg._runExclusiveQuery(() => execute<T>(text, params)));
    },
    close: () => pg.close(),
  };
}

/** Protocol messages sent in one call: the engine reads them in order. */
function batch(...messages: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(messages.reduce((length, message) => length + message.length, 0));
  let offset = 0;
  for (const message of messages) {
    out.set(message, offset);
    offset += message.length;
  }
  return out;
}
