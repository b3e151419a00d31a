import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  ControlRequest_InfoLevel,
  HandshakeMessage_ServerType,
  RemoteMessageSchema,
  WireFormatError,
  create,
  decodeRemoteMessage,
  encodeRemoteMessage,
  remoteMessageToJson,
} from '../../src/wire/protobuf/index.ts';
import type { MessageInitShape } from '../../src/wire/protobuf/index.ts';
import { conformancePath } from '../support/conformance.ts';

const TRANSCRIPTS = conformancePath('transcripts');

interface FrameLine {
  seq: number;
  frame: string;
  hex: string;
  decoded: unknown;
}

function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function transcriptFiles(): string[] {
  assert.ok(existsSync(TRANSCRIPTS), `transcript directory ${TRANSCRIPTS} is missing`);
  const sessions = readdirSync(TRANSCRIPTS)
    .filter((f) => /^ws-.*-session\.jsonl$/.test(f))
    .map((f) => join(TRANSCRIPTS, f));
  const raw = join(TRANSCRIPTS, 'ws-raw', 'ws-list-raw.frames.jsonl');
  assert.ok(existsSync(raw), `${raw} is missing`);
  const files = [...sessions, raw];
  assert.ok(sessions.length >= 3, `expected at least 3 WebSocket session transcripts, found ${sessions.length}`);
  return files;
}

function binaryFrames(file: string): FrameLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FrameLine)
    .filter((frame) => frame.frame === 'binary');
}

function assertWireError(fn: () => unknown, code?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof WireFormatError, `expected WireFormatError, got ${String(err)}`);
    if (code !== undefined) assert.equal(err.code, code);
    return true;
  });
}

function encode(init: MessageInitShape<typeof RemoteMessageSchema>): string {
  return toHex(encodeRemoteMessage(create(RemoteMessageSchema, init)));
}

describe('RemoteMessage against the Java transcripts', () => {
  for (const file of transcriptFiles()) {
    it(`round-trips every binary frame of ${file.slice(TRANSCRIPTS.length + 1)}`, () => {
      const frames = binaryFrames(file);
      assert.ok(frames.length > 0, 'no binary frames found');
      for (const frame of frames) {
        const bytes = hex(frame.hex);
        const msg = decodeRemoteMessage(bytes);
        assert.equal(toHex(encodeRemoteMessage(msg)), frame.hex, `frame ${frame.seq} re-encodes differently`);
        assert.deepEqual(remoteMessageToJson(msg), frame.decoded, `frame ${frame.seq} JSON differs`);
      }
    });
  }

  it('never fails with anything but WireFormatError on any prefix of a real frame', () => {
    for (const file of transcriptFiles()) {
      for (const frame of binaryFrames(file).slice(0, 12)) {
        const bytes = hex(frame.hex);
        for (let len = 0; len < bytes.length; len++) {
          try {
            decodeRemoteMessage(bytes.subarray(0, len));
          } catch (err) {
            assert.ok(err instanceof WireFormatError, `prefix ${len} of frame ${frame.seq}: ${String(err)}`);
          }
        }
      }
    }
  });
});

describe('empty sub-messages keep their presence', () => {
  it('encodes deleteOpResponse{} as tag + zero length and decodes it back as present', () => {
    const bytes = encode({ messageId: 5n, response: { operationResponse: { deleteOpResponse: {} } } });
    assert.equal(bytes, '0805' + '1a04' + '1a02' + '2200');
    const back = decodeRemoteMessage(hex(bytes));
    assert.notEqual(back.response?.operationResponse?.deleteOpResponse, undefined);
    assert.equal(back.response?.operationResponse?.testOpResponse, undefined);
  });

  it('encodes testOpResponse{} like the spec example (#13 -> 6a 00)', () => {
    assert.equal(encode({ messageId: 5n, response: { operationResponse: { testOpResponse: {} } } }), '08051a041a026a00');
    const back = decodeRemoteMessage(hex('08051a041a026a00'));
    assert.notEqual(back.response?.operationResponse?.testOpResponse, undefined);
    assert.equal(back.response?.operationResponse?.deleteOpResponse, undefined);
  });

  it('encodes an empty controlResponse and an absent messageId', () => {
    assert.equal(encode({ messageId: 1n, response: { controlResponse: {} } }), '08011a021200');
    assert.equal(encode({ response: { controlResponse: {} } }), '1a021200');
    const json = remoteMessageToJson(decodeRemoteMessage(hex('1a021200')));
    assert.deepEqual(json, { messageId: '0', response: { controlResponse: { contextInfoMap: [], connectorInfos: '', requestIds: [] } } });
  });

  it('leaves unset message fields out of the bytes and the JSON', () => {
    assert.equal(encode({ messageId: 3n }), '0803');
    assert.deepEqual(remoteMessageToJson(decodeRemoteMessage(hex('0803'))), { messageId: '3' });
  });
});

