/** The `rcs` command line. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import run from './commands/run.ts';
import inspect from './commands/inspect.ts';
import setkey from './commands/setkey.ts';
import keys from './commands/keys.ts';
import client from './commands/client.ts';

/** One line for the operator: the error's message without its stack, control characters flattened. */
export function errorLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // eslint-disable-next-line no-control-regex
  return message.replace(/[\r\n\u0000-\u001f]+/g, ' ').trim() || (err instanceof Error ? err.name : 'error');
}

function fail(line: string, code: number): never {
  process.stderr.write(`rcs: ${line}\n`);
  process.exit(code);
}

export async function main(argv: string[]): Promise<void> {
  // `rcs client info | head`: a closed pipe ends the command quietly, as with other shell tools.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  try {
    await yargs(argv)
      .scriptName('rcs')
      .command(run)
      .command(inspect)
      .command(setkey)
      .command(keys)
      .command(client)
      .strict()
      .help()
      .version()
      .fail((msg, err) => {
        if (err) fail(errorLine(err), 1);
        fail(msg, 2);
      })
      .parseAsync();
  } catch (err) {
    // Errors thrown synchronously by a command handler do not always reach .fail().
    fail(errorLine(err), 1);
  }
}

await main(hideBin(process.argv));
