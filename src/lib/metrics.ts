import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client), served by GET /metrics (http/metrics.ts). One
 * registry per process, as Prometheus scrapes processes: each process counts what it did, and
 * the queries sum over processes. Names follow Prometheus' conventions (`_total`, `_seconds`);
 * labels carry routes, methods, statuses, payment types and endpoint ids, never a payment's or
 * customer's details.
 */
export const registry = new Registry();

// Node's own: event loop lag (nodejs_eventloop_lag_*), heap, GC, CPU, open handles.
collectDefaultMetrics({ register: registry });

export const httpRequests = new Counter({
  name: 'kessai_http_requests_total',
  help: 'Requests answered, by route pattern, method and status.',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'kessai_http_request_duration_seconds',
  help: 'Time to answer a request, by route pattern, method and status.',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const payments = new Counter({
  name: 'kessai_payments_total',
  help: 'Payments a command changed, by payment type, what was done and the status it left (failed ones by code).',
  labelNames: ['type', 'change', 'status', 'code'] as const,
  registers: [registry],
});

export const webhookAttempts = new Counter({
  name: 'kessai_webhook_attempts_total',
  help: "Webhook delivery attempts by endpoint and result (delivered, failed: an error or a status that is not 2xx).",
  labelNames: ['endpoint', 'result'] as const,
  registers: [registry],
});

export const webhookQueue = new Gauge({
  name: 'kessai_webhook_queue_depth',
  help: 'Webhook deliveries waiting to be sent (due or not), in the database, read at scrape time.',
  registers: [registry],
});

export const webhookOldest = new Gauge({
  name: 'kessai_webhook_oldest_undelivered_seconds',
  help: 'How long the most overdue webhook delivery has waited past its due time (0 when none is overdue), read at scrape time.',
  registers: [registry],
});

export const poolConnections = new Gauge({
  name: 'kessai_db_pool_connections',
  help: "PostgreSQL pool connections by state (total, idle, waiting: queries waiting for a connection), read at scrape time.",
  labelNames: ['state'] as const,
  registers: [registry],
});
