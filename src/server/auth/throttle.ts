/**
 * Throttles repeated authentication failures per client address: after `limit` failures inside `windowMs`,
 * further attempts from that address are refused (429) until the window has passed.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds the address must wait, or 0 when it may try. */
  retryAfterMs(address: string): number {
    if (this.limit <= 0) return 0;
    const recent = this.prune(address);
    if (recent.length < this.limit) return 0;
    return Math.max(1, recent[0]! + this.windowMs - this.now());
  }

  recordFailure(address: string): void {
    if (this.limit <= 0) return;
    const recent = this.prune(address);
    recent.push(this.now());
    this.failures.set(address, recent);
    if (this.failures.size > 10_000) this.sweep();
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  private prune(address: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(address) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(address);
    else this.failures.set(address, list);
    return list;
  }

  /** Bounds memory when many addresses fail once. */
  private sweep(): void {
    for (const address of [...this.failures.keys()]) this.prune(address);
  }
}
