import { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { actingMerchant, withDatabase } from './database';

/**
 * Reads a password on a terminal without echoing it, twice. Only called when stdin is a TTY.
 */
async function promptPassword(minLength: number): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      process.stdout.write(question);
      muted = true;
      rl.question('', (answer) => {
        muted = false;
        process.stdout.write('\n');
        resolve(answer);
      });
    });
  try {
    const first = await ask(`Password (at least ${minLength} characters): `);
    const second = await ask('Password again: ');
    if (first === second) return first;
    process.stderr.write('kessai: The passwords differ\n');
    process.exit(1);
  } finally {
    rl.close();
  }
}

/**
 * `kessai users create [--merchant ID] --email E [--password P]`: a dashboard user of merchant ID
 * (default: the default merchant).
 * Without --password it asks on a terminal, and otherwise (a script, CI) generates one and
 * prints it: the only time it is shown, since only its scrypt hash is stored.
 */
export function usersCommand(): Command {
  const users = new Command('users').description('manage dashboard users (/dashboard)');
  users
    .command('create')
    .description('create a dashboard user of a merchant')
    .option('--merchant <id>', 'the merchant whose dashboard the user signs in to (default: the default merchant)')
    .requiredOption('--email <email>', 'sign-in email (unique per merchant)')
    .option('--password <password>', 'password (default: asked on a terminal, else generated and printed)')
    .action(async (options: { merchant?: string; email: string; password?: string }) => {
      const { createDashboardUser, DashboardUserError, generatePassword, MIN_PASSWORD_LENGTH } = await import('../domain/dashboard/auth');
      let password = options.password;
      let generated = false;
      if (password === undefined) {
        if (process.stdin.isTTY) password = await promptPassword(MIN_PASSWORD_LENGTH);
        else {
          password = generatePassword();
          generated = true;
        }
      }
      const refused = await withDatabase('users create', async (services): Promise<Error | null> => {
        try {
          const { merchant } = await actingMerchant(services, options.merchant);
          const user = await createDashboardUser(services.db, services.clock.now(), { merchantId: merchant.id, email: options.email, password: password! });
          process.stdout.write(`dashboard user ${user.email} of merchant ${user.merchantId} (${services.publicUrl}/dashboard)\n`);
          if (generated) process.stdout.write(`  password  ${password}\n`);
          return null;
        } catch (error) {
          if (!(error instanceof DashboardUserError)) throw error;
          return error;
        }
      });
      if (refused) {
        process.stderr.write(`kessai: ${refused.message}\n`);
        // process.exit, not process.exitCode: the embedded database's runtime resets the latter.
        process.exit(1);
      }
    });
  return users;
}
