/**
 * Messages of the legacy OpenICF socket protocol (plain TCP, one binary object stream per direction):
 * hello exchange, operation request, streamed response parts and flow control.
 */
import type { ConnectorInfo, ConnectorKey, JavaClass } from '../../model/index.ts';

/** HelloRequest.infoLevel bits. */
export const HelloInfoLevel = {
  SERVER_INFO: 4,
  CONNECTOR_KEY_LIST: 16,
  /** Connector keys plus server info (Java's CONNECTOR_INFO, the default). */
  CONNECTOR_INFO: 20,
} as const;

export class HelloRequest {
  constructor(readonly infoLevel: number = HelloInfoLevel.CONNECTOR_INFO) {}
}

export class HelloResponse {
  constructor(
    /** A failure on the server side (e.g. a bad key), or null. */
    readonly exception: Error | null,
    /** Server facts, e.g. "SERVER_START_TIME" → Long. */
    readonly serverInfo: Map<unknown, unknown> | null,
    readonly connectorInfos: ConnectorInfo[] | null,
    readonly connectorKeys: ConnectorKey[] | null,
  ) {}
}

export class OperationRequest {
  constructor(
    /** The API operation interface, e.g. JavaClass.of('CreateApiOp'). */
    readonly operation: JavaClass | null,
    readonly operationMethodName: string | null,
    readonly connectorKey: ConnectorKey | null,
    readonly connectorFacadeKey: string | null,
    readonly args: unknown[] | null,
  ) {}
}

export class OperationResponseEnd {}

export class OperationResponsePart {
  constructor(
    readonly exception: Error | null,
    readonly result: unknown,
  ) {}
}

export class OperationRequestMoreData {}

export class OperationRequestStopData {}

export class OperationResponsePause {}

export class EchoMessage {
  constructor(
    readonly value: unknown,
    /** The value in OpenICF's XML serialization (not produced here), or null. */
    readonly objectXml: string | null,
  ) {}
}

export type LegacyMessage =
  | HelloRequest
  | HelloResponse
  | OperationRequest
  | OperationResponseEnd
  | OperationResponsePart
  | OperationRequestMoreData
  | OperationRequestStopData
  | OperationResponsePause
  | EchoMessage;
