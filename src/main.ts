import { buildProgram } from './cli/program';
import { Refusal } from './cli/refusal';
import { ConfigError } from './config';

// The program is built in src/cli/program.ts, where tests and the docs check can list its commands.
buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    // A refusal the user can act on is one line; anything else keeps its stack for a bug report.
    const expected = error instanceof ConfigError || error instanceof Refusal;
    process.stderr.write(`kessai: ${expected ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    // process.exit, not process.exitCode: the embedded database's runtime resets the latter.
    process.exit(1);
  });
