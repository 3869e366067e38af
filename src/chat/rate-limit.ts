/**
 * Per-user command limits over a sliding minute: light commands share one allowance, heavy
 * ones (simulations) also draw on a smaller one. In memory: a restart forgives everyone, which
 * is fine for a guard against floods, not a quota.
 */
export interface RateLimits {
  perMinute: number;
  heavyPerMinute: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the attempt when allowed; refused attempts do not count. */
  take(userKey: string, cost: 'light' | 'heavy' = 'light'): RateDecision {
    const now = this.now();
    const buckets: Array<[string, number]> = [[`all:${userKey}`, this.limits.perMinute]];
    if (cost === 'heavy') buckets.push([`heavy:${userKey}`, this.limits.heavyPerMinute]);
    let wait = 0;
    for (const [key, limit] of buckets) {
      const recent = this.recent(key, now);
      if (recent.length >= limit) wait = Math.max(wait, recent[recent.length - limit] + WINDOW_MS - now);
    }
    if (wait > 0) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    for (const [key] of buckets) this.recent(key, now).push(now);
    return { ok: true };
  }

  private recent(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    this.hits.set(key, list);
    if (this.hits.size > 50_000) this.sweep(now);
    return list;
  }

  private sweep(now: number): void {
    for (const [key, list] of this.hits) if (!list.some((t) => t > now - WINDOW_MS)) this.hits.delete(key);
  }
}