describe('field numbers from hand-built bytes', () => {
  it('OperationRequest.ValidateOpRequest is #18 (tag 92 01)', () => {
    const bytes = '0807' + '1205' + '1a03' + '920100';
    const msg = decodeRemoteMessage(hex(bytes));
    assert.notEqual(msg.request?.operationRequest?.ValidateOpRequest, undefined);
    assert.equal(encode({ messageId: 7n, request: { operationRequest: { ValidateOpRequest: {} } } }), bytes);
    assert.deepEqual(remoteMessageToJson(msg), { messageId: '7', request: { operationRequest: { connectorFacadeKey: '', ValidateOpRequest: {} } } });
  });

  it('OperationResponse.GetOpResponse is #5 (tag 2a)', () => {
    const bytes = '0809' + '1a08' + '1a06' + '2a04' + '0a020102';
    const msg = decodeRemoteMessage(hex(bytes));
    assert.deepEqual(msg.response?.operationResponse?.GetOpResponse?.connectorObject, new Uint8Array([1, 2]));
    assert.equal(encode({ messageId: 9n, response: { operationResponse: { GetOpResponse: { connectorObject: new Uint8Array([1, 2]) } } } }), bytes);
  });

  it('OperationRequest.batchOpRequest is #20 (tag a2 01)', () => {
    const bytes = '080b' + '1207' + '1a05' + 'a20102' + '0801';
    const msg = decodeRemoteMessage(hex(bytes));
    assert.equal(msg.request?.operationRequest?.batchOpRequest?.query, true);
    assert.equal(encode({ messageId: 11n, request: { operationRequest: { batchOpRequest: { query: true } } } }), bytes);
  });

  it('RPCRequest.cancelOpRequest is #4 (spec example: cancel of request 7)', () => {
    const msg = decodeRemoteMessage(hex('080712022200'));
    assert.equal(msg.messageId, 7n);
    assert.notEqual(msg.request?.cancelOpRequest, undefined);
    assert.equal(msg.request?.operationRequest, undefined);
    assert.equal(encode({ messageId: 7n, request: { cancelOpRequest: {} } }), '080712022200');
  });

  it('decodes the spec ControlRequest(CONNECTOR_INFO) example with packed repeated fields', () => {
    const bytes = '0801' + '1208' + '1206' + '0a0100' + '1a0101';
    const msg = decodeRemoteMessage(hex(bytes));
    assert.deepEqual(msg.request?.controlRequest?.infoLevel, [ControlRequest_InfoLevel.CONNECTOR_INFO]);
    assert.deepEqual(msg.request?.controlRequest?.remoteRequestId, [1n]);
    assert.equal(toHex(encodeRemoteMessage(msg)), bytes);
  });

  it('also accepts unpacked repeated scalars', () => {
    // remoteRequestId 1 and 2 as two separate varint records (tag 18).
    const msg = decodeRemoteMessage(hex('12061204' + '1801' + '1802'));
    assert.deepEqual(msg.request?.controlRequest?.remoteRequestId, [1n, 2n]);
  });

  it('HandshakeMessage fields and enum values', () => {
    const bytes = '120a' + '0a08' + '0a0141' + '1002' + '1a0101';
    const msg = decodeRemoteMessage(hex(bytes));
    const hs = msg.request?.handshakeMessage;
    assert.equal(hs?.sessionId, 'A');
    assert.equal(hs?.serverType, HandshakeMessage_ServerType.DOTNET);
    assert.deepEqual(hs?.publicKey, new Uint8Array([1]));
    const init = { sessionId: 'A', serverType: HandshakeMessage_ServerType.DOTNET, publicKey: new Uint8Array([1]) };
    assert.equal(encode({ request: { handshakeMessage: init } }), bytes);
  });

  it('keeps unknown fields through a round trip', () => {
    const bytes = '0805' + '7801'; // field 15, varint 1: unknown to RemoteMessage
    assert.equal(toHex(encodeRemoteMessage(decodeRemoteMessage(hex(bytes)))), bytes);
  });
});

