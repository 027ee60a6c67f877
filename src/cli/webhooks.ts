import { Command } from 'commander';
import { loadConfig } from '../config';
import type { Services } from '../domain/context';
import { actingMerchant, withDatabase } from './database';
import { runningServerApi, type ServerApi } from './through-server';
import type { WebhookSimulation } from '../model/webhook';

/** An endpoint as the API shows it (wire/webhook.ts serializeEndpoint), whichever way it was read. */
export interface EndpointJson {
  id: string;
  url: string;
  events: string[];
  secret_token: string;
  active: boolean;
  simulate: WebhookSimulation;
}

/** The domain's webhook functions, loaded when a command runs rather than when `kessai` starts. */
async function modules() {
  const [webhooks, wire] = await Promise.all([import('../domain/webhooks'), import('../wire/webhook')]);
  const serialize = (endpoint: Parameters<typeof wire.serializeEndpoint>[0]) => wire.serializeEndpoint(endpoint) as unknown as EndpointJson;
  return { ...webhooks, serialize };
}

export type Domain = Awaited<ReturnType<typeof modules>>;

/**
 * Runs a webhooks command: through the running server's API when one holds the embedded data
 * directory and the command acts as the default merchant (the server owns the database then),
 * otherwise on the database (which refuses, naming the server, if one holds it).
 */
export async function run<T>(
  command: string,
  merchant: string | undefined,
  viaApi: (api: ServerApi) => Promise<T>,
  viaDatabase: (services: Services, domain: Domain) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const api = merchant === undefined ? runningServerApi(config) : null;
  if (api) return viaApi(api);
  // A server started with --secret-key kept no key where this command could find it.
  const orThroughServer = merchant === undefined ? "set KESSAI_SECRET_KEY to the server's secret key (this command then goes through it)" : undefined;
  return withDatabase(`webhooks ${command}`, async (services) => viaDatabase(services, await modules()), config, orThroughServer);
}

export function describe(endpoint: EndpointJson): string {
  const events = endpoint.events.length ? endpoint.events.join(',') : 'all events';
  const faults = simulatedFaults(endpoint.simulate);
  return `${endpoint.id}  ${endpoint.active ? 'active  ' : 'inactive'}  ${endpoint.url}  (${events})${faults ? `  simulating: ${faults}` : ''}`;
}

/** `duplicate, delay 5 s, out of order within 10 s`, or '' when it simulates nothing. */
function simulatedFaults(simulate: WebhookSimulation | undefined): string {
  if (!simulate) return '';
  return [
    simulate.duplicate && 'duplicate',
    simulate.out_of_order && `out of order within ${simulate.out_of_order.window_seconds} s`,
    simulate.delay_seconds > 0 && `delay ${simulate.delay_seconds} s`,
    simulate.bad_signature && 'bad signature',
    simulate.wrong_content_type && 'wrong content type',
  ]
    .filter(Boolean)
    .join(', ');
}

/** Every page of a list, 100 at a time. */
async function allPages(page: (n: number) => Promise<{ rows: EndpointJson[]; total: number }>): Promise<EndpointJson[]> {
  const all: EndpointJson[] = [];
  for (let n = 1; ; n++) {
    const { rows, total } = await page(n);
    all.push(...rows);
    if (all.length >= total || !rows.length) return all;
  }
}

function listThroughApi(api: ServerApi): Promise<EndpointJson[]> {
  return allPages(async (n) => {
    const list = (await api.call('GET', `/api/v1/webhooks?page=${n}&per_page=100`)) as { data: EndpointJson[]; total: number };
    return { rows: list.data, total: list.total };
  });
}

/**
 * `kessai webhooks add|list|remove` (and `simulate`, webhooks-simulate.ts): the API's endpoint management from a shell, acting as the
 * default merchant unless `--merchant` names another. While `kessai serve` holds the embedded
 * data directory, the default merchant's commands go through its API (run). A running server
 * delivers the `ping` of a new endpoint (the database is the queue).
 */
export function webhooksCommand(): Command {
  const webhooks = new Command('webhooks').description('manage webhook endpoints');

  webhooks
    .command('add')
    .description('register an endpoint; it gets a ping, then every event (or those of --events)')
    .requiredOption('--url <url>', 'where to POST events')
    .option('--merchant <id>', 'merchant id (default: the default merchant)')
    .option('--secret <secret>', 'signing secret (default: generated)')
    .option('--events <types>', 'comma-separated event types to deliver (default: all)', (value) => value.split(',').map((t) => t.trim()).filter(Boolean))
    .option('--json', 'print the endpoint as the API shows it')
    .action(async (options: { url: string; merchant?: string; secret?: string; events?: string[]; json?: boolean }) => {
      const input = { url: options.url, secret_token: options.secret, events: options.events };
      const endpoint = await run(
        'add',
        options.merchant,
        async (api) => (await api.call('POST', '/api/v1/webhooks', input)) as EndpointJson,
        async (services, { createEndpoint, serialize }) => {
          const actor = await actingMerchant(services, options.merchant);
          return serialize(await services.db.transaction().execute((trx) => createEndpoint(trx, services.webhooks, actor, input)));
        },
      );
      process.stdout.write(options.json ? `${JSON.stringify(endpoint)}\n` : `${describe(endpoint)}\n  signing secret  ${endpoint.secret_token}\n`);
    });

  webhooks
    .command('list')
    .description("list a merchant's endpoints, one per line")
    .option('--merchant <id>', 'merchant id (default: the default merchant)')
    .option('--json', 'print a JSON array of endpoints as the API shows them')
    .action(async (options: { merchant?: string; json?: boolean }) => {
      const endpoints = await run('list', options.merchant, listThroughApi, async (services, { listEndpoints, serialize }) => {
        const actor = await actingMerchant(services, options.merchant);
        return allPages(async (page) => {
          const { rows, total } = await listEndpoints(services.db, actor, page, 100);
          return { rows: rows.map(serialize), total };
        });
      });
      process.stdout.write(options.json ? `${JSON.stringify(endpoints)}\n` : endpoints.map((e) => `${describe(e)}\n`).join(''));
    });

  webhooks
    .command('remove <id>')
    .description('delete an endpoint and its delivery history')
    .option('--merchant <id>', 'merchant id (default: the default merchant)')
    .action(async (id: string, options: { merchant?: string }) => {
      const endpoint = await run(
        'remove',
        options.merchant,
        async (api) => (await api.call('DELETE', `/api/v1/webhooks/${encodeURIComponent(id)}`)) as EndpointJson,
        async (services, { deleteEndpoint, serialize }) => {
          const actor = await actingMerchant(services, options.merchant);
          return serialize(await services.db.transaction().execute((trx) => deleteEndpoint(trx, actor, id)));
        },
      );
      process.stdout.write(`removed ${endpoint.id} (${endpoint.url})\n`);
    });

  return webhooks;
}
