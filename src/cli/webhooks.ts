import { Command } from 'commander';
import type { Services } from '../domain/context';
import { withDatabase } from './database';
import type { WebhookEndpoint } from '../model/webhook';

/** The domain's webhook functions, loaded when a command runs rather than when `kessai` starts. */
async function modules() {
  const [merchants, webhooks, wire] = await Promise.all([import('../domain/merchants'), import('../domain/webhooks'), import('../wire/webhook')]);
  return { merchantActor: merchants.merchantActor, ...webhooks, serializeEndpoint: wire.serializeEndpoint };
}

function withServices(command: string, work: (services: Services, domain: Awaited<ReturnType<typeof modules>>) => Promise<void>): Promise<void> {
  return withDatabase(`webhooks ${command}`, async (services) => work(services, await modules()));
}

function describe(endpoint: WebhookEndpoint): string {
  const events = endpoint.events.length ? endpoint.events.join(',') : 'all events';
  return `${endpoint.id}  ${endpoint.active ? 'active  ' : 'inactive'}  ${endpoint.url}  (${events})`;
}

/**
 * `kessai webhooks add|list|remove`: the API's endpoint management from a shell, acting as the
 * default merchant unless `--merchant` names another. A running server delivers the `ping` of a
 * new endpoint (the database is the queue).
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
    .action(async (options: { url: string; merchant?: string; secret?: string; events?: string[]; json?: boolean }) =>
      withServices('add', async (services, { merchantActor, createEndpoint, serializeEndpoint }) => {
        const actor = await merchantActor(services.db, services.clock, options.merchant);
        const endpoint = await services.db
          .transaction()
          .execute((trx) => createEndpoint(trx, services.webhooks, actor, { url: options.url, secret_token: options.secret, events: options.events }));
        process.stdout.write(
          options.json ? `${JSON.stringify(serializeEndpoint(endpoint))}\n` : `${describe(endpoint)}\n  signing secret  ${endpoint.secret_token}\n`,
        );
      }),
    );

  webhooks
    .command('list')
    .description("list a merchant's endpoints, one per line")
    .option('--merchant <id>', 'merchant id (default: the default merchant)')
    .option('--json', 'print a JSON array of endpoints as the API shows them')
    .action(async (options: { merchant?: string; json?: boolean }) =>
      withServices('list', async (services, { merchantActor, listEndpoints, serializeEndpoint }) => {
        const actor = await merchantActor(services.db, services.clock, options.merchant);
        const endpoints: WebhookEndpoint[] = [];
        for (let page = 1; ; page++) {
          const { rows, total } = await listEndpoints(services.db, actor, page, 100);
          endpoints.push(...rows);
          if (endpoints.length >= total || !rows.length) break;
        }
        process.stdout.write(options.json ? `${JSON.stringify(endpoints.map(serializeEndpoint))}\n` : endpoints.map((e) => `${describe(e)}\n`).join(''));
      }),
    );

  webhooks
    .command('remove <id>')
    .description('delete an endpoint and its delivery history')
    .option('--merchant <id>', 'merchant id (default: the default merchant)')
    .action(async (id: string, options: { merchant?: string }) =>
      withServices('remove', async (services, { merchantActor, deleteEndpoint }) => {
        const actor = await merchantActor(services.db, services.clock, options.merchant);
        const endpoint = await services.db.transaction().execute((trx) => deleteEndpoint(trx, actor, id));
        process.stdout.write(`removed ${endpoint.id} (${endpoint.url})\n`);
      }),
    );

  return webhooks;
}
