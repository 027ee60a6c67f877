import { Command, InvalidArgumentError } from 'commander';
import { listenCommand } from './cli/listen';
import { serve } from './cli/serve';
import { usersCommand } from './cli/users';
import { vaultCommand } from './cli/vault';
import { webhooksCommand } from './cli/webhooks';
import { ConfigError, loadConfig } from './config';
import { changeEnabledTypes, createMerchant } from './domain/merchants';
import { openServices } from './services';

/**
 * The `kessai` command. Every command reads its configuration from the environment (README,
 * "Configuration"); flags only say what to do.
 */
const program = new Command('kessai').description('A self-hostable payment gateway that speaks the KOMOJU v1 API');

program
  .command('serve', { isDefault: true })
  .description('migrate the database and serve the API (what `npm start` runs)')
  .action(async () => serve(loadConfig()));

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const { store, migrations } = await openServices(loadConfig());
    await store.close();
    process.stdout.write(migrations.length ? `applied: ${migrations.join(', ')}\n` : 'the database is up to date\n');
  });

const merchants = program.command('merchants').description('manage merchants');

merchants
  .command('create')
  .description('create a merchant and print its keys (the secret key is shown only now)')
  .requiredOption('--name <name>', 'merchant name')
  .option('--mode <mode>', 'test or live', parseMode, 'test')
  .option('--secret-key <key>', 'use this secret key instead of generating one')
  .option('--publishable-key <key>', 'use this publishable key instead of generating one')
  .option('--json', 'print {"id","secret_key","publishable_key"} as JSON')
  .action(async (options: { name: string; mode: 'test' | 'live'; secretKey?: string; publishableKey?: string; json?: boolean }) => {
    const { services, store } = await openServices(loadConfig());
    try {
      const created = await createMerchant(
        services.db,
        { name: options.name, mode: options.mode, secretKey: options.secretKey, publishableKey: options.publishableKey },
        services.clock.now(),
      );
      const result = { id: created.merchant.id, secret_key: created.secretKey, publishable_key: created.publishableKey };
      process.stdout.write(
        options.json
          ? `${JSON.stringify(result)}\n`
          : `merchant ${result.id} (${options.name}, ${options.mode} mode)\n  secret key       ${result.secret_key}\n  publishable key  ${result.publishable_key}\n`,
      );
    } finally {
      await store.close();
    }
  });

merchants
  .command('methods <merchantId>')
  .description("show, enable or disable a merchant's payment methods")
  .option('--enable <types>', 'comma-separated payment types to enable', parseList)
  .option('--disable <types>', 'comma-separated payment types to disable', parseList)
  .option('--all', 'enable every payment method kessai has')
  .action(async (merchantId: string, options: { enable?: string[]; disable?: string[]; all?: boolean }) => {
    const { services, store } = await openServices(loadConfig());
    try {
      const types = await changeEnabledTypes(services.db, merchantId, options);
      process.stdout.write(`${types.join('\n')}\n`);
    } finally {
      await store.close();
    }
  });

program.addCommand(webhooksCommand());
program.addCommand(listenCommand());
program.addCommand(vaultCommand());
program.addCommand(usersCommand());

function parseList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

function parseMode(value: string): 'test' | 'live' {
  if (value !== 'test' && value !== 'live') throw new InvalidArgumentError('must be test or live');
  return value;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`kessai: ${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