describe('malformed input gives WireFormatError', () => {
  it('rejects a frame cut inside a field', () => {
    const frame = binaryFrames(transcriptFiles()[0])[0];
    const bytes = hex(frame.hex);
    assertWireError(() => decodeRemoteMessage(bytes.subarray(0, bytes.length - 1)), 'TRUNCATED');
    assertWireError(() => decodeRemoteMessage(bytes.subarray(0, 2)), 'TRUNCATED');
    assertWireError(() => decodeRemoteMessage(hex('08')), 'TRUNCATED');
  });

  it('rejects an embedded message whose last field overruns its declared length', () => {
    // request (len 3) holds handshakeMessage declared as 5 bytes.
    assertWireError(() => decodeRemoteMessage(hex('1203' + '0a05' + '0a03414243')), 'TRUNCATED');
    // operationResponse (len 2) whose child field overruns by one byte into the parent.
    assertWireError(() => decodeRemoteMessage(hex('1a05' + '1a02' + '2a01' + '0a00')), 'TRUNCATED');
  });

  it('rejects garbage', () => {
    assertWireError(() => decodeRemoteMessage(hex('ffffffffffffffffffffff')));
    assertWireError(() => decodeRemoteMessage(hex('00')), 'MALFORMED'); // field number 0
    assertWireError(() => decodeRemoteMessage(hex('0f')), 'MALFORMED'); // wire type 7
    assertWireError(() => decodeRemoteMessage(hex('08' + '8080808080808080808001')), 'MALFORMED'); // 11-byte varint
  });

  it('rejects a known field with the wrong wire type', () => {
    assertWireError(() => decodeRemoteMessage(hex('0a0100')), 'WIRE_TYPE_MISMATCH'); // messageId as bytes
    assertWireError(() => decodeRemoteMessage(hex('1001')), 'WIRE_TYPE_MISMATCH'); // request as varint
    assertWireError(() => decodeRemoteMessage(hex('1209' + '11' + '0000000000000000')), 'WIRE_TYPE_MISMATCH'); // controlRequest as fixed64
  });

  it('rejects invalid UTF-8 in a string field', () => {
    assertWireError(() => decodeRemoteMessage(hex('1205' + '0a03' + '0a01ff')), 'MALFORMED');
  });

  it('rejects nesting beyond the limit', () => {
    // ExceptionMessage.innerCause.cause.cause... 150 levels deep.
    let inner: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 150; i++) inner = lengthDelimited(0x1a, inner); // cause / innerCause are #3
    const error = lengthDelimited(0x22, inner); // RPCResponse.error #4
    const bytes = lengthDelimited(0x1a, error); // RemoteMessage.response #3
    assertWireError(() => decodeRemoteMessage(bytes), 'TOO_DEEP');
  });

  it('rejects something that is not a byte array', () => {
    assertWireError(() => decodeRemoteMessage('0805' as unknown as Uint8Array), 'INVALID_INPUT');
    assertWireError(() => decodeRemoteMessage(null as unknown as Uint8Array), 'INVALID_INPUT');
  });

  it('decodes from a Buffer slice with a non-zero byteOffset', () => {
    const pool = Buffer.from('ffff08051a041a026a00', 'hex');
    const msg = decodeRemoteMessage(pool.subarray(2));
    assert.equal(msg.messageId, 5n);
  });

  it('throws only WireFormatError for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const msg = decodeRemoteMessage(bytes);
          // Whatever decodes must encode again without error.
          encodeRemoteMessage(msg);
        } catch (err) {
          return err instanceof WireFormatError;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

function lengthDelimited(tag: number, payload: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = payload.length;
  while (n > 0x7f) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return new Uint8Array([tag, ...len, ...payload]);
}
