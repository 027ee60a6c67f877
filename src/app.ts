import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import qs from 'qs';
import type { Services } from './domain/context';
import { ApiError } from './kernel/errors';
import { parseApiVersion, type ApiVersion } from './wire/api-version';
import { registerRateLimit, type RateLimits } from './http/plugins/rate-limit';
import { registerAuth } from './http/plugins/auth';
import { registerCors } from './http/plugins/cors';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling } from './http/plugins/errors';
import { registerFaults } from './http/plugins/faults';
import { registerIdempotency } from './http/plugins/idempotency';
import { registerInputChecks } from './http/plugins/input';
import { registerOpenApi } from './http/openapi/document';
import type { Role } from './config';
import { registerMetrics } from './http/metrics';
import { registerProbes } from './http/probes';
import { registerRequestLog } from './http/plugins/request-log';
import { RequestLineLogController } from './http/plugins/request-line';
import { registerTransportSecurity } from './http/plugins/transport-security';
import chargebacksAccept from './http/routes/chargebacks.accept';
import chargebacksDefend from './http/routes/chargebacks.defend';
import chargebacksDocument from './http/routes/chargebacks.document';
import chargebacksList from './http/routes/chargebacks.list';
import chargebacksShow from './http/routes/chargebacks.show';
import balancesShow from './http/routes/balances.show';
import balancesTransaction from './http/routes/balances.transaction';
import balancesTransactions from './http/routes/balances.transactions';
import customersCreate from './http/routes/customers.create';
import customersDelete from './http/routes/customers.delete';
import customersList from './http/routes/customers.list';
import customersShow from './http/routes/customers.show';
import customersUpdate from './http/routes/customers.update';
import disbursementsCancel from './http/routes/disbursements.cancel';
import disbursementsCreate from './http/routes/disbursements.create';
import disbursementsList from './http/routes/disbursements.list';
import disbursementsReport from './http/routes/disbursements.report';
import disbursementsShow from './http/routes/disbursements.show';
import eventsList from './http/routes/events.list';
import subscriptionsCreate from './http/routes/subscriptions.create';
import subscriptionsDelete from './http/routes/subscriptions.delete';
import subscriptionsList from './http/routes/subscriptions.list';
import subscriptionsShow from './http/routes/subscriptions.show';
import eventsRedeliver from './http/routes/events.redeliver';
import eventsShow from './http/routes/events.show';
import eventsStream from './http/routes/events.stream';
import externalCustomersDelete from './http/routes/external-customers.delete';
import paymentsCancel from './http/routes/payments.cancel';
import barcodesShow from './http/routes/barcodes.show';
import paymentsFinalize from './http/routes/payments.finalize';
import paymentsCapture from './http/routes/payments.capture';
import paymentsCreate from './http/routes/payments.create';
import paymentsList from './http/routes/payments.list';
import paymentsRefund from './http/routes/payments.refund';
import paymentsShow from './http/routes/payments.show';
import paymentsUpdate from './http/routes/payments.update';
import paymentsRefundRequest from './http/routes/payments.refund-request';
import paymentMethodsList from './http/routes/payment-methods.list';
import sessionsCancel from './http/routes/sessions.cancel';
import settlementsFiles from './http/routes/settlements.files';
import settlementsList from './http/routes/settlements.list';
import settlementsShow from './http/routes/settlements.show';
import sessionsCreate from './http/routes/sessions.create';
import sessionsPay from './http/routes/sessions.pay';
import sessionsShow from './http/routes/sessions.show';
import secureTokensCreate from './http/routes/secure-tokens.create';
import secureTokensShow from './http/routes/secure-tokens.show';
import testHelpersChargebacks from './http/routes/test-helpers.chargebacks';
import testHelpersClock from './http/routes/test-helpers.clock';
import testHelpersEmails from './http/routes/test-helpers.emails';
import testHelpersPayments from './http/routes/test-helpers.payments';
import testHelpersRefundRequests from './http/routes/test-helpers.refund-requests';
import testHelpersReset from './http/routes/test-helpers.reset';
import testHelpersSeed from './http/routes/test-helpers.seed';
import tokensCreate from './http/routes/tokens.create';
import webhooksCreate from './http/routes/webhooks.create';
import webhooksDelete from './http/routes/webhooks.delete';
import webhooksDeliveries from './http/routes/webhooks.deliveries';
import webhooksList from './http/routes/webhooks.list';
import webhooksShow from './http/routes/webhooks.show';
import webhooksUpdate from './http/routes/webhooks.update';
import { lazyValidatorCompiler } from './http/lazy-validators';
import { lazyChildLogger, logDestination, loggerOptions, type LogFormat } from './lib/log';
import { registerWebPages } from './web';
import { sendPathErrorPage } from './web/errors';
import { registerDashboard } from './web/dashboard';

