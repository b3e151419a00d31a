/**
 * Replays real Java client sessions (vectors/transcripts) against this server with the built-in connectors,
 * testbundlev1's TstConnector look-alike among them: the recorded client frames are sent unchanged (the facade
 * key inside is a real Java APIConfiguration) and the server's answers must match the recorded ones in structure.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { loadTranscript, replayTranscript, type ReplayReport } from './replay.ts';
import { silentLogger } from './support.ts';
import { conformancePath } from '../support/conformance.ts';

const TRANSCRIPTS = conformancePath('transcripts');

/**
 * Deliberate differences from the Java server, per transcript and message id. Each is listed in the report of the
 * change that introduced this test.
 */
const KNOWN_DIFFERENCES: Record<string, Record<string, string>> = {};

function replaySuite(file: string): void {
  describe(`replay of ${file}`, () => {
    let server: RunningServer;
    let report: ReplayReport;
    const frames = loadTranscript(path.join(TRANSCRIPTS, file));

    before(async () => {
      server = await startServer({ bundleDir: true, logger: silentLogger });
      report = await replayTranscript(frames, { url: server.url });
    });

    after(async () => {
      await server?.close();
    });

    test('the transcript has client and server frames on several connections', () => {
      assert.ok(frames.some((f) => f.direction === 'client->server'));
      assert.ok(frames.some((f) => f.direction === 'server->client'));
      assert.ok(new Set(frames.map((f) => f.connection)).size >= 2);
      assert.ok(report.received > 0, 'the server answered');
    });

    test('handshake and control exchange (message ids 0 and 1) match', () => {
      assert.deepEqual(report.byMessageId.get('0') ?? [], []);
      assert.deepEqual(report.byMessageId.get('1') ?? [], []);
    });

    test('no stray or undecodable frames', () => {
      assert.deepEqual(report.byMessageId.get('?') ?? [], []);
    });

    const ops = frames.filter((f) => f.direction === 'client->server' && f.message.request?.operationRequest);
    for (const f of ops) {
      const id = f.message.messageId.toString();
      const op = f.message.request!.operationRequest!;
      const what = Object.keys(op).find((k) => k.endsWith('equest') && (op as unknown as Record<string, unknown>)[k] !== undefined) ?? 'operation';
      const cancelled = frames.some((c) => c.direction === 'client->server' && c.message.request?.cancelOpRequest && c.message.messageId === f.message.messageId);
      const known = KNOWN_DIFFERENCES[file]?.[id];
      test(`message ${id}: ${what}${cancelled ? ' (cancelled by the client)' : ''}`, known ? { todo: known } : {}, () => {
        assert.deepEqual(report.byMessageId.get(id) ?? [], []);
      });
    }
  });
}

replaySuite('ws-tst-session.jsonl');
replaySuite('ws-list-session.jsonl');
