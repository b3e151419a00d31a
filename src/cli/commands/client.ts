/**
 * `rcs client info|run`: query or drive any OpenICF connector server (this one or a Java one) from the shell,
 * JSON in and out. Useful when IDM says "connector server not available".
 */
import { readFileSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { RcsClient } from '../../client/index.ts';
import {
  attributesFromJson,
  connectorObjectToJson,
  filterFromJson,
  optionsFromJson,
  searchResultToJson,
  syncDeltaToJson,
  uidFromJson,
  uidToJson,
  valueFromJson,
  valueToJson,
  type Json,
} from '../../client/json-values.ts';
import {
  ConnectorKey,
  GuardedString,
  InvalidCredentialException,
  ObjectClass,
  ScriptContext,
  SyncToken,
  type ConnectorInfo,
  type ConnectorObject,
  type SyncDelta,
} from '../../model/index.ts';
import type { ConnectorFacade, UpdateMode } from '../../framework/facade-types.ts';

interface ConnectionArgs {
  url: string;
  key: string;
  principal: string;
  ca?: string;
  truststore?: string;
  truststoreType: string;
  truststorePass: string;
  insecure: boolean;
  timeout: number;
}

interface InfoArgs extends ConnectionArgs {
  json: boolean;
}

interface RunArgs extends ConnectionArgs {
  op: string;
  connector: string;
  config?: string;
  request?: string;
}

export const OPERATIONS = [
  'validate',
  'test',
  'schema',
  'create',
  'get',
  'search',
  'update',
  'delete',
  'sync',
  'latestSyncToken',
  'authenticate',
  'resolveUsername',
  'scriptOnConnector',
  'scriptOnResource',
] as const;

function connectionOptions(y: Argv): Argv<ConnectionArgs> {
  return y
    .option('url', { type: 'string', default: 'ws://127.0.0.1:8759/openicf', describe: 'ws:// or wss:// URL of the server' })
    .option('key', { type: 'string', default: 'changeit', describe: 'Shared key (or RCS_KEY)' })
    .option('principal', { type: 'string', default: 'anonymous' })
    .option('ca', { type: 'string', describe: 'PEM file of CA certificates to trust' })
    .option('truststore', { type: 'string', describe: 'PKCS12 truststore of CA certificates to trust' })
    .option('truststore-type', { type: 'string', default: 'PKCS12' })
    .option('truststore-pass', { type: 'string', default: '' })
    .option('insecure', { type: 'boolean', default: false, describe: 'Do not verify the server certificate' })
    .option('timeout', { type: 'number', default: 30, describe: 'Seconds to wait for the connection' }) as unknown as Argv<ConnectionArgs>;
}

async function connect(args: ConnectionArgs): Promise<RcsClient> {
  const ca: string[] = [];
  if (args.ca) ca.push(readFileSync(args.ca, 'utf8'));
  if (args.truststore) {
    // Loaded on demand, like the server's TLS loader: the certificate libraries are slow to load.
    const { loadClientTrust } = await import('../../server/tls/server-tls.ts');
    ca.push(...(await loadClientTrust(args.truststore, args.truststoreType, args.truststorePass)));
  }
  try {
    return await RcsClient.connect({
      url: args.url,
      key: process.env['RCS_KEY'] ?? args.key,
      principal: args.principal,
      ca: ca.length > 0 ? ca : undefined,
      rejectUnauthorized: !args.insecure,
      connections: 1,
      connectTimeoutMs: args.timeout * 1000,
    });
  } catch (err) {
    if (err instanceof InvalidCredentialException) {
      throw new Error(`${err.message}; the key comes from --key or RCS_KEY`, { cause: err });
    }
    throw err;
  }
}

/** "bundle:version:connector", or just the connector name when it is unique on the server. */
function resolveConnector(infos: readonly ConnectorInfo[], spec: string): ConnectorInfo {
  const parts = spec.split(':');
  const found =
    parts.length === 3
      ? infos.filter((i) => i.connectorKey.equals(new ConnectorKey(parts[0]!, parts[1]!, parts[2]!)))
      : infos.filter((i) => i.connectorKey.connectorName === spec || i.connectorKey.bundleName === spec);
  if (found.length === 1) return found[0]!;
  const known = infos.map((i) => keyText(i.connectorKey)).join(', ');
  throw new Error(found.length === 0 ? `no connector ${spec} on the server (it has: ${known})` : `${spec} is ambiguous: use bundle:version:connector`);
}

function keyText(k: ConnectorKey): string {
  return `${k.bundleName}:${k.bundleVersion}:${k.connectorName}`;
}

function readJsonArg(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  const raw = text === '-' ? readFileSync(0, 'utf8') : text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text;
  const parsed = JSON.parse(raw) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
  return parsed as Record<string, unknown>;
}

function infoJson(info: ConnectorInfo): Json {
  const cfg = info.defaultApiConfiguration;
  return {
    key: { bundleName: info.connectorKey.bundleName, bundleVersion: info.connectorKey.bundleVersion, connectorName: info.connectorKey.connectorName },
    displayName: info.messages.format(info.connectorDisplayNameKey),
    supportedOperations: cfg.supportedOperations,
    poolingSupported: cfg.connectorPoolingSupported,
    configurationProperties: cfg.configurationProperties.properties.map((p) => ({
      name: p.name,
      type: p.type?.toString() ?? null,
      required: p.required,
      confidential: p.confidential,
      default: p.confidential ? null : valueToJson(p.value),
      displayName: info.messages.format(p.displayMessageKey ?? p.name, undefined, p.name),
    })),
  };
}

/** Runs one operation described by the request JSON; returns its JSON result. */
export async function runOperation(facade: ConnectorFacade, op: string, req: Record<string, unknown>): Promise<Json> {
  const oc = new ObjectClass(typeof req['objectClass'] === 'string' ? req['objectClass'] : ObjectClass.ACCOUNT_NAME);
  const options = optionsFromJson(req['options']);
  switch (op) {
    case 'validate':
      await facade.validate();
      return { ok: true };
    case 'test':
      await facade.test();
      return { ok: true };
    case 'schema':
      return valueToJson(await facade.schema());
    case 'create':
      return { uid: uidToJson(await facade.create(oc, attributesFromJson(req['attributes'] ?? {}), options)) };
    case 'get': {
      const obj = await facade.getObject(oc, uidFromJson(req['uid']), options);
      return obj ? connectorObjectToJson(obj) : null;
    }
    case 'update': {
      const mode = (req['mode'] ?? 'replace') as UpdateMode;
      const uid = await facade.update(mode, oc, uidFromJson(req['uid']), attributesFromJson(req['attributes'] ?? {}), options);
      return { uid: uidToJson(uid) };
    }
    case 'delete':
      await facade.delete(oc, uidFromJson(req['uid']), options);
      return { ok: true };
    case 'search': {
      const results: Json[] = [];
      const limit = typeof req['limit'] === 'number' ? req['limit'] : Infinity;
      const result = await facade.search(
        oc,
        filterFromJson(req['filter']),
        async (o: ConnectorObject) => {
          results.push(connectorObjectToJson(o));
          return results.length < limit;
        },
        options,
      );
      return { results, result: searchResultToJson(result) };
    }
    case 'sync': {
      const deltas: Json[] = [];
      const token = req['token'] === undefined || req['token'] === null ? null : new SyncToken(valueFromJson(req['token']));
      const last = await facade.sync(oc, token, async (d: SyncDelta) => (deltas.push(syncDeltaToJson(d)), true), options);
      return { deltas, token: last ? valueToJson(last.value) : null };
    }
    case 'latestSyncToken': {
      const t = await facade.getLatestSyncToken(oc);
      return { token: t ? valueToJson(t.value) : null };
    }
    case 'authenticate':
      return {
        uid: uidToJson(await facade.authenticate(oc, String(req['username'] ?? ''), new GuardedString(String(req['password'] ?? '')), options)),
      };
    case 'resolveUsername':
      return { uid: uidToJson(await facade.resolveUsername(oc, String(req['username'] ?? ''), options)) };
    case 'scriptOnConnector':
    case 'scriptOnResource': {
      const args = new Map(Object.entries((req['args'] ?? {}) as Record<string, unknown>).map(([k, v]) => [k, valueFromJson(v)]));
      const ctx = new ScriptContext(String(req['language'] ?? 'JavaScript'), String(req['script'] ?? ''), args);
      const r = op === 'scriptOnConnector' ? await facade.runScriptOnConnector(ctx, options) : await facade.runScriptOnResource(ctx, options);
      return { result: valueToJson(r) };
    }
    default:
      throw new Error(`unknown operation ${op}; one of ${OPERATIONS.join(', ')}`);
  }
}

function print(json: Json): void {
  process.stdout.write(JSON.stringify(json, null, 2) + '\n');
}

const info: CommandModule<object, InfoArgs> = {
  command: 'info',
  describe: "List the server's connectors with their keys and configuration properties",
  builder: (y: Argv) => connectionOptions(y).option('json', { type: 'boolean', default: false }) as Argv<InfoArgs>,
  handler: async (args: ArgumentsCamelCase<InfoArgs>) => {
    const client = await connect(args);
    try {
      const infos = await client.connectorInfos();
      if (args.json) return print(infos.map(infoJson));
      for (const i of infos) {
        process.stdout.write(`${keyText(i.connectorKey)}  (${i.messages.format(i.connectorDisplayNameKey)})\n`);
        for (const p of i.defaultApiConfiguration.configurationProperties.properties) {
          const flags = [p.required ? 'required' : '', p.confidential ? 'confidential' : ''].filter(Boolean).join(', ');
          process.stdout.write(`    ${p.name}: ${p.type?.toString() ?? '?'}${flags ? ` [${flags}]` : ''}\n`);
        }
      }
    } finally {
      await client.close();
    }
  },
};

const run: CommandModule<object, RunArgs> = {
  command: 'run <op>',
  describe: 'Run one operation; the request is JSON (objectClass, attributes, uid, filter, options, ...)',
  builder: (y: Argv) =>
    connectionOptions(y)
      .positional('op', { type: 'string', choices: OPERATIONS as unknown as string[], demandOption: true })
      .option('connector', { type: 'string', demandOption: true, describe: 'bundle:version:connector, or the connector name' })
      .option('config', { type: 'string', describe: 'Configuration property values: JSON, @file or -' })
      .option('request', { type: 'string', describe: 'The request: JSON, @file or - (stdin)' }) as Argv<RunArgs>,
  handler: async (args: ArgumentsCamelCase<RunArgs>) => {
    const client = await connect(args);
    try {
      const connector = resolveConnector(await client.connectorInfos(), args.connector);
      const config = readJsonArg(args.config);
      const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, Array.isArray(v) ? v : valueFromJson(v)]));
      const facade = client.newFacade(connector, values);
      print(await runOperation(facade, args.op, readJsonArg(args.request)));
    } catch (err) {
      const e = err as Error & { remoteClass?: string; javaClass?: string };
      process.stderr.write(JSON.stringify({ exception: e.remoteClass ?? e.javaClass ?? e.name, message: e.message }) + '\n');
      process.exitCode = 1;
    } finally {
      await client.close();
    }
  },
};

const command: CommandModule = {
  command: 'client <command>',
  describe: 'Query or drive a connector server: client info, client run <op>',
  builder: (y: Argv) => y.command(info).command(run).demandCommand(1),
  handler: () => {},
};

export default command;
