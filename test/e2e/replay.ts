/**
 * Replays the client side of a recorded OpenICF WebSocket session (vectors/transcripts/ws-*-session.jsonl) against
 * a live server and compares the server's frames with the recorded ones by structure: message ids, which
 * request/response sub-message is present, sequence numbers and result values, not session ids, keys, stack
 * traces or the order of hash-ordered collections. Frames of a session may arrive on any of its sockets, so
 * received frames are pooled across sockets.
 */
import { readFileSync } from 'node:fs';
import type { WebSocket } from 'ws';
import * as pb from '../../src/wire/protobuf/index.ts';
import { attributeSetFromLegacy, fromLegacy } from '../../src/rpc/index.ts';
import { ConnectorInfo, ConnectorObject, Schema, SyncToken, Uid } from '../../src/model/index.ts';
import { openSocket } from '../support/raw-peer.ts';
import { sleep, waitUntil } from './support.ts';

export interface TranscriptFrame {
  seq: number;
  connection: number;
  direction: 'client->server' | 'server->client';
  message: pb.RemoteMessage;
  bytes: Uint8Array;
}

/** The binary frames of a transcript, in recorded order (close events are dropped). */
export function loadTranscript(file: string): TranscriptFrame[] {
  const frames: TranscriptFrame[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const rec = JSON.parse(line) as { seq: number; connection: number; direction: string; frame: string; hex?: string };
    if (rec.frame !== 'binary' || !rec.hex) continue;
    if (rec.direction !== 'client->server' && rec.direction !== 'server->client') continue;
    const bytes = new Uint8Array(Buffer.from(rec.hex, 'hex'));
    frames.push({ seq: rec.seq, connection: rec.connection, direction: rec.direction, message: pb.decodeRemoteMessage(bytes), bytes });
  }
  return frames;
}

// ---- structure of a frame ------------------------------------------------------------------------------------------

/** Which sub-message a frame carries, plus its sequence number for streamed parts: frames are matched on this. */
export function signature(m: pb.RemoteMessage): string {
  const id = m.messageId.toString();
  const req = m.request;
  const resp = m.response;
  if (req) {
    if (req.handshakeMessage) return `${id} request handshake`;
    if (req.controlRequest) return `${id} request control`;
    if (req.cancelOpRequest) return `${id} request cancel`;
    if (req.operationRequest) return `${id} request operation`;
    return `${id} request ?`;
  }
  if (resp) {
    if (resp.error) return `${id} response error`;
    if (resp.handshakeMessage) return `${id} response handshake`;
    if (resp.controlResponse) return `${id} response control`;
    const op = resp.operationResponse;
    if (op) {
      if (op.searchOpResponse) {
        const s = op.searchOpResponse;
        return `${id} response search #${s.sequence} ${s.connectorObject ? 'part' : 'end'}`;
      }
      if (op.syncOpResponse?.sync) {
        const s = op.syncOpResponse.sync;
        return `${id} response sync #${s.sequence} ${s.syncDelta ? 'part' : 'end'}`;
      }
      if (op.syncOpResponse?.latestSyncToken) return `${id} response latestSyncToken`;
      const present = Object.entries(op).find(([k, v]) => k.endsWith('esponse') && v !== undefined && k !== '$typeName');
      return `${id} response ${present ? present[0] : '?'}`;
    }
    return `${id} response ?`;
  }
  return `${id} ?`;
}

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return `${value}L`;
  if (value instanceof SyncToken) return { syncToken: plain(value.value) };
  if (value instanceof Uid) return { uid: value.value };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const ctor = (value as object).constructor?.name;
    if (ctor && ctor !== 'Object') return `<${ctor}>`;
  }
  return value;
}

function attributesSummary(attrs: readonly { name: string; values: readonly unknown[] | null }[]): Record<string, unknown> {
  const byName: Record<string, unknown> = {};
  for (const a of [...attrs].sort((x, y) => x.name.localeCompare(y.name))) {
    // Values of the well-known attributes are compared; other values only by count (hash-ordered sets).
    byName[a.name] = a.name.startsWith('__') && a.name !== '__PASSWORD__' ? (a.values ?? []).map(plain) : (a.values ?? []).length;
  }
  return byName;
}

