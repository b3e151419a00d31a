/**
 * Async mutexes keyed by CSV file path, shared by every connector instance in the process (even when the bundle
 * module is loaded more than once) so that writes to one file never interleave.
 */

export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier caller has finished; callers run in arrival order. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    // The next caller waits for this one whether it succeeded or failed.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const REGISTRY_KEY = Symbol.for('openicf.csvfile.fileMutexes');

type Registry = Map<string, AsyncMutex>;

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  let reg = holder[REGISTRY_KEY];
  if (!reg) {
    reg = new Map();
    holder[REGISTRY_KEY] = reg;
  }
  return reg;
}

/** The mutex of one file path (callers pass an absolute, resolved path). */
export function mutexFor(filePath: string): AsyncMutex {
  const reg = registry();
  let m = reg.get(filePath);
  if (!m) {
    m = new AsyncMutex();
    reg.set(filePath, m);
  }
  return m;
}
