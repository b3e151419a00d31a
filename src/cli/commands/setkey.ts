/**
 * `rcs setkey [key]`: store the hash of a new shared key as connectorserver.key, editing the properties file in
 * place so that every other line, comment and escape stays as it was. Without a key argument it asks twice: on a
 * terminal without echo, otherwise one line each from standard input (for scripts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { computeKeyHash } from '../../server/auth/key-hash.ts';
import {
  decodePropertiesBytes,
  encodePropertiesText,
  PropertiesSyntaxError,
  setProperty,
} from '../../server/config/java-properties.ts';
import { defaultPropertiesFile } from '../../server/config/load-config.ts';
import { installDir } from '../install-dir.ts';

interface SetKeyArgs {
  key?: string;
  properties?: string;
}

const KEY_PROPERTY = 'connectorserver.key';

/** Read one line from a terminal without echoing it. Resolves undefined on end of input. */
function readHiddenLine(prompt: string): Promise<string | undefined> {
  const input = process.stdin;
  // Echo goes off before the prompt shows, so nothing typed after it can appear.
  input.setRawMode(true);
  process.stdout.write(prompt);
  return new Promise((done, fail) => {
    let line = '';
    const finish = (value: string | undefined): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stdout.write('\n');
      done(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const c of chunk.toString('utf8')) {
        if (c === '\r' || c === '\n') return finish(line);
        if (c === '\u0004') return finish(line === '' ? undefined : line); // Ctrl-D
        if (c === '\u0003') {
          // Ctrl-C: leave the terminal usable and stop.
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stdout.write('\n');
          return fail(new Interrupted());
        }
        if (c === '\u007f' || c === '\b') line = line.slice(0, -1);
        else line += c;
      }
    };
    input.resume();
    input.on('data', onData);
  });
}

class Interrupted extends Error {}

/** Ask for the key twice: hidden on a terminal, plain lines from a pipe. Undefined pair members mean EOF. */
async function promptTwice(): Promise<[string | undefined, string | undefined]> {
  const first = 'Please enter the new key: ';
  const second = 'Please confirm the new key: ';
  if (process.stdin.isTTY) return [await readHiddenLine(first), await readHiddenLine(second)];
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  const iterator = lines[Symbol.asyncIterator]();
  try {
    process.stdout.write(first);
    const a = await iterator.next();
    process.stdout.write('\n' + second);
    const b = a.done ? { done: true as const, value: undefined } : await iterator.next();
    process.stdout.write('\n');
    return [a.done ? undefined : a.value, b.done ? undefined : b.value];
  } finally {
    lines.close();
  }
}

function fail(message: string): void {
  process.stderr.write(`Error: ${message}\n`);
  process.exitCode = 1;
}

/** Write the hash of `key` into the file; returns an error message or undefined on success. */
export function storeKeyHash(file: string, key: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`;
  }
  const { text, encoding } = decodePropertiesBytes(bytes);
  let edited: string;
  try {
    edited = setProperty(text, KEY_PROPERTY, computeKeyHash(key));
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) return `${file} ${err.message}`;
    return `${file}: ${(err as Error).message}`;
  }
  try {
    writeFileSync(file, encodePropertiesText(edited, encoding));
  } catch (err) {
    return `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? 'write failed'}`;
  }
  return undefined;
}

const command: CommandModule<object, SetKeyArgs> = {
  command: 'setkey [key]',
  describe: 'Set the shared key IDM must present (stores its hash as connectorserver.key)',
  builder: (y: Argv) =>
    y
      .positional('key', { type: 'string', describe: 'The new key; asked for twice when omitted' })
      .option('properties', {
        type: 'string',
        describe: 'Properties file (default conf/ConnectorServer.properties)',
      }) as Argv<SetKeyArgs>,
  handler: async (args: ArgumentsCamelCase<SetKeyArgs>) => {
    const file = args.properties !== undefined ? resolve(args.properties) : defaultPropertiesFile(installDir());
    let key = args.key;
    if (key === undefined) {
      let first: string | undefined;
      let second: string | undefined;
      try {
        [first, second] = await promptTwice();
      } catch (err) {
        if (err instanceof Interrupted) {
          process.exitCode = 130;
          return;
        }
        throw err;
      }
      if (first === undefined || second === undefined) return fail('No key was entered.');
      if (first !== second) return fail('Key mismatch.');
      key = first;
    }
    if (key === '') return fail('The key must not be empty.');
    const error = storeKeyHash(file, String(key));
    if (error !== undefined) return fail(error);
    process.stdout.write('Key has been successfully updated.\n');
  },
};

export default command;
