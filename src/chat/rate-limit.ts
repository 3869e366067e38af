/**
 * Per-user command limits over a sliding minute: light commands share one allowance, heavy
 * ones (simulations) also draw on a smaller one. In memory: a restart forgives everyone, which
 * is fine for a guard against floods, not a quota.
 *
 * A refusal says whether to tell the user (`notify`): once per user until their wait is over,
 * so a flood in a group costs the group one notice, not one per command.
 */
export interface RateLimits {
  perMinute: number;
  heavyPerMinute: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; notify: boolean };

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  /** Until when a user who was refused has been told so. */
  private readonly noticed = new Map<string, number>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the attempt when allowed; refused attempts do not count. */
  take(userKey: string, cost: 'light' | 'heavy' = 'light'): RateDecision {
    const now = this.now();
    const buckets = this.buckets(userKey, cost);
    const wait = this.wait(buckets, now);
    if (wait > 0) {
      const notify = now >= (this.noticed.get(userKey) ?? 0);
      if (notify) this.noticed.set(userKey, now + wait);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), notify };
    }
    for (const [key] of buckets) this.recent(key, now).push(now);
    return { ok: true };
  }

  /** Whether `take` would refuse now (nothing recorded): a face skips "typing…" for a refused command. */
  wouldRefuse(userKey: string, cost: 'light' | 'heavy' = 'light'): boolean {
    return this.wait(this.buckets(userKey, cost), this.now()) > 0;
  }

  private buckets(userKey: string, cost: 'light' | 'heavy'): Array<[string, number]> {
    const buckets: Array<[string, number]> = [[`all:${userKey}`, this.limits.perMinute]];
    if (cost === 'heavy') buckets.push([`heavy:${userKey}`, this.limits.heavyPerMinute]);
    return buckets;
  }

  private wait(buckets: ReadonlyArray<[string, number]>, now: number): number {
    let wait = 0;
    for (const [key, limit] of buckets) {
      const recent = this.recent(key, now);
      if (recent.length >= limit) wait = Math.max(wait, recent[recent.length - limit] + WINDOW_MS - now);
    }
    return wait;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    this.hits.set(key, list);
    if (this.hits.size > 50_000) this.sweep(now);
    return list;
  }

  private sweep(now: number): void {
    for (const [key, list] of this.hits) if (!list.some((t) => t > now - WINDOW_MS)) this.hits.delete(key);
    for (const [key, until] of this.noticed) if (until <= now) this.noticed.delete(key);
  }
}
