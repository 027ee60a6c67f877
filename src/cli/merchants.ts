import { Command, InvalidArgumentError } from 'commander';
import { actingMerchant, withDatabase } from './database';

export function parseList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

function parseMode(value: string): 'test' | 'live' {
  if (value !== 'test' && value !== 'live') throw new InvalidArgumentError('must be test or live');
  return value;
}

interface CreateOptions {
  name: string;
  mode: 'test' | 'live';
  secretKey?: string;
  publishableKey?: string;
  json?: boolean;
}

function createCommand(): Command {
  return new Command('create')
    .description('create a merchant and print its keys (the secret key is shown only now)')
    .requiredOption('--name <name>', 'merchant name')
    .option('--mode <mode>', 'test or live', parseMode, 'test')
    .option('--secret-key <key>', 'use this secret key instead of generating one')
    .option('--publishable-key <key>', 'use this publishable key instead of generating one')
    .option('--json', 'print {"id","secret_key","publishable_key"} as JSON')
    .action(async (options: CreateOptions) =>
      withDatabase('merchants create', async (services) => {
        const { createMerchant } = await import('../domain/merchants');
        const input = { name: options.name, mode: options.mode, secretKey: options.secretKey, publishableKey: options.publishableKey };
        const created = await createMerchant(services.db, input, services.clock.now());
        const result = { id: created.merchant.id, secret_key: created.secretKey, publishable_key: created.publishableKey };
        process.stdout.write(
          options.json
            ? `${JSON.stringify(result)}\n`
            : `merchant ${result.id} (${options.name}, ${options.mode} mode)\n  secret key       ${result.secret_key}\n  publishable key  ${result.publishable_key}\n`,
        );
      }),
    );
}

function listCommand(): Command {
  return new Command('list')
    .description('list the merchants, oldest (the default merchant) first')
    .option('--json', 'print a JSON array of {"id","name","mode","created_at"}')
    .action(async (options: { json?: boolean }) =>
      withDatabase('merchants list', async (services) => {
        const { listMerchants } = await import('../domain/merchants');
        // Oldest first: the first line is the default merchant.
        const merchants = (await listMerchants(services.db)).map((row) => ({ id: row.id, name: row.name, mode: row.mode, created_at: new Date(row.created_at).toISOString() }));
        process.stdout.write(
          options.json
            ? `${JSON.stringify(merchants)}\n`
            : merchants.map((m, i) => `${m.id}  ${m.mode}  ${m.created_at}  ${m.name}${i === 0 ? '  (default)' : ''}\n`).join(''),
        );
      }),
    );
}

function methodsCommand(): Command {
  return new Command('methods')
    .argument('[merchantId]', 'merchant id (default: the default merchant)')
    .description("show, enable or disable a merchant's payment methods")
    .option('--merchant <id>', 'merchant id, as the argument (default: the default merchant)')
    .option('--enable <types>', 'comma-separated payment types to enable', parseList)
    .option('--disable <types>', 'comma-separated payment types to disable', parseList)
    .option('--all', 'enable every payment method kessai has')
    .action(async (merchantId: string | undefined, options: { merchant?: string; enable?: string[]; disable?: string[]; all?: boolean }) =>
      withDatabase('merchants methods', async (services) => {
        const { changeEnabledTypes } = await import('../domain/merchants');
        const { merchant } = await actingMerchant(services, merchantId ?? options.merchant);
        const types = await changeEnabledTypes(services.db, merchant.id, options);
        process.stdout.write(`${types.join('\n')}\n`);
      }),
    );
}

/** `credit_card=3.25` or `credit_card=3.25+30`: a type, a percentage (two decimals at most) and an optional fixed fee. */
export function parseFee(value: string, previous: { payment_type: string; rate_bp: number; fixed_fee: number }[] = []) {
  const match = /^([a-z_]+)=(\d{1,3}(?:\.\d{1,2})?)(?:\+(\d+))?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected TYPE=PERCENT or TYPE=PERCENT+FIXED, e.g. credit_card=3.25 or konbini=2.75+30');
  return [...previous, { payment_type: match[1], rate_bp: Math.round(Number(match[2]) * 100), fixed_fee: Number(match[3] ?? 0) }];
}

function feesCommand(): Command {
  return new Command('fees')
    .argument('[merchantId]', 'merchant id (default: the default merchant)')
    .description("show or change a merchant's processing fees per payment method (percentage + fixed fee)")
    .option('--merchant <id>', 'merchant id, as the argument (default: the default merchant)')
    .option('--set <type=percent[+fixed]>', 'set a fee, e.g. credit_card=3.25 or konbini=2.75+30 (repeatable)', parseFee)
    .option('--reset <types>', 'comma-separated payment types back to the default fee', parseList)
    .option('--json', 'print a JSON array of {"payment_type","rate_bp","fixed_fee","own"}')
    .action(async (merchantId: string | undefined, options: { merchant?: string; set?: ReturnType<typeof parseFee>; reset?: string[]; json?: boolean }) =>
      withDatabase('merchants fees', async (services) => {
        const fees = await import('../domain/fees');
        const { merchant } = await actingMerchant(services, merchantId ?? options.merchant);
        for (const fee of options.set ?? []) await fees.setMerchantFee(services.db, merchant.id, fee);
        for (const type of options.reset ?? []) await fees.resetMerchantFee(services.db, merchant.id, type);
        const rows = await fees.merchantFees(services.db, merchant.id);
        const percent = (bp: number) => `${(bp / 100).toFixed(2)} %`;
        process.stdout.write(
          options.json
            ? `${JSON.stringify(rows)}\n`
            : rows.map((r) => `${r.payment_type.padEnd(20)}${percent(r.rate_bp).padStart(9)}${r.fixed_fee ? ` + ${r.fixed_fee}` : ''}${r.own ? '' : '  (default)'}\n`).join(''),
        );
      }),
    );
}

/** `kessai merchants create|list|methods|fees`. */
export function merchantsCommand(): Command {
  return new Command('merchants')
    .description('manage merchants')
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(methodsCommand())
    .addCommand(feesCommand());
}
