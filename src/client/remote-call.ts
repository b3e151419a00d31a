/**
 * One request to a connector server and the messages that answer it: registration in the session's request
 * table, cancellation through an AbortSignal, an optional gap timeout, and error responses turned into
 * RemoteWrappedException.
 */
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import * as pb from '../wire/protobuf/index.ts';
import { ConnectorException, ConnectorIOException, OperationTimeoutException } from '../model/index.ts';
import { exceptionFromProto, type ConnectionGroup } from '../rpc/index.ts';

export type OperationRequestInit = MessageInitShape<typeof pb.OperationRequestSchema>;

/** Control given to a response handler. */
export interface CallControl<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  /** Sends a CancelOpRequest and resolves with `value` (a handler that asked to stop). */
  stop(value: T): void;
  /** Sends a CancelOpRequest and rejects (a handler that failed). */
  abort(error: unknown): void;
}

export interface RemoteCallOptions<T> {
  group: ConnectionGroup;
  request: OperationRequestInit;
  signal?: AbortSignal;
  /** Longest wait for the next message, in ms (≤ 0: none). */
  timeoutMs?: number;
  operation: string;
  onResponse(response: pb.OperationResponse, control: CallControl<T>): void;
}

export function remoteCall<T>(options: RemoteCallOptions<T>): Promise<T> {
  const { group, signal } = options;
  return new Promise<T>((resolvePromise, rejectPromise) => {
    let id = 0n;
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    const cleanup = (): void => {
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const control: CallControl<T> = {
      resolve: (value) => {
        if (settled) return;
        cleanup();
        group.completeRemote(id);
        resolvePromise(value);
      },
      reject: (error) => {
        if (settled) return;
        cleanup();
        group.completeRemote(id);
        rejectPromise(error);
      },
      stop: (value) => {
        if (settled) return;
        cleanup();
        group.cancelRemote(id);
        resolvePromise(value);
      },
      abort: (error) => {
        if (settled) return;
        cleanup();
        group.cancelRemote(id);
        rejectPromise(error);
      },
    };
    const armTimer = (): void => {
      if (!options.timeoutMs || options.timeoutMs <= 0) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (settled) return;
        cleanup();
        group.cancelRemote(id);
        rejectPromise(new OperationTimeoutException(`Operation ${options.operation} timed out after ${options.timeoutMs} ms`));
      }, options.timeoutMs);
    };
    function onAbort(): void {
      if (settled) return;
      cleanup();
      group.cancelRemote(id);
      const reason: unknown = signal?.reason;
      rejectPromise(reason instanceof Error ? reason : new ConnectorException(`Operation ${options.operation} was cancelled`));
    }
    if (signal?.aborted) {
      rejectPromise(signal.reason instanceof Error ? signal.reason : new ConnectorException(`Operation ${options.operation} was cancelled`));
      return;
    }
    id = group.submit(
      (messageId) => create(pb.RemoteMessageSchema, { messageId, request: { operationRequest: options.request } }),
      {
        inconsistency: 0,
        onResponse: (response) => {
          if (settled) return;
          armTimer();
          if (response.error) {
            control.reject(exceptionFromProto(response.error));
            return;
          }
          if (!response.operationResponse) {
            control.reject(new ConnectorException(`Unknown response message type: ${options.operation}`));
            return;
          }
          try {
            options.onResponse(response.operationResponse, control);
          } catch (err) {
            control.abort(err);
          }
        },
        fail: (error) => control.reject(error),
      },
    );
    if (settled) return;
    signal?.addEventListener('abort', onAbort, { once: true });
    armTimer();
  });
}

/**
 * Delivers streamed parts strictly in `sequence` order (parts may arrive out of order over several sockets),
 * awaiting the handler for each; the final message (sequence = number of parts) completes the stream after
 * every part was handled.
 */
/** Largest distance between an arriving part and the next one due before the stream is declared broken. */
export const MAX_REORDER_GAP = 100_000n;

export class SequencedStream<P, F> {
  private readonly parts = new Map<bigint, P>();
  private next = 1n;
  private final: { count: bigint; value: F } | null = null;
  private running = false;
  private finished = false;

  constructor(
    private readonly handler: (part: P) => Promise<boolean>,
    private readonly control: CallControl<F | null>,
  ) {}

  part(sequence: bigint, part: P): void {
    if (this.finished || sequence < this.next) return;
    if (sequence - this.next > MAX_REORDER_GAP) {
      // Parts overtake each other only by what is in flight on the other sockets; a gap this large is a broken
      // (or hostile) peer, and buffering behind it would grow without bound.
      this.finished = true;
      this.parts.clear();
      this.control.abort(new ConnectorIOException(`Result part ${sequence} arrived while part ${this.next} is still missing`));
      return;
    }
    this.parts.set(sequence, part);
    void this.pump();
  }

  end(count: bigint, value: F): void {
    if (this.finished) return;
    this.final = { count, value };
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.finished) {
        const part = this.parts.get(this.next);
        if (part !== undefined) {
          this.parts.delete(this.next);
          this.next += 1n;
          let more: boolean;
          try {
            more = await this.handler(part);
          } catch (err) {
            this.finished = true;
            // Cancel: the peer would keep streaming otherwise.
            this.control.abort(err);
            return;
          }
          if (!more) {
            this.finished = true;
            this.control.stop(null);
            return;
          }
          continue;
        }
        if (this.final && this.next > this.final.count) {
          this.finished = true;
          this.control.resolve(this.final.value);
        }
        return;
      }
    } finally {
      this.running = false;
    }
  }
}