/** The comparable content of a frame: what must be equal between the recording and the live server. */
export function content(m: pb.RemoteMessage): unknown {
  const req = m.request;
  const resp = m.response;
  if (req?.handshakeMessage) return { serverType: req.handshakeMessage.serverType, hasKey: req.handshakeMessage.publicKey.length > 0 };
  if (req?.controlRequest) return { infoLevel: [...req.controlRequest.infoLevel] };
  if (req) return null;
  if (!resp) return null;
  if (resp.error) return { exceptionClass: resp.error.exceptionClass, message: resp.error.message };
  if (resp.handshakeMessage) return { serverType: resp.handshakeMessage.serverType, hasKey: resp.handshakeMessage.publicKey.length > 0 };
  if (resp.controlResponse) {
    const bytes = resp.controlResponse.connectorInfos;
    const infos = bytes.length > 0 ? fromLegacy(bytes) : null;
    const keys = Array.isArray(infos) ? infos.filter((i): i is ConnectorInfo => i instanceof ConnectorInfo).map((i) => i.connectorKey) : null;
    // The server's connector list differs by design; the test bundle's TstConnector must be in both.
    return { hasInfos: keys !== null, hasTstConnector: keys ? keys.some((k) => k.bundleName === 'testbundlev1' && k.connectorName === 'org.identityconnectors.testconnector.TstConnector') : null };
  }
  const op = resp.operationResponse;
  if (!op) return null;
  if (op.schemaOpResponse) {
    const schema = fromLegacy(op.schemaOpResponse.schema);
    if (!(schema instanceof Schema)) return { schema: plain(schema) };
    return {
      objectClasses: [...schema.objectClassInfos].map((c) => [c.type, c.attributeInfos.length]).sort(),
    };
  }
  if (op.createOpResponse) return { uid: op.createOpResponse.uid?.value ?? null, revision: op.createOpResponse.uid?.revision ?? null };
  if (op.searchOpResponse) {
    const s = op.searchOpResponse;
    if (s.connectorObject) {
      const attrs = attributeSetFromLegacy(s.connectorObject.attributes) ?? [];
      return { objectClass: s.connectorObject.objectClass, attributes: attributesSummary(attrs) };
    }
    const r = s.result;
    return r
      ? { cookie: r.pagedResultsCookie, policy: r.totalPagedResultsPolicy, total: r.totalPagedResults, remaining: r.remainingPagedResults }
      : { result: null };
  }
  if (op.GetOpResponse) {
    const o = fromLegacy(op.GetOpResponse.connectorObject);
    if (!(o instanceof ConnectorObject)) return { object: plain(o) };
    return { objectClass: o.objectClass.type, attributes: attributesSummary(o.attributes) };
  }
  if (op.syncOpResponse?.sync) {
    const s = op.syncOpResponse.sync;
    if (s.syncDelta) {
      const d = s.syncDelta;
      return {
        deltaType: d.deltaType,
        objectClass: d.objectClass,
        uid: d.uid?.value ?? null,
        token: plain(d.token ? fromLegacy(d.token.value) : null),
        // The delta's object travels as its legacy attribute set.
        object: d.connectorObject.length > 0 ? attributesSummary(attributeSetFromLegacy(d.connectorObject) ?? []) : null,
      };
    }
    return { token: plain(s.syncToken ? fromLegacy(s.syncToken.value) : null) };
  }
  if (op.syncOpResponse?.latestSyncToken) {
    const t = op.syncOpResponse.latestSyncToken.syncToken;
    return { token: plain(t ? fromLegacy(t.value) : null) };
  }
  if (op.scriptOnConnectorOpResponse) return { result: plain(fromLegacy(op.scriptOnConnectorOpResponse.object)) };
  if (op.scriptOnResourceOpResponse) return { result: plain(fromLegacy(op.scriptOnResourceOpResponse.object)) };
  if (op.updateOpResponse) return { uid: op.updateOpResponse.uid?.value ?? null };
  if (op.authenticateOpResponse) return { uid: op.authenticateOpResponse.uid?.value ?? null };
  if (op.resolveUsernameOpResponse) return { uid: op.resolveUsernameOpResponse.uid?.value ?? null };
  return {};
}

function safeContent(m: pb.RemoteMessage): unknown {
  try {
    return content(m);
  } catch (err) {
    return { undecodable: err instanceof Error ? err.message : String(err) };
  }
}

// ---- the replay ----------------------------------------------------------------------------------------------------

interface Expected {
  frame: TranscriptFrame;
  sig: string;
  /** Recorded after the client cancelled its request: the live server may or may not send it. */
  optional: boolean;
  matched: boolean;
}

export interface ReplayReport {
  /** Mismatches, keyed by message id (as text). Empty arrays mean the id matched. */
  byMessageId: Map<string, string[]>;
  /** Client request ids, in order, with the operation they carry. */
  requests: Array<{ id: string; what: string }>;
  received: number;
  expected: number;
}

