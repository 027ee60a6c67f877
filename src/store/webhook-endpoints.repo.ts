import { sql } from 'kysely';
import type { Db } from './db';
import type { WebhookEndpoint, WebhookSimulation } from '../model/webhook';

// Where merchants receive events; what is sent to them, and when, is the outbox (outbox.repo.ts).

export async function insertEndpoint(db: Db, endpoint: Omit<WebhookEndpoint, 'seq'>): Promise<WebhookEndpoint> {
  return db
    .insertInto('webhook_endpoints')
    .values({ ...endpoint, simulate: jsonOrNull(endpoint.simulate) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findEndpoint(db: Db, merchantId: string, id: string): Promise<WebhookEndpoint | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst();
}

export async function findEndpointByUrl(db: Db, merchantId: string, url: string): Promise<WebhookEndpoint | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('url', '=', url)
    .orderBy('created_at')
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
}

/** Oldest first: the order merchants added them. */
export async function listEndpoints(db: Db, merchantId: string, page: number, perPage: number) {
  const query = db.selectFrom('webhook_endpoints').where('merchant_id', '=', merchantId);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at').orderBy('seq').limit(perPage).offset((page - 1) * perPage).execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

export async function updateEndpoint(
  db: Db,
  merchantId: string,
  id: string,
  changes: Partial<Pick<WebhookEndpoint, 'url' | 'secret_token' | 'events' | 'active' | 'updated_at' | 'simulate'>>,
): Promise<WebhookEndpoint | undefined> {
  const { simulate, ...rest } = changes;
  return db
    .updateTable('webhook_endpoints')
    .set(simulate === undefined ? rest : { ...rest, simulate: jsonOrNull(simulate) })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes the endpoint with its deliveries and their attempts (ON DELETE CASCADE). */
export async function deleteEndpoint(db: Db, merchantId: string, id: string): Promise<WebhookEndpoint | undefined> {
  return db.deleteFrom('webhook_endpoints').where('merchant_id', '=', merchantId).where('id', '=', id).returningAll().executeTakeFirst();
}

function jsonOrNull(simulation: WebhookSimulation | null): string | null {
  return simulation && JSON.stringify(simulation);
}
