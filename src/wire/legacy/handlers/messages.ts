/** Legacy socket-protocol messages (Java's MessageHandlers). */
import { ConnectorInfo, ConnectorKey } from '../../../model/index.ts';
import { defineHandler, type FieldReader, type TypeHandler } from '../handler.ts';
import {
  EchoMessage,
  HelloRequest,
  HelloResponse,
  OperationRequest,
  OperationRequestMoreData,
  OperationRequestStopData,
  OperationResponseEnd,
  OperationResponsePart,
  OperationResponsePause,
} from '../messages.ts';
import { expectInstance, wrongField } from './util.ts';

function throwableOf(i: FieldReader, field: string): Error | null {
  return expectInstance(i.object(field, null), Error, i.typeName, field, true);
}

function listOf<T>(i: FieldReader, field: string, ctor: abstract new (...args: never[]) => T): T[] | null {
  const v = i.object(field, null);
  if (v === null) return null;
  if (!Array.isArray(v)) throw wrongField(i.typeName, field, 'a List');
  return v.map((e) => expectInstance(e, ctor, i.typeName, field, false)!);
}

function empty(name: string, make: () => object): TypeHandler {
  return defineHandler(name, {}, null, () => {}, make);
}

export const MESSAGE_HANDLERS: readonly TypeHandler[] = [
  defineHandler(
    'HelloRequest',
    { infoLevel: 'int' },
    null,
    (o, v) => o.int('infoLevel', (v as HelloRequest).infoLevel),
    (i) => new HelloRequest(i.int('infoLevel', 20)),
  ),
  defineHandler(
    'HelloResponse',
    { exception: 'object', serverInfoMap: 'object', ConnectorInfos: 'object', ConnectorKeys: 'object' },
    null,
    (o, v) => {
      const r = v as HelloResponse;
      o.object('exception', r.exception);
      o.object('serverInfoMap', r.serverInfo);
      o.object('ConnectorInfos', r.connectorInfos);
      o.object('ConnectorKeys', r.connectorKeys);
    },
    (i) => {
      const info = i.object('serverInfoMap', null);
      if (info !== null && !(info instanceof Map)) throw wrongField(i.typeName, 'serverInfoMap', 'a Map');
      return new HelloResponse(
        throwableOf(i, 'exception'),
        info as Map<unknown, unknown> | null,
        listOf(i, 'ConnectorInfos', ConnectorInfo),
        listOf(i, 'ConnectorKeys', ConnectorKey),
      );
    },
  ),
  defineHandler(
    'OperationRequest',
    { operation: 'class', operationMethodName: 'string', ConnectorKey: 'object', connectorFacadeKey: 'string', Arguments: 'object' },
    null,
    (o, v) => {
      const r = v as OperationRequest;
      o.classField('operation', r.operation);
      o.string('operationMethodName', r.operationMethodName);
      o.object('ConnectorKey', r.connectorKey);
      o.string('connectorFacadeKey', r.connectorFacadeKey);
      o.object('Arguments', r.args);
    },
    (i) => {
      const args = i.object('Arguments', null);
      if (args !== null && !Array.isArray(args)) throw wrongField(i.typeName, 'Arguments', 'a List');
      return new OperationRequest(
        i.classField('operation', null),
        i.string('operationMethodName', null),
        expectInstance(i.object('ConnectorKey', null), ConnectorKey, i.typeName, 'ConnectorKey', true),
        i.string('connectorFacadeKey', null),
        args as unknown[] | null,
      );
    },
  ),
  empty('OperationResponseEnd', () => new OperationResponseEnd()),
  defineHandler(
    'OperationResponsePart',
    { exception: 'object', result: 'object' },
    null,
    (o, v) => {
      const p = v as OperationResponsePart;
      o.object('exception', p.exception);
      o.object('result', p.result);
    },
    (i) => new OperationResponsePart(throwableOf(i, 'exception'), i.object('result', null)),
  ),
  empty('OperationRequestMoreData', () => new OperationRequestMoreData()),
  empty('OperationRequestStopData', () => new OperationRequestStopData()),
  empty('OperationResponsePause', () => new OperationResponsePause()),
  defineHandler(
    'EchoMessage',
    { value: 'object', objectXml: 'object' },
    null,
    (o, v) => {
      const m = v as EchoMessage;
      o.object('value', m.value);
      o.object('objectXml', m.objectXml);
    },
    (i) => {
      const xml = i.object('objectXml', null);
      if (xml !== null && typeof xml !== 'string') throw wrongField(i.typeName, 'objectXml', 'a String');
      return new EchoMessage(i.object('value', null), xml as string | null);
    },
  ),
];
