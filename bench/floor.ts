/**
 * The floor: what a payment-create-shaped request costs on this machine with nothing of kessai in
 * the way. A bare Fastify route that
 *   - validates a payment-create-shaped JSON body with a JSON schema (Fastify's Ajv),
 *   - writes one transaction of three inserts (payment, event, idempotency-style record) in ONE
 *     round trip: a single statement with data-modifying CTEs (a named prepared statement on
 *     PostgreSQL through a `pg` pool of 10; PGlite runs the same statement),
 *   - answers a ~1.5 KB JSON body.
 * No authentication query, no logging. The tables mirror kessai's (same columns, indexes and
 * foreign keys to a merchants row).
 *
 * The same server also answers `GET /api/v1/payments/:id`, the floor for a read: one named
 * prepared SELECT of the payment's row by merchant and id, rendered as the same ~1.5 KB body
 * (bench/payments-get.ts measures it next to kessai's GET).
 *
 * Run alone:   node --import tsx bench/floor.ts [--db postgres|pglite|both] [--duration 15] [--runs 3]
 * As a server: node --import tsx bench/floor.ts --serve   (used by startFloor; env FLOOR_*)
 * In a script: import { startFloor, measureFloor } from './floor';
 *
 * FLOOR_ROUND_TRIPS=5 (or --round-trips 5) switches the write to BEGIN, three INSERTs, COMMIT for
 * comparison with the "about 2,400/s when it is five".
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BENCH_HOST,
  describeSettings,
  fmtCpu,
  fmtOther,
  fmtMs,
  fmtRate,
  freePort,
  freshDir,
  freshSchema,
  log,
  main,
  measure,
  printTable,
  spawnServer,
  statusSummary,
  testCardBody,
  type DbKind,
  type Figures,
  type ServerHandle,
  type Settings,
  loadSettings,
} from './lib';

// ---------------------------------------------------------------------------------------------
// Schema and statements (shared by both databases)
// ---------------------------------------------------------------------------------------------

const FLOOR_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS merchants (
     id text PRIMARY KEY,
     name text NOT NULL,
     created_at timestamptz NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS payments (
     id text PRIMARY KEY,
     merchant_id text NOT NULL REFERENCES merchants(id),
     status text NOT NULL CHECK (status IN ('pending', 'authorized', 'captured', 'refunded', 'cancelled', 'expired', 'failed')),
     payment_type text NOT NULL,
     amount bigint NOT NULL CHECK (amount >= 0),
     tax bigint NOT NULL CHECK (tax >= 0),
     payment_method_fee bigint NOT NULL DEFAULT 0 CHECK (payment_method_fee >= 0),
     total bigint GENERATED ALWAYS AS (amount + tax + payment_method_fee) STORED,
     currency text NOT NULL,
     amount_refunded bigint NOT NULL DEFAULT 0,
     payment_details json NOT NULL,
     secret_details text,
     description text,
     external_order_num text,
     metadata json NOT NULL DEFAULT '{}',
     locale text NOT NULL,
     email text,
     captured_at timestamptz,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     seq bigint GENERATED ALWAYS AS IDENTITY
   )`,
  `CREATE INDEX IF NOT EXISTS payments_merchant_created ON payments (merchant_id, created_at DESC, seq DESC)`,
  `CREATE INDEX IF NOT EXISTS payments_merchant_order ON payments (merchant_id, external_order_num)`,
  `CREATE TABLE IF NOT EXISTS events (
     id text PRIMARY KEY,
     merchant_id text NOT NULL REFERENCES merchants(id),
     type text NOT NULL,
     resource_id text NOT NULL,
     data json NOT NULL,
     created_at timestamptz NOT NULL,
     seq bigint GENERATED ALWAYS AS IDENTITY
   )`,
  `CREATE INDEX IF NOT EXISTS events_merchant_created ON events (merchant_id, created_at DESC, seq DESC)`,
  `CREATE TABLE IF NOT EXISTS idempotency_keys (
     merchant_id text NOT NULL REFERENCES merchants(id),
     key text NOT NULL,
     request_hash text NOT NULL,
     status_code integer NOT NULL,
     body text NOT NULL,
     created_at timestamptz NOT NULL,
     PRIMARY KEY (merchant_id, key)
   )`,
  `INSERT INTO merchants (id, name, created_at) VALUES ('floormerchant000000000000', 'floor', now()) ON CONFLICT DO NOTHING`,
];

const MERCHANT_ID = 'floormerchant000000000000';

const INSERT_PAYMENT = `INSERT INTO payments (id, merchant_id, status, payment_type, amount, tax, currency, payment_details, secret_details,
       description, external_order_num, metadata, locale, email, captured_at, created_at, updated_at)
     VALUES ($1, $2, 'captured', 'credit_card', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $13)`;
const INSERT_EVENT = `INSERT INTO events (id, merchant_id, type, resource_id, data, created_at)
     VALUES ($14, $2, 'payment.captured', $1, $15, $13)`;
const INSERT_KEY = `INSERT INTO idempotency_keys (merchant_id, key, request_hash, status_code, body, created_at)
     VALUES ($2, $16, $17, 200, $18, $13)`;

/** The three inserts as one statement: data-modifying CTEs, one round trip, atomic on its own. */
const CREATE_ONE_STATEMENT = `WITH p AS (${INSERT_PAYMENT} RETURNING id),
     e AS (${INSERT_EVENT} RETURNING id)
     ${INSERT_KEY}`;

