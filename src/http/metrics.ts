import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../domain/context';
import { httpDuration, httpRequests, poolConnections, registry, webhookOldest, webhookQueue } from '../lib/metrics';
import { hasLiveMerchant, webhookBacklog } from '../domain/monitoring';

/**
 * GET /metrics, in Prometheus' text format (lib/metrics.ts lists what it holds), and the hook
 * that counts and times every request. Who may scrape it:
 * - with `token` (KESSAI_METRICS_TOKEN): only `Authorization: Bearer <token>`, else 401;
 * - without: anyone while the server has no live-mode merchant (a developer's sandbox), and no
 *   one (404, as if it were off) once it has one: route names, volumes and endpoint ids are
 *   an operator's business.
 */
export function registerMetrics(app: FastifyInstance, services: Services, token: string | null): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, not its URL: ids would make a series per payment.
    const labels = { route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { config: { access: 'public' } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (token !== null) {
      if (!bearerMatches(request.headers.authorization, token)) return reply.code(401).header('www-authenticate', 'Bearer').type('text/plain').send('401 Unauthorized: send Authorization: Bearer <KESSAI_METRICS_TOKEN>\n');
    } else if (await hasLiveMerchant(services.db).catch(() => null) !== false) {
      // Live merchants, or no database to say there are none: closed.
      return reply.code(404).type('text/plain').send('404 Not Found: /metrics is off on a server with live merchants unless KESSAI_METRICS_TOKEN is set\n');
    }
    // The database's gauges keep their last values while it is away: the scrape still has the rest.
    await readGauges(services).catch(() => {});
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

/** The gauges read from the database and the pool, as they stand at this scrape. */
async function readGauges(services: Services): Promise<void> {
  const backlog = await webhookBacklog(services.db);
  webhookQueue.set(backlog.pending);
  webhookOldest.set(backlog.oldestDue ? Math.max(0, (services.clock.now().getTime() - backlog.oldestDue.getTime()) / 1000) : 0);
  const pool = services.poolStats?.();
  if (pool) for (const state of ['total', 'idle', 'waiting'] as const) poolConnections.set({ state }, pool[state]);
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
