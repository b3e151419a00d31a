/**
 * `rcs inspect [file]`: prints a legacy serializer blob (raw or base64) or a RemoteMessage frame (raw or hex) as
 * readable JSON, with the legacy blobs inside protobuf bytes fields decoded in place.
 */
import { readFileSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { deserializeLegacy, decodeLegacyTree } from '../../wire/legacy/index.ts';
import { decodeRemoteMessage, remoteMessageToJson } from '../../wire/protobuf/index.ts';
import { describeValue, type JsonValue } from '../describe-value.ts';

interface InspectArgs {
  file?: string;
  tree?: boolean;
  reveal?: boolean;
}

export class InspectError extends Error {}

const MAGIC = [0x00, 0x00, 0xfa, 0xfb];

function hasMagic(b: Uint8Array): boolean {
  return b.length >= 4 && MAGIC.every((m, i) => b[i] === m);
}

/** Turns the input into bytes: raw binary, hex text or base64 text. */
export function inputBytes(input: Uint8Array): Uint8Array {
  if (hasMagic(input)) return input;
  const text = Buffer.from(input).toString('latin1').trim();
  if (text.length > 0 && /^[0-9a-fA-F\s]+$/.test(text)) {
    const hex = text.replace(/\s+/g, '');
    if (hex.length % 2 === 0) return Buffer.from(hex, 'hex');
  }
  if (text.length > 0 && /^[A-Za-z0-9+/\s]+={0,2}$/.test(text)) {
    const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    if (hasMagic(decoded)) return decoded;
  }
  return input;
}

export interface InspectOptions {
  tree?: boolean;
  reveal?: boolean;
}

function legacyJson(bytes: Uint8Array, options: InspectOptions): JsonValue {
  if (options.tree) return decodeLegacyTree(bytes) as unknown as JsonValue;
  return describeValue(deserializeLegacy(bytes), { reveal: options.reveal });
}

/** Replaces, in protobuf JSON, every base64 bytes field that holds a legacy blob by its decoded form. */
function expandLegacyFields(node: JsonValue, options: InspectOptions): JsonValue {
  if (Array.isArray(node)) return node.map((n) => expandLegacyFields(n, options));
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(node)) {
    if (typeof v === 'string' && v.length >= 8 && /^[A-Za-z0-9+/]+={0,2}$/.test(v)) {
      let bytes = Buffer.from(v, 'base64');
      // The facade key is the UTF-8 of a base64 text: base64 twice in JSON.
      if (k === 'connectorFacadeKey') bytes = Buffer.from(bytes.toString('latin1'), 'base64');
      if (hasMagic(bytes)) {
        try {
          out[k] = { legacy: legacyJson(bytes, options) };
        } catch (err) {
          out[k] = { legacyError: (err as Error).message, base64: v };
        }
        continue;
      }
    }
    out[k] = expandLegacyFields(v, options);
  }
  return out;
}

export function inspectBytes(input: Uint8Array, options: InspectOptions = {}): JsonValue {
  const bytes = inputBytes(input);
  if (bytes.length === 0) throw new InspectError('empty input: nothing to decode');
  if (hasMagic(bytes)) {
    try {
      return { legacy: legacyJson(bytes, options) };
    } catch (err) {
      throw new InspectError(`not a valid legacy serializer blob: ${(err as Error).message}`, { cause: err });
    }
  }
  let message;
  try {
    message = decodeRemoteMessage(bytes);
  } catch (err) {
    throw new InspectError(
      `neither a legacy serializer blob (no 0000fafb magic) nor a valid RemoteMessage frame: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { RemoteMessage: expandLegacyFields(remoteMessageToJson(message) as JsonValue, options) };
}

function readInput(file: string | undefined): Uint8Array {
  if (!file || file === '-') return readFileSync(0);
  return readFileSync(file);
}

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return code ?? (err as Error).message;
}

const command: CommandModule<object, InspectArgs> = {
  command: 'inspect [file]',
  describe: 'Decode a legacy blob (raw/base64) or a RemoteMessage frame (raw/hex) from a file or stdin',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'Input file; - or none reads stdin' })
      .option('tree', { type: 'boolean', default: false, describe: 'Show the raw field tree of legacy blobs' })
      .option('reveal', { type: 'boolean', default: false, describe: 'Show GuardedString clear text' }) as Argv<InspectArgs>,
  handler: (args: ArgumentsCamelCase<InspectArgs>) => {
    let input: Uint8Array;
    try {
      input = readInput(args.file);
    } catch (err) {
      throw new InspectError(`cannot read ${args.file ?? 'stdin'}: ${readFailure(err)}`);
    }
    const json = inspectBytes(input, { tree: args.tree, reveal: args.reveal });
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  },
};

export default command;