declare module 'fastify' {
  interface FastifyRequest {
    apiVersion: ApiVersion;
  }
}

export interface AppOptions {
  logLevel?: string;
  /** Where log lines go instead of stderr (tests capture them to prove nothing secret is logged). */
  logStream?: NodeJS.WritableStream;
  /** LOG_FORMAT: JSON lines, readable lines, or `auto` (readable when stderr is a terminal). */
  logFormat?: LogFormat;
  /** Requests in flight beyond which the API answers 503 (bounds the embedded database's queue). */
  maxInFlight?: number;
  /** Requests per second per API key by mode (KESSAI_RATE_LIMIT, KESSAI_TEST_RATE_LIMIT); none by default. */
  rateLimits?: RateLimits;
  /** Redis where the rate limits are counted, shared by every process (KESSAI_REDIS_URL); else in this process. */
  redisUrl?: string | null;
  /** The bearer token of GET /metrics (KESSAI_METRICS_TOKEN); see http/metrics.ts. */
  metricsToken?: string | null;
  /** `worker`: only /health, /ready and /metrics (serve --role worker); else everything. */
  role?: Role;
  /** Believe X-Forwarded-* from these proxies (Fastify's trustProxy; KESSAI_TRUST_PROXY). */
  trustProxy?: boolean | string;
  /**
   * Called with every route as it is added, framework ones included (CORS preflights, HEAD twins,
   * Swagger UI's assets). Fastify offers no list of its routes, and a hook added after buildApp
   * would miss those already added; the docs tests collect them here.
   */
  onRoute?: (route: RouteOptions) => void;
}

const ROUTES = [
  paymentsCreate,
  paymentsList,
  paymentsShow,
  paymentsUpdate,
  paymentsCapture,
  paymentsRefund,
  paymentsCancel,
  paymentsRefundRequest,
  paymentsFinalize,
  barcodesShow,
  paymentMethodsList,
  tokensCreate,
  secureTokensCreate,
  secureTokensShow,
  customersCreate,
  customersList,
  customersShow,
  customersUpdate,
  customersDelete,
  subscriptionsCreate,
  subscriptionsList,
  subscriptionsShow,
  subscriptionsDelete,
  sessionsCreate,
  sessionsShow,
  sessionsPay,
  sessionsCancel,
  externalCustomersDelete,
  chargebacksList,
  chargebacksShow,
  chargebacksAccept,
  chargebacksDefend,
  chargebacksDocument,
  balancesShow,
  balancesTransactions,
  balancesTransaction,
  settlementsList,
  settlementsShow,
  settlementsFiles,
  disbursementsCreate,
  disbursementsReport,
  disbursementsList,
  disbursementsShow,
  disbursementsCancel,
  eventsList,
  eventsStream,
  eventsShow,
  eventsRedeliver,
  webhooksCreate,
  webhooksList,
  webhooksShow,
  webhooksUpdate,
  webhooksDelete,
  webhooksDeliveries,
  testHelpersPayments,
  testHelpersClock,
  testHelpersRefundRequests,
  testHelpersChargebacks,
  testHelpersEmails,
  testHelpersReset,
  testHelpersSeed,
];