function describeRequest(m: pb.RemoteMessage): string {
  const req = m.request;
  if (!req) return 'response';
  if (req.handshakeMessage) return 'handshake';
  if (req.controlRequest) return 'control';
  if (req.cancelOpRequest) return 'cancel';
  const op = req.operationRequest;
  if (!op) return '?';
  const present = Object.entries(op).find(([k, v]) => k.endsWith('equest') && v !== undefined && k !== '$typeName');
  return present ? present[0] : 'operation';
}

export interface ReplayOptions {
  url: string;
  /** Bound on every wait for a recorded server frame. */
  frameTimeoutMs?: number;
  /** How long to listen for stray frames once everything expected arrived. */
  quietMs?: number;
}

/** Replays a transcript on fresh sockets (one per recorded connection) and compares what comes back. */
export async function replayTranscript(frames: readonly TranscriptFrame[], options: ReplayOptions): Promise<ReplayReport> {
  const frameTimeoutMs = options.frameTimeoutMs ?? 10_000;
  const report: ReplayReport = { byMessageId: new Map(), requests: [], received: 0, expected: 0 };
  const problems = (id: string): string[] => {
    let list = report.byMessageId.get(id);
    if (!list) report.byMessageId.set(id, (list = []));
    return list;
  };

  // Server frames recorded after the client's cancel of the same id are optional.
  const cancelSeq = new Map<string, number>();
  for (const f of frames) if (f.direction === 'client->server' && f.message.request?.cancelOpRequest) cancelSeq.set(f.message.messageId.toString(), f.seq);
  const expected: Expected[] = frames
    .filter((f) => f.direction === 'server->client')
    .map((f) => {
      const c = cancelSeq.get(f.message.messageId.toString());
      return { frame: f, sig: signature(f.message), optional: c !== undefined && f.seq > c, matched: false };
    });
  report.expected = expected.length;
  const cancelledAt = new Map<string, number>();

  const onReceived = (m: pb.RemoteMessage): void => {
    report.received++;
    const id = m.messageId.toString();
    problems(id);
    const sig = signature(m);
    if (m.response?.error && cancelledAt.has(id)) problems(id).push(`the server answered the cancel of ${id} with an error: ${m.response.error.exceptionClass}`);
    const e = expected.find((x) => !x.matched && x.sig === sig);
    if (!e) {
      problems(id).push(`unexpected frame: ${sig} ${JSON.stringify(safeContent(m))}`);
      return;
    }
    e.matched = true;
    const want = JSON.stringify(safeContent(e.frame.message));
    const got = JSON.stringify(safeContent(m));
    // Two frames that cannot be read are not equal, whatever their error says.
    if (want.includes('"undecodable"')) problems(id).push(`${sig}: recorded frame not readable: ${want}`);
    else if (want !== got) problems(id).push(`${sig}: recorded ${want}, got ${got}`);
  };

  const connections = [...new Set(frames.map((f) => f.connection))].sort((a, b) => a - b);
  const sockets = new Map<number, WebSocket>();
  try {
    for (const c of connections) {
      const ws = await openSocket(options.url);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return;
        try {
          onReceived(pb.decodeRemoteMessage(new Uint8Array(data)));
        } catch (err) {
          problems('?').push(`undecodable frame: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
      sockets.set(c, ws);
    }

    for (const f of frames) {
      if (f.direction !== 'client->server') continue;
      const id = f.message.messageId.toString();
      if (f.message.request) report.requests.push({ id, what: describeRequest(f.message) });
      problems(id);
      // The recorded client sent this frame after these server frames: wait for them, as it did.
      const due = expected.filter((e) => e.frame.seq < f.seq && !e.optional);
      const arrived = await waitUntil(() => due.every((e) => e.matched), frameTimeoutMs);
      if (!arrived) {
        for (const e of due.filter((x) => !x.matched)) {
          problems(e.frame.message.messageId.toString()).push(`missing (before client frame #${f.seq}): ${e.sig}`);
          e.matched = true; // reported once
        }
      }
      if (f.message.request?.cancelOpRequest) cancelledAt.set(id, Date.now());
      sockets.get(f.connection)!.send(f.bytes, { binary: true });
    }

    const rest = expected.filter((e) => !e.optional);
    await waitUntil(() => rest.every((e) => e.matched), frameTimeoutMs);
    for (const e of rest.filter((x) => !x.matched)) problems(e.frame.message.messageId.toString()).push(`missing: ${e.sig}`);
    // Anything that still comes is a stray frame (e.g. an answer to a cancel).
    await sleep(options.quietMs ?? 500);
  } finally {
    for (const ws of sockets.values()) {
      try {
        ws.close(1000, 'Shutdown');
      } catch {
        ws.terminate();
      }
    }
  }
  return report;
}
