/** The `rcs` command line. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import run from './commands/run.ts';
import inspect from './commands/inspect.ts';
import setkey from './commands/setkey.ts';
import keys from './commands/keys.ts';
import client from './commands/client.ts';

export async function main(argv: string[]): Promise<void> {
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
    .fail((msg, err, y) => {
      if (err) {
        process.stderr.write(`rcs: ${err.message}\n`);
      } else {
        process.stderr.write(`rcs: ${msg}\n`);
      }
      process.exit(err ? 1 : 2);
    })
    .parseAsync();
}

await main(hideBin(process.argv));