/** Builds the Fastify instance with every plugin and route. Never listens: main.ts and tests do. */
export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = createFastify(options);
  app.setValidatorCompiler(lazyValidatorCompiler());
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  registerErrorHandling(app, sendPathErrorPage);
  registerTransportSecurity(app, services);
  registerGracefulClose(app);
  registerBodyParsers(app);
  registerInputChecks(app);
  registerLoadShedding(app, options.maxInFlight ?? 512);
  // A worker process (serve --role worker) answers its probes and metrics, nothing else.
  if (options.role === 'worker') {
    registerMetrics(app, services, options.metricsToken ?? null);
    registerProbes(app, services, null);
    return app;
  }
  app.decorateRequest('apiVersion', 'default');
  app.addHook('onRequest', async (request) => {
    // A preflight is answered whatever it carries (its answer has no versioned shape).
    if (request.routeOptions.config.corsPreflight) return;
    request.apiVersion = parseApiVersion(request.headers['x-komoju-api-version']);
  });
  // Before auth: a preflight carries no key, and errors must carry the CORS headers too.
  await registerCors(app);
  registerAuth(app, services);
  // After auth (test mode only), before the rate limit: a simulated 429 is no counted request.
  registerFaults(app);
  const redis = await registerRateLimit(app, options.rateLimits ?? { live: 0, test: 0 }, options.redisUrl ?? null);
  registerIdempotency(app, services.vault);
  // Before any route: @fastify/swagger collects them as they are added.
  await registerOpenApi(app);
  registerRequestLog(app, services);

  registerMetrics(app, services, options.metricsToken ?? null);
  for (const route of ROUTES) route(app, services);
  registerProbes(app, services, redis);
  registerWebPages(app, services);
  registerDashboard(app, services);
  return app;
}

/** The Fastify instance, logger and framework-level behaviour set, nothing registered yet. */
function createFastify(options: AppOptions): FastifyInstance {
  const logger: FastifyServerOptions['logger'] = {
    ...loggerOptions(options.logLevel ?? 'info'),
    stream: logDestination(options.logFormat ?? 'auto', options.logStream),
  };
  return Fastify({
    logger,
    logController: new RequestLineLogController(),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: 256 * 1024,
    // maxParamLength: a long id is no resource (404) like any other; the 16 KiB header limit
    // bounds a URL first. Past it, and for URLs the router cannot decode, frameworkErrors answers.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    frameworkErrors: frameworkErrorHandler(sendPathErrorPage),
    clientErrorHandler,
    // During a graceful shutdown, requests already on open connections are served, not refused.
    return503OnClosing: false,
    trustProxy: options.trustProxy ?? false,
    // Unique across processes and restarts (Fastify's default counts from req-1 in each process):
    // the dashboard's request log shows it, and log lines carry it.
    genReqId: () => randomUUID(),
  });
}

/**
 * JSON and KOMOJU's bracket-notation forms (`payment_details[type]=credit_card`,
 * `payment_types[]=konbini`). An empty JSON body counts as `{}`, as some clients send one with
 * bodiless POSTs (cancel, capture).
 */
function registerBodyParsers(app: FastifyInstance): void {
  app.register(formbody, { parser: (body) => qs.parse(body, { depth: 4, arrayLimit: 100, parameterLimit: 1000 }) });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiError('bad_request', { message: 'The request body is not valid JSON.' }), undefined);
    }
  });
  // `curl -X POST …/capture -u sk_…:` sends no body and no Content-Type, so no parser runs and the
  // body schema would see `undefined` ("must be object", param null). No body means no params.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) request.body = {};
  });
}

/**
 * Fastify closes the connections that are idle when `close()` starts, but a keep-alive connection
 * busy with a request then stays open after its answer (for keepAliveTimeout, 72 s), and the server
 * never finishes closing. Once closing, every answer says `Connection: close`, so each connection
 * ends with its last in-flight request.
 */
function registerGracefulClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
}

/**
 * Answers 503 `service_unavailable` with Retry-After beyond `limit` requests in flight, instead of
 * queueing for seconds behind a single-connection embedded database.
 */
function registerLoadShedding(app: FastifyInstance, limit: number): void {
  let inFlight = 0;
  app.addHook('onRequest', async (_request, reply) => {
    if (inFlight >= limit) throw new ApiError('service_unavailable', { message: 'The server is busy. Retry after a second.' });
    inFlight++;
    // 'close' also comes when the client leaves before the response ends (a closed event
    // stream), where onResponse never runs and the slot would leak.
    reply.raw.once('close', () => inFlight--);
  });
}
