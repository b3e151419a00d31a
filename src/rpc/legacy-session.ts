/**
 * One connection of the legacy (pre-WebSocket) OpenICF socket protocol: each direction is one continuous legacy
 * object stream. Per request the client sends a Locale, its shared key as a GuardedString, then a HelloRequest,
 * OperationRequest or EchoMessage; the server answers with a HelloResponse, OperationResponseParts (streamed
 * results paused every 200 parts for the client's MoreData/StopData, then OperationResponseEnd and the final
 * part) or an EchoMessage. Requests repeat until the client closes the connection.
 */
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import {
  ConnectorException,
  ConnectorInfo,
  ConnectorKey,
  GuardedString,
  InvalidCredentialException,
  JavaClass,
  Locale,
  toJavaThrowable,
  type JavaThrowable,
} from '../model/index.ts';
import type { CallOptions, ConnectorRegistry } from '../framework/facade-types.ts';
import {
  EchoMessage,
  HelloInfoLevel,
  HelloRequest,
  HelloResponse,
  LegacyFormatError,
  LegacyStreamWriter,
  OperationRequest,
  OperationRequestMoreData,
  OperationResponseEnd,
  OperationResponsePart,
  OperationResponsePause,
} from '../wire/legacy/index.ts';
import { findApiMethod } from './legacy/api-methods.ts';
import { ObjectInbox } from './legacy/object-inbox.ts';

/** Streamed parts between two pauses (Java's PAUSE_INTERVAL). */
export const LEGACY_PAUSE_INTERVAL = 200;

export const INVALID_KEY_MESSAGE = 'Remote framework key is invalid';

export interface LegacySessionOptions {
  /** The loaded connectors; null serves no connector (every operation fails, Hello lists none). */
  registry: ConnectorRegistry | null;
  /** Checks the client's shared key (clear text) against the configured one. */
  verifyKey(secret: string): boolean;
  logger: Logger;
  /** Epoch milliseconds reported as SERVER_START_TIME. */
  serverStartTime: number;
  /** Parts between pauses (default 200, as Java). */
  pauseInterval?: number;
  /** Largest single incoming object in bytes (default: the reader's 64 MiB). */
  maxObjectBytes?: number;
}

/** Why a connection ended: the client closed it, it sent bytes that are not the protocol, or the socket failed. */
export type LegacySessionEnd = 'eof' | 'protocol-error' | 'closed';

/** A client that does not speak the protocol (wrong object where a request part was expected). */
class LegacyProtocolError extends Error {}

/** Thrown out of a results handler when the connection is gone: the operation stops and nothing more is sent. */
class ConnectionGone extends Error {}

export class LegacySession {
  private readonly inbox: ObjectInbox;
  private readonly writer = new LegacyStreamWriter();
  private readonly abort = new AbortController();
  private readonly pauseInterval: number;
  private busy = false;
  private closed = false;
  /** Resolves when the connection has ended and the session has finished with it. */
  readonly done: Promise<LegacySessionEnd>;

  constructor(
    private readonly socket: Duplex,
    private readonly options: LegacySessionOptions,
  ) {
    this.pauseInterval = options.pauseInterval ?? LEGACY_PAUSE_INTERVAL;
    this.inbox = new ObjectInbox(socket, options.maxObjectBytes);
    socket.on('close', () => {
      this.closed = true;
      this.abort.abort();
    });
    // A write to a socket the peer reset: ends the session through 'close'; logged at debug only.
    socket.on('error', (err: Error) => options.logger.debug({ err: err.message }, 'legacy connection error'));
    this.done = this.run();
  }

  /** True while a request is being processed (between its Locale and its last response object). */
  get inRequest(): boolean {
    return this.busy;
  }

  /** Ends the connection now; a running operation is aborted. */
  close(): void {
    this.abort.abort();
    this.socket.destroy();
  }

  private async run(): Promise<LegacySessionEnd> {
    const log = this.options.logger;
    try {
      for (;;) {
        const locale = await this.inbox.next();
        if (locale === null) break;
        this.busy = true;
        await this.handleRequest(locale.value);
        this.busy = false;
      }
      this.socket.end();
      return 'eof';
    } catch (err) {
      this.busy = false;
      if (err instanceof LegacyFormatError || err instanceof LegacyProtocolError) {
        log.info({ err: err.message }, 'legacy connection closed: malformed input');
        this.socket.destroy();
        return 'protocol-error';
      }
      if (!(err instanceof ConnectionGone)) log.debug({ err: err instanceof Error ? err.message : String(err) }, 'legacy connection ended');
      this.socket.destroy();
      return 'closed';
    }
  }

  /** Reads the rest of one request cycle (key + request) after its Locale, and answers it. */
  private async handleRequest(localeValue: unknown): Promise<void> {
    if (!(localeValue instanceof Locale)) throw new LegacyProtocolError(`expected a Locale, got ${describe(localeValue)}`);
    const key = (await this.required('the shared key')).value;
    if (!(key instanceof GuardedString)) throw new LegacyProtocolError(`expected the shared key as a GuardedString, got ${describe(key)}`);
    const request = (await this.required('the request')).value;
    const authorized = key.access((clear) => this.options.verifyKey(clear));
    if (!authorized) this.options.logger.info({}, 'legacy request with an invalid key');
    const denied = authorized ? null : new InvalidCredentialException(INVALID_KEY_MESSAGE);

    if (request instanceof HelloRequest) {
      await this.send(denied ? new HelloResponse(denied, null, null, null) : this.hello(request.infoLevel));
    } else if (request instanceof OperationRequest) {
      if (denied) await this.send(new OperationResponsePart(denied, null));
      else await this.operation(request, localeValue);
    } else if (request instanceof EchoMessage) {
      await this.send(denied ? new EchoMessage(denied, null) : new EchoMessage(request.value, request.objectXml));
    } else {
      throw new LegacyProtocolError(`unexpected request ${describe(request)}`);
    }
  }

