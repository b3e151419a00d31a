/** Small helpers connector authors need again and again. */

/**
 * Waits `ms` milliseconds unless the operation is aborted first (then rejects with the abort reason): the way
 * to pause inside an operation (retry back-off, rate limits) without outliving a cancel or a timeout.
 */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