// The five-round-trip variant numbers its parameters per statement.
const renumber = (text: string, order: number[]) => {
  let out = text;
  order.forEach((from, i) => {
    out = out.replace(new RegExp(`\\$${from}(?!\\d)`, 'g'), `$__${i + 1}`);
  });
  return out.replace(/\$__/g, '$');
};
const SPLIT = [
  { text: renumber(INSERT_PAYMENT, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), params: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] },
  { text: renumber(INSERT_EVENT, [14, 2, 1, 15, 13]), params: [14, 2, 1, 15, 13] },
  { text: renumber(INSERT_KEY, [2, 16, 17, 18, 13]), params: [2, 16, 17, 18, 13] },
];

// ---------------------------------------------------------------------------------------------
// The server (child process)
// ---------------------------------------------------------------------------------------------

const cardSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 64 },
    email: { type: 'string', format: 'email', maxLength: 255 },
    number: { type: 'string', pattern: '^[0-9]{12,19}$' },
    month: { type: 'integer', minimum: 1, maximum: 12 },
    year: { type: 'integer', minimum: 2000, maximum: 2100 },
    verification_value: { type: 'string', pattern: '^[0-9]{3,4}$' },
    name: { type: 'string', minLength: 1, maxLength: 255 },
  },
};

const bodySchema = {
  type: 'object',
  required: ['amount', 'currency', 'payment_details'],
  properties: {
    amount: { type: 'integer', minimum: 0, maximum: 99999999999 },
    currency: { type: 'string', minLength: 1, maxLength: 8 },
    payment_details: cardSchema,
    tax: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', enum: ['auto'] }] },
    capture: { type: 'boolean' },
    external_order_num: { type: 'string', maxLength: 255 },
    metadata: { type: 'object', additionalProperties: { type: 'string', maxLength: 500 }, maxProperties: 50 },
    description: { type: 'string', maxLength: 2000 },
    locale: { type: 'string', enum: ['ja', 'en', 'ko'] },
    email: { type: 'string', format: 'email', maxLength: 255 },
    return_url: { type: 'string', format: 'uri', maxLength: 2048 },
  },
};

interface FloorBody {
  amount: number;
  currency: string;
  payment_details: { type: string; email?: string; number?: string; month?: number; year?: number; name?: string };
  tax?: number | 'auto';
  external_order_num?: string;
  metadata?: Record<string, string>;
  description?: string;
  locale?: string;
  email?: string;
}

