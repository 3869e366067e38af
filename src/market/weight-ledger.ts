/**
 * The request weight one venue has charged this IP over the last minute, whoever spent it (the
 * market poll, the watch list, an on-demand check). Hyperliquid counts 1,200 weight per minute per
 * IP across every /info request (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits),
 * so every client of that venue records into one ledger and the watch poller spends only what the
 * others leave of its share.
 */
export class WeightLedger {
  private readonly entries: Array<{ at: number; weight: number; source: string }> = [];

  constructor(
    /** The venue's published limit for one window. */
    readonly limitPerWindow: number,
    readonly windowMs = 60_000,
  ) {}

  record(weight: number, at: number, source = 'other'): void {
    if (weight <= 0) return;
    this.entries.push({ at, weight, source });
    this.trim(at);
  }

  /** Weight charged in the window ending at `now`, for one source or all. */
  used(now: number, source?: string): number {
    this.trim(now);
    let total = 0;
    for (const entry of this.entries) if (source === undefined || entry.source === source) total += entry.weight;
    return total;
  }

  /** Weight charged in the window ending at `now`, by source. */
  bySource(now: number): Record<string, number> {
    this.trim(now);
    const out: Record<string, number> = {};
    for (const entry of this.entries) out[entry.source] = (out[entry.source] ?? 0) + entry.weight;
    return out;
  }

  private trim(now: number): void {
    const oldest = now - this.windowMs;
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop].at <= oldest) drop++;
    if (drop > 0) this.entries.splice(0, drop);
  }
}
