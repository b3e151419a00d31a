/** `rcs run`: the connector server in the foreground, configured from conf/ConnectorServer.properties. */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadServerConfig, ConfigError } from '../../server/config/load-config.ts';
import { createLogger } from '../../server/logger.ts';
import { checkConfig, startFromConfig } from '../../server/start-server.ts';
import { installDir } from '../install-dir.ts';

interface RunArgs {
  properties?: string;
  port?: number;
  usessl?: boolean;
  bundleDir?: string;
  libDir?: string;
  logLevel?: string;
  define?: string[];
  check?: boolean;
}

const command: CommandModule<object, RunArgs> = {
  command: ['run', '$0'],
  describe: 'Run the connector server in the foreground',
  builder: (y: Argv) =>
    y
      .option('properties', { type: 'string', describe: 'Properties file (default conf/ConnectorServer.properties)' })
      .option('port', { type: 'number', describe: 'Overrides connectorserver.port' })
      .option('usessl', { type: 'boolean', describe: 'Overrides connectorserver.usessl' })
      .option('bundle-dir', { type: 'string', describe: 'Overrides connectorserver.bundleDir' })
      .option('lib-dir', { type: 'string', describe: 'Overrides connectorserver.libDir' })
      .option('log-level', { type: 'string', describe: 'Overrides connectorserver.logLevel' })
      .option('check', {
        type: 'boolean',
        describe: 'Check the configuration, the bundles and the keystores, print a summary and exit (0 = ready to run)',
      })
      .option('define', {
        alias: 'D',
        type: 'string',
        array: true,
        describe: 'Sets any property: -D connectorserver.pingPongInterval=30',
      }) as Argv<RunArgs>,
  handler: async (args: ArgumentsCamelCase<RunArgs>) => {
    const overrides: Record<string, string> = {};
    for (const d of args.define ?? []) {
      const eq = d.indexOf('=');
      if (eq <= 0) throw new ConfigError(`-D ${d} on the command line: expected name=value`);
      overrides[d.slice(0, eq)] = d.slice(eq + 1);
    }
    if (args.port !== undefined) overrides['connectorserver.port'] = String(args.port);
    if (args.usessl !== undefined) overrides['connectorserver.usessl'] = String(args.usessl);
    if (args.bundleDir !== undefined) overrides['connectorserver.bundleDir'] = args.bundleDir;
    if (args.libDir !== undefined) overrides['connectorserver.libDir'] = args.libDir;
    if (args.logLevel !== undefined) overrides['connectorserver.logLevel'] = args.logLevel;

    const config = loadServerConfig({
      installDir: installDir(),
      propertiesFile: args.properties,
      env: process.env,
      overrides,
    });
    const logger = createLogger({ level: config.logLevel });
    for (const w of config.warnings) logger.warn(w);
    if (args.check) {
      const summary = await checkConfig(config, logger);
      process.stdout.write(summary.join('\n') + '\n');
      return;
    }
    const server = await startFromConfig(config, logger);
    logger.info(
      {
        url: server.url,
        connectors: server.registry.connectorInfos().map((i) => `${i.connectorKey.bundleName}:${i.connectorKey.bundleVersion}:${i.connectorKey.connectorName}`),
        pingPongInterval: config.pingPongIntervalSeconds,
      },
      `Connector server listening on ${server.url.replace('127.0.0.1', config.ifaddress ?? '0.0.0.0')}`,
    );
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal, inFlight: server.engine.inFlightOperations() }, 'shutting down: draining in-flight operations');
        server.close().then(
          () => {
            logger.info('connector server stopped');
            resolve();
          },
          (err: unknown) => {
            logger.error({ err }, 'error while stopping');
            resolve();
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    logger.flush?.();
  },
};

export default command;