/** Three 25-character ids (payment, event, idempotency key) from one call to the CSPRNG. */
const newIds = (): [string, string, string] => {
  const hex = randomBytes(39).toString('hex');
  return [hex.slice(0, 25), hex.slice(26, 51), hex.slice(52, 77)];
};

/** A KOMOJU-shaped payment resource padded out to about 1.5 KB. */
function render(id: string, body: FloorBody, now: Date): Record<string, unknown> {
  const details = body.payment_details;
  const iso = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const tax = typeof body.tax === 'number' ? body.tax : 0;
  return {
    id,
    resource: 'payment',
    status: 'captured',
    amount: body.amount,
    tax,
    customer: null,
    payment_deadline: null,
    payment_details: {
      type: details.type,
      email: details.email ?? body.email ?? null,
      brand: 'visa',
      last_four_digits: (details.number ?? '').slice(-4),
      month: details.month ?? null,
      year: details.year ?? null,
    },
    payment_method_fee: 0,
    total: body.amount + tax,
    currency: body.currency,
    description: body.description ?? null,
    captured_at: iso,
    external_order_num: body.external_order_num ?? null,
    metadata: body.metadata ?? {},
    created_at: iso,
    amount_refunded: 0,
    locale: body.locale ?? 'ja',
    refunds: [],
    refund_requests: [],
    session: null,
    // Padding fields, KOMOJU-like, to reach the ~1.5 KB the floor answers with.
    customer_family_name: null,
    customer_given_name: null,
    fraud_details: null,
    statement_descriptor: 'KESSAI FLOOR BENCH',
    instructions_url: `http://${BENCH_HOST}/ja/instructions/${id}`,
    redirect_url: `http://${BENCH_HOST}/offsite/new?uuid=${id}&locale=ja&return=${encodeURIComponent('http://127.0.0.1/return')}`,
    mcc: '5999',
    processor: { name: 'test', authorization_code: id.slice(0, 12), network_reference: `${id}0000000` },
    risk: { score: 12, level: 'low', checks: { cvc: 'pass', address: 'unavailable', three_d_secure: 'not_attempted' } },
    links: {
      self: `/api/v1/payments/${id}`,
      capture: `/api/v1/payments/${id}/capture`,
      refund: `/api/v1/payments/${id}/refund`,
      cancel: `/api/v1/payments/${id}/cancel`,
      events: `/api/v1/events?resource_id=${id}`,
    },
    notes: 'This field pads the floor response to about 1.5 KB, the size of a full KOMOJU payment resource with its nested objects. '.repeat(1),
  };
}

const SELECT_PAYMENT = `SELECT id, amount, tax, currency, payment_details, description, external_order_num, metadata, locale, email, created_at
     FROM payments WHERE merchant_id = $1 AND id = $2`;

interface PaymentReadRow {
  id: string;
  amount: number | string;
  tax: number | string;
  currency: string;
  payment_details: FloorBody['payment_details'] & { last_four_digits?: string };
  description: string | null;
  external_order_num: string | null;
  metadata: Record<string, string>;
  locale: string;
  email: string | null;
  created_at: Date;
}

/** The stored row rendered as `render` renders a create (the card number is gone: last four only). */
function renderRow(row: PaymentReadRow): Record<string, unknown> {
  const { last_four_digits: lastFour, ...details } = row.payment_details;
  const body: FloorBody = {
    amount: Number(row.amount),
    tax: Number(row.tax),
    currency: row.currency,
    payment_details: { ...details, number: lastFour },
    description: row.description ?? undefined,
    external_order_num: row.external_order_num ?? undefined,
    metadata: row.metadata,
    locale: row.locale,
    email: row.email ?? undefined,
  };
  return render(row.id, body, new Date(row.created_at));
}

interface Writer {
  write(values: unknown[]): Promise<void>;
  read(id: string): Promise<PaymentReadRow | undefined>;
  close(): Promise<void>;
}