  private async required(what: string): Promise<{ value: unknown }> {
    const item = await this.inbox.next();
    if (item === null) throw new LegacyProtocolError(`connection ended before ${what}`);
    return item;
  }

  private hello(infoLevel: number): HelloResponse {
    const serverInfo = new Map<unknown, unknown>();
    if (infoLevel & HelloInfoLevel.SERVER_INFO) serverInfo.set('SERVER_START_TIME', BigInt(this.options.serverStartTime));
    const infos = this.options.registry?.connectorInfos() ?? [];
    const wantsKeys = (infoLevel & HelloInfoLevel.CONNECTOR_KEY_LIST) !== 0;
    const wantsInfos = (infoLevel & HelloInfoLevel.CONNECTOR_INFO) === HelloInfoLevel.CONNECTOR_INFO;
    return new HelloResponse(
      null,
      serverInfo,
      // The remote form of a connector info carries no category key.
      wantsInfos ? infos.map((i) => new ConnectorInfo(i.connectorKey, i.connectorDisplayNameKey, i.messages, i.defaultApiConfiguration, null)) : null,
      wantsKeys ? infos.map((i) => i.connectorKey) : null,
    );
  }

  private async operation(request: OperationRequest, locale: Locale): Promise<void> {
    const log = this.options.logger;
    let result: unknown;
    try {
      const prepared = this.prepare(request);
      const call: CallOptions = { signal: this.abort.signal, locale };
      log.debug({ operation: `${prepared.method.operation}.${prepared.method.method}`, connectorKey: String(request.connectorKey) }, 'legacy operation started');
      let parts = 0;
      result = await prepared.method.invoke(prepared.facade, prepared.args, async (object) => {
        if (this.closed) throw new ConnectionGone('connection closed');
        await this.send(new OperationResponsePart(null, object));
        parts += 1;
        if (parts % this.pauseInterval !== 0) return true;
        await this.send(new OperationResponsePause());
        const answer = await this.inbox.next();
        if (answer === null) throw new ConnectionGone('connection ended during a pause');
        // Anything but MoreData stops the stream, as the Java server reads it.
        return answer.value instanceof OperationRequestMoreData;
      }, call);
      if (prepared.method.streams) await this.send(new OperationResponseEnd());
    } catch (err) {
      if (err instanceof ConnectionGone || this.closed) throw new ConnectionGone('connection closed');
      if (err instanceof LegacyFormatError && !(err.code === 'UNSUPPORTED_VALUE' || err.code === 'TOO_DEEP')) throw err;
      const failure = toJavaThrowable(err);
      log.debug({ err: failure.message, exception: failure.javaClass }, 'legacy operation failed');
      await this.sendFailure(failure);
      return;
    }
    try {
      await this.send(new OperationResponsePart(null, result));
    } catch (err) {
      // A result the serializer cannot encode: report it instead (the stream stays consistent).
      if (!(err instanceof LegacyFormatError) || this.closed) throw err;
      await this.sendFailure(new ConnectorException(`cannot send the operation result: ${err.message}`));
    }
  }

  private async sendFailure(failure: JavaThrowable): Promise<void> {
    await this.send(new OperationResponsePart(failure, null));
  }

  /** Resolves the connector, the facade and the API method of a request; throws the exception to answer. */
  private prepare(request: OperationRequest): { facade: ReturnType<ConnectorRegistry['facade']>; method: NonNullable<ReturnType<typeof findApiMethod>>; args: readonly unknown[] } {
    const registry = this.options.registry;
    const connectorKey = request.connectorKey;
    if (!(connectorKey instanceof ConnectorKey)) throw new ConnectorException('No such connector: null');
    const operation = request.operation instanceof JavaClass ? request.operation.toString() : null;
    if (operation === null || request.operationMethodName === null) {
      throw new ConnectorException('The request names no operation');
    }
    const method = findApiMethod(operation, request.operationMethodName);
    if (!method) throw new ConnectorException(`No such method: ${operation}.${request.operationMethodName}`);
    if (!registry || !registry.findConnectorInfo(connectorKey)) throw new ConnectorException(`No such connector: ${connectorKey.toString()}`);
    if (request.connectorFacadeKey === null) throw new ConnectorException('The request carries no connector facade key');
    const facade = registry.facade(connectorKey, request.connectorFacadeKey);
    return { facade, method, args: request.args ?? [] };
  }

  /** Writes one top-level object; waits while the socket's buffer is full. */
  private async send(value: unknown): Promise<void> {
    if (this.closed) throw new ConnectionGone('connection closed');
    const bytes = this.writer.write(value);
    if (this.socket.write(bytes)) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.socket.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        this.socket.off('drain', onDrain);
        reject(new ConnectionGone('connection closed'));
      };
      this.socket.once('drain', onDrain);
      this.socket.once('close', onClose);
    });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}
