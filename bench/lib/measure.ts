/** Small measuring helpers: bounded timed loops and concurrent round-trip loops. */

export interface Rate {
  count: number;
  seconds: number;
  perSecond: number;
}

/**
 * Runs `concurrency` loops of `op` for about `ms` milliseconds (and at most `maxOps` operations in all);
 * returns completed operations per second.
 */
export async function concurrentRate(op: () => Promise<unknown>, concurrency: number, ms: number, maxOps = 1_000_000): Promise<Rate> {
  const start = process.hrtime.bigint();
  const deadline = Date.now() + ms;
  let started = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline && started < maxOps) {
      started++;
      await op();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { count: done, seconds, perSecond: done / seconds };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
