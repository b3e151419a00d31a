/**
 * An object pool with the semantics of Java's ObjectPool and ObjectPoolConfiguration:
 * - maxObjects bounds idle + active objects; a borrower that finds none free waits up to maxWait ms (0 = no
 *   wait) and then fails with ConnectorException ("TimeOut"; Java's wording) saying the pool is exhausted;
 * - every borrowed object is tested (checkAlive); a failing idle object is disposed and the next one tried, a
 *   failing new object fails the borrow;
 * - on borrow and on return, idle objects beyond maxIdle or idle longer than minEvictableIdleTimeMillis are
 *   disposed, keeping at least minIdle; evictIdle() does the same on a timer.
 * Java reads maxWait as seconds in ObjectPool although ObjectPoolConfiguration documents milliseconds; the
 * documented unit (milliseconds) is used here.
 */
import {
  ConnectorException,
  IllegalArgumentException,
  IllegalStateException,
  toJavaThrowable,
  type ObjectPoolConfiguration,
} from '../model/index.ts';

export interface PoolHandler<T> {
  make(): Promise<T>;
  /** Throws when the object can no longer be used. */
  test(object: T): Promise<void>;
  dispose(object: T): Promise<void>;
}

export interface PoolLease<T> {
  readonly object: T;
  /** Returns the object to the pool (idempotent). */
  release(): Promise<void>;
}

interface Entry<T> {
  readonly object: T;
  isNew: boolean;
  lastChange: number;
}

/** Java's ObjectPoolConfiguration.validate, with its messages. */
export function validatePoolConfiguration(c: ObjectPoolConfiguration): void {
  if (c.minIdle < 0) throw new IllegalArgumentException('Min idle is less than zero.');
  if (c.maxObjects < 0) throw new IllegalArgumentException('Max active is less than zero.');
  if (c.maxIdle < 0) throw new IllegalArgumentException('Max idle is less than zero.');
  if (c.maxWait < 0n) throw new IllegalArgumentException('Max wait is less than zero.');
  if (c.minEvictableIdleTimeMillis < 0n) throw new IllegalArgumentException('Min evictable idle time millis less than zero.');
  if (c.minIdle > c.maxIdle) throw new IllegalArgumentException('Min idle is greater than max idle.');
  if (c.maxIdle > c.maxObjects) throw new IllegalArgumentException('Max idle is greater than max objects.');
}

export class ObjectPool<T> {
  private readonly idle: Entry<T>[] = [];
  /** Objects alive or being made (idle + active + pending). */
  private total = 0;
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  private shut = false;
  private readonly maxObjects: number;
  private readonly maxIdle: number;
  private readonly minIdle: number;
  private readonly maxWaitMs: number;
  private readonly minEvictableMs: number;

  constructor(
    private readonly handler: PoolHandler<T>,
    config: ObjectPoolConfiguration,
    private readonly onDisposeError: (err: unknown) => void = () => {},
  ) {
    validatePoolConfiguration(config);
    this.maxObjects = config.maxObjects;
    this.maxIdle = config.maxIdle;
    this.minIdle = config.minIdle;
    this.maxWaitMs = Number(config.maxWait);
    this.minEvictableMs = Number(config.minEvictableIdleTimeMillis);
  }

  get statistics(): { idle: number; active: number } {
    return { idle: this.idle.length, active: this.active };
  }

  get isShutdown(): boolean {
    return this.shut;
  }

  private olderThan(e: Entry<T>, maxAge: number): boolean {
    return maxAge < Date.now() - e.lastChange;
  }

  async borrow(signal?: AbortSignal): Promise<PoolLease<T>> {
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      if (this.shut) throw new IllegalStateException('Object pool already shutdown');
      signal?.throwIfAborted();
      let entry = await this.takeIdle();
      if (!entry) {
        if (this.total < this.maxObjects) {
          this.total++;
          try {
            entry = { object: await this.handler.make(), isNew: true, lastChange: Date.now() };
          } catch (e) {
            this.total--;
            this.wakeOne();
            throw toJavaThrowable(e);
          }
        } else {
          await this.waitForChange(deadline, signal);
          continue;
        }
      }
      try {
        await this.handler.test(entry.object);
      } catch (e) {
        await this.destroy(entry);
        if (entry.isNew) throw toJavaThrowable(e);
        continue;
      }
      entry.lastChange = Date.now();
      this.active++;
      return this.lease(entry);
    }
  }

  private lease(entry: Entry<T>): PoolLease<T> {
    let released = false;
    return {
      object: entry.object,
      release: async () => {
        if (released) return;
        released = true;
        this.active--;
        await this.giveBack(entry);
      },
    };
  }

  /** Java's borrowIdleObject: takes the oldest idle object, disposing stale ones on the way. */
  private async takeIdle(): Promise<Entry<T> | undefined> {
    for (let e = this.idle.shift(); e; e = this.idle.shift()) {
      const size = this.idle.length;
      if (this.minIdle < size + 1 && (this.maxIdle < size || this.olderThan(e, this.minEvictableMs))) {
        await this.destroy(e);
      } else {
        return e;
      }
    }
    return undefined;
  }

  /** Java's returnObject. */
  private async giveBack(entry: Entry<T>): Promise<void> {
    if (this.shut || this.maxIdle < 1) {
      await this.destroy(entry);
      return;
    }
    for (const e of [...this.idle]) {
      if (this.maxIdle <= this.idle.length || this.olderThan(e, this.minEvictableMs)) {
        const i = this.idle.indexOf(e);
        if (i >= 0) {
          this.idle.splice(i, 1);
          await this.destroy(e);
        }
      }
    }
    entry.isNew = false;
    entry.lastChange = Date.now();
    this.idle.push(entry);
    this.wakeOne();
  }

  private async destroy(entry: Entry<T>): Promise<void> {
    this.total--;
    this.wakeOne();
    try {
      await this.handler.dispose(entry.object);
    } catch (e) {
      this.onDisposeError(e);
    }
  }

  private wakeOne(): void {
    this.waiters.shift()?.();
  }

  private waitForChange(deadline: number, signal?: AbortSignal): Promise<void> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(this.exhausted());
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      const wake = (): void => {
        done();
        resolve();
      };
      const onAbort = (): void => {
        done();
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        done();
        reject(this.exhausted());
      }, remaining);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(wake);
    });
  }

  private exhausted(): ConnectorException {
    return new ConnectorException(
      `TimeOut: connector pool exhausted, no instance became free within ${this.maxWaitMs} ms (maxObjects=${this.maxObjects})`,
    );
  }

  /** Disposes idle objects idle for longer than minEvictableIdleTimeMillis, keeping minIdle. */
  async evictIdle(): Promise<void> {
    for (const e of [...this.idle]) {
      if (this.idle.length <= this.minIdle) break;
      if (this.olderThan(e, this.minEvictableMs)) {
        const i = this.idle.indexOf(e);
        if (i >= 0) {
          this.idle.splice(i, 1);
          await this.destroy(e);
        }
      }
    }
  }

  /** Disposes idle objects; active ones are disposed when returned. Waiting borrowers fail. */
  async shutdown(): Promise<void> {
    this.shut = true;
    const all = this.idle.splice(0);
    for (const e of all) await this.destroy(e);
    for (const w of this.waiters.splice(0)) w();
  }
}
