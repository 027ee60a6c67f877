import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { loadConfig, withFlags, type ConfigFlags } from '../config';
import { withDatabase } from './database';
import { healthCommand } from './health';
import { listenCommand } from './listen';
import { merchantsCommand } from './merchants';
import { runCommand } from './run';
import { triggerCommand } from './trigger';
import { resetCommand } from './reset';
import { usersCommand } from './users';
import { vaultCommand } from './vault';
import { webhooksCommand } from './webhooks';
import { simulateCommand } from './webhooks-simulate';

/** package.json's version; read at run time so that the source and a built copy both find it. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * 1–65535. Not 0 ("any free port"): the public URL of every link, redirect and banner is made
 * from the port before the server listens, and would say :0.
 */
function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('must be an integer between 1 and 65535');
  return port;
}

function serveCommand(): Command {
  return new Command('serve')
    .description('migrate the database and serve the API (what `npm start` and a bare `kessai` run)')
    .option('--port <port>', 'port to listen on (PORT, default 3000)', parsePort)
    .option('--host <host>', 'address to listen on (HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'embedded database directory (KESSAI_DATA_DIR, default ./.kessai)')
    .option('--database-url <url>', 'PostgreSQL instead of the embedded database (DATABASE_URL)')
    .addOption(
      new Option('--memory', 'embedded database in memory: nothing is written to disk, everything is gone at exit (CI)').conflicts(['dataDir', 'databaseUrl']),
    )
    .option('--secret-key <key>', "the default merchant's secret key (KESSAI_SECRET_KEY, default generated)")
    .option('--publishable-key <key>', "the default merchant's publishable key (KESSAI_PUBLISHABLE_KEY, default generated)")
    .option('--webhook-url <url>', 'register this webhook endpoint for the default merchant (KESSAI_WEBHOOK_URL)')
    .addOption(
      new Option('--role <role>', 'all: API, pages and background jobs; api: no jobs; worker: jobs only, serving /health, /ready and /metrics (KESSAI_ROLE, default all; api and worker need PostgreSQL)').choices(['all', 'api', 'worker']),
    )
    .action(async (flags: ConfigFlags) => {
      const config = loadConfig(withFlags(process.env, flags));
      // The server's modules load only for serve: the other commands start without them.
      const { serve } = await import('./serve');
      await serve(config);
    });
}

function migrateCommand(): Command {
  return new Command('migrate').description('apply pending database migrations and exit').action(async () =>
    withDatabase('migrate', async (_services, migrations) => {
      process.stdout.write(migrations.length ? `applied: ${migrations.join(', ')}\n` : 'the database is up to date\n');
    }),
  );
}

/** Every command and subcommand below `command`, depth first. */
export function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

/**
 * `serve` is the default command, so commander would hand an unknown word to it ("too many
 * arguments for 'serve'"): a word that is no command is refused as one, with the list.
 */
function refuseUnknownCommands(program: Command): void {
  program.hook('preSubcommand', (parent, sub) => {
    const [first] = parent.args;
    if (sub.name() !== 'serve' || first === undefined || first.startsWith('-') || first === 'serve') return;
    const names = program.commands.map((command) => command.name()).join(', ');
    process.stderr.write(`kessai: unknown command '${first}'. Commands: ${names}, help (\`kessai help\` describes them)\n`);
    process.exit(1);
  });
}

/**
 * The `kessai` program: every command with its flags. Configuration comes from the environment
 * (docs/configuration.md); `serve`'s flags override it.
 *
 * @example
 *   await buildProgram().parseAsync(process.argv);
 */
export function buildProgram(): Command {
  const program = new Command('kessai').description('A self-hostable payment gateway that speaks the KOMOJU v1 API');
  program.addCommand(serveCommand(), { isDefault: true });
  program.addCommand(migrateCommand());
  program.addCommand(healthCommand());
  program.addCommand(merchantsCommand());
  program.addCommand(webhooksCommand().addCommand(simulateCommand()));
  program.addCommand(listenCommand());
  program.addCommand(runCommand());
  program.addCommand(triggerCommand());
  program.addCommand(resetCommand());
  program.addCommand(vaultCommand());
  program.addCommand(usersCommand());
  const version = packageVersion();
  for (const command of [program, ...allCommands(program)]) command.version(version, '-V, --version', 'print the version of kessai');
  refuseUnknownCommands(program);
  return program;
}