async function openWriter(db: DbKind, roundTrips: 1 | 5): Promise<Writer> {
  if (db === 'postgres') {
    const { default: pg } = await import('pg');
    const schema = process.env.FLOOR_SCHEMA!;
    const pool = new pg.Pool({
      connectionString: process.env.FLOOR_DATABASE_URL,
      max: Number(process.env.FLOOR_POOL_SIZE || 10),
      options: `-c search_path=${schema}`,
    });
    for (const statement of FLOOR_SCHEMA) await pool.query(statement);
    return {
      async write(values) {
        if (roundTrips === 1) {
          await pool.query({ name: 'floor_create', text: CREATE_ONE_STATEMENT, values });
          return;
        }
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          for (const [i, step] of SPLIT.entries()) {
            await client.query({ name: `floor_step_${i}`, text: step.text, values: step.params.map((p) => values[p - 1]) });
          }
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      },
      async read(id) {
        return (await pool.query<PaymentReadRow>({ name: 'floor_read', text: SELECT_PAYMENT, values: [MERCHANT_ID, id] })).rows[0];
      },
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const client = new PGlite(join(process.env.FLOOR_DATA_DIR!, 'pgdata'));
  await client.waitReady;
  for (const statement of FLOOR_SCHEMA) await client.exec(statement);
  return {
    async write(values) {
      if (roundTrips === 1) {
        await client.query(CREATE_ONE_STATEMENT, values);
        return;
      }
      await client.transaction(async (tx) => {
        for (const step of SPLIT) await tx.query(step.text, step.params.map((p) => values[p - 1]));
      });
    },
    async read(id) {
      return (await client.query<PaymentReadRow>(SELECT_PAYMENT, [MERCHANT_ID, id])).rows[0];
    },
    close: () => client.close(),
  };
}

/** The floor server: `--serve`, configured by FLOOR_DB, FLOOR_PORT, FLOOR_SCHEMA/FLOOR_DATA_DIR. */
async function serveFloor(): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const db = process.env.FLOOR_DB as DbKind;
  const roundTrips = process.env.FLOOR_ROUND_TRIPS === '5' ? 5 : 1;
  const writer = await openWriter(db, roundTrips);
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 });

  app.get('/health', async () => ({ status: 'ok' }));
  app.post<{ Body: FloorBody }>('/api/v1/payments', { schema: { body: bodySchema } }, async (request, reply) => {
    const body = request.body;
    const [id, eventId, keyId] = newIds();
    const now = new Date();
    const tax = typeof body.tax === 'number' ? body.tax : 0;
    const response = JSON.stringify(render(id, body, now));
    const details = body.payment_details;
    const publicDetails = JSON.stringify({
      type: details.type,
      email: details.email ?? null,
      brand: 'visa',
      last_four_digits: (details.number ?? '').slice(-4),
      month: details.month ?? null,
      year: details.year ?? null,
    });
    await writer.write([
      id,
      MERCHANT_ID,
      body.amount,
      tax,
      body.currency,
      publicDetails,
      null,
      body.description ?? null,
      body.external_order_num ?? null,
      JSON.stringify(body.metadata ?? {}),
      body.locale ?? 'ja',
      details.email ?? body.email ?? null,
      now,
      eventId,
      response,
      keyId,
      'h'.repeat(64),
      response,
    ]);
    return reply.code(200).type('application/json; charset=utf-8').send(response);
  });
  app.get<{ Params: { id: string } }>('/api/v1/payments/:id', async (request, reply) => {
    const row = await writer.read(request.params.id);
    if (!row) return reply.code(404).send({ error: { code: 'not_found' } });
    return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(renderRow(row)));
  });

  await app.listen({ port: Number(process.env.FLOOR_PORT), host: BENCH_HOST });
  const shutdown = async () => {
    await app.close();
    await writer.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

// ---------------------------------------------------------------------------------------------
// Starting and measuring it from other scripts
// ---------------------------------------------------------------------------------------------

export interface FloorOptions {
  roundTrips?: 1 | 5;
  /** DATABASE_URL given to the server when it differs from the one schemas are managed with (a proxy). */
  serverDatabaseUrl?: string;
}

/** Starts the floor server as a child process with a fresh database. */
export async function startFloor(db: DbKind, settings: Settings, options: FloorOptions = {}): Promise<ServerHandle> {
  const port = await freePort();
  const dataDir = freshDir('kessai-floor-').dir;
  const schema = db === 'postgres' ? (await freshSchema(settings.databaseUrl, 'benchfloor')).schema : null;
  return spawnServer({
    name: `floor (${db})`,
    db,
    args: ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'],
    nodeArgs: settings.serverNodeArgs,
    env: {
      FLOOR_DB: db,
      FLOOR_PORT: String(port),
      FLOOR_SCHEMA: schema ?? '',
      FLOOR_DATA_DIR: dataDir,
      FLOOR_DATABASE_URL: options.serverDatabaseUrl ?? settings.databaseUrl,
      FLOOR_ROUND_TRIPS: String(options.roundTrips ?? 1),
    },
    readyPath: '/health',
    port,
    schema,
    dataDir,
  });
}

export const createRequestBody = () => JSON.stringify(testCardBody());

/**
 * Starts the floor on `db`, runs the same load kessai gets (warm-up, then `settings.runs` runs
 * of -c connections -d duration), stops it, and returns the figures.
 */
export async function measureFloor(db: DbKind, settings: Settings, options: FloorOptions = {}): Promise<Figures> {
  const server = await startFloor(db, settings, options);
  try {
    const probe = await fetch(`${server.url}/api/v1/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: createRequestBody(),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await probe.text();
    if (probe.status !== 200) throw new Error(`floor probe answered ${probe.status}: ${text}`);
    log(`floor (${db}): response ${Buffer.byteLength(text)} bytes`);
    return await measure(
      `floor (${db}${options.roundTrips === 5 ? ', 5 round trips' : ''})`,
      {
        url: server.url,
        method: 'POST',
        path: '/api/v1/payments',
        headers: { 'content-type': 'application/json' },
        body: createRequestBody(),
        connections: settings.connections,
        duration: settings.duration,
        serverPid: server.child.pid,
      },
      settings.runs,
      settings.warmup,
    );
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

async function runAlone(): Promise<void> {
  const settings = loadSettings({ db: 'both' });
  const argv = process.argv.slice(2);
  const rtFlag = argv.find((a) => a.startsWith('--round-trips'));
  const rtRaw = rtFlag?.includes('=') ? rtFlag.split('=')[1] : rtFlag ? argv[argv.indexOf(rtFlag) + 1] : process.env.FLOOR_ROUND_TRIPS;
  const roundTrips: 1 | 5 = rtRaw === '5' ? 5 : 1;
  process.stdout.write(`floor: ${describeSettings(settings)}; ${roundTrips} round trip(s) per create\n`);
  const rows: string[][] = [];
  for (const db of settings.dbs) {
    const f = await measureFloor(db, settings, { roundTrips });
    rows.push([`floor ${db}`, fmtRate(f.okPerSecond), fmtMs(f.p50), fmtMs(f.p99), fmtMs(f.max), String(f.non2xx), statusSummary(f), fmtCpu(f.serverCpuMs), fmtOther(f)]);
  }
  printTable(
    `floor (POST, ${roundTrips} round trip(s)) — 2xx/s; median of ${settings.runs} × (-c ${settings.connections} -d ${settings.duration})`,
    ['', 'req/s', 'p50', 'p99', 'max', 'non-2xx', 'statuses', 'server CPU/req', 'other load'],
    rows,
  );
}

const isEntry = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntry) {
  if (process.argv.includes('--serve')) {
    serveFloor().catch((error) => {
      process.stderr.write(`floor server: ${error?.stack ?? error}\n`);
      process.exit(1);
    });
  } else {
    await main(runAlone);
  }
}
