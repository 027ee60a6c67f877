import { Command, InvalidArgumentError } from 'commander';
import { actingMerchant } from './database';
import { Refusal } from './refusal';
import { describe, run, type EndpointJson } from './webhooks';

interface SimulateOptions {
  duplicate?: boolean;
  outOfOrder?: number;
  delay?: number;
  badSignature?: boolean;
  wrongContentType?: boolean;
  off?: boolean;
  merchant?: string;
  json?: boolean;
}

function seconds(max: number, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`a whole number of seconds, ${min} to ${max}`);
    return n;
  };
}

/**
 * `kessai webhooks simulate ID [faults]`: sets an endpoint's simulated receiver faults (test mode,
 * docs/webhooks.md), as `PATCH /api/v1/webhooks/:id {simulate}` does — the flags given are the
 * whole simulation; `--off` turns every fault off. Through the running server like the other
 * webhooks commands.
 */
export function simulateCommand(): Command {
  return new Command('simulate')
    .argument('<id>', 'the endpoint')
    .description('make an endpoint simulate receiver faults (test mode); the flags given replace its faults')
    .option('--duplicate', 'send every event twice')
    .option('--out-of-order <seconds>', 'hold deliveries for a window of this many seconds, then send them shuffled', seconds(300, 1))
    .option('--delay <seconds>', 'send each delivery this many seconds late', seconds(3600, 0))
    .option('--bad-signature', 'sign with a wrong secret')
    .option('--wrong-content-type', 'send as text/plain')
    .option('--off', 'simulate nothing')
    .option('--merchant <id>', 'merchant id (default: the default merchant)')
    .option('--json', 'print the endpoint as the API shows it')
    .action(async (id: string, options: SimulateOptions) => {
      const simulate = {
        ...(options.duplicate ? { duplicate: true } : {}),
        ...(options.outOfOrder !== undefined ? { out_of_order: { window_seconds: options.outOfOrder } } : {}),
        ...(options.delay !== undefined ? { delay_seconds: options.delay } : {}),
        ...(options.badSignature ? { bad_signature: true } : {}),
        ...(options.wrongContentType ? { wrong_content_type: true } : {}),
      };
      if (Object.keys(simulate).length === 0 && !options.off) {
        throw new Refusal('name the faults to simulate (--duplicate, --out-of-order, --delay, --bad-signature, --wrong-content-type), or --off');
      }
      const endpoint = await run(
        'simulate',
        options.merchant,
        async (api) => (await api.call('PATCH', `/api/v1/webhooks/${encodeURIComponent(id)}`, { simulate })) as EndpointJson,
        async (services, { updateEndpoint, serialize }) => {
          const actor = await actingMerchant(services, options.merchant);
          return serialize(await services.db.transaction().execute((trx) => updateEndpoint(trx, services.webhooks, actor, id, { simulate })));
        },
      );
      process.stdout.write(options.json ? `${JSON.stringify(endpoint)}\n` : `${describe(endpoint)}\n`);
    });
}
