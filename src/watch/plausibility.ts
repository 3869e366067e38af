/**
 * Is ADL plausible for a position right now? Hyperliquid publishes no ADL flag, so the watch list
 * reads it from the market: a crash alert running for the coin, or the coin moving at least
 * `movePct` within `windowMs` against the other side of the position (a fast fall bankrupts longs
 * faster than the book can close them, and the profitable shorts are auto-deleveraged against
 * them; a fast rise does the same to longs).
 *
 * The crash source is a function, so a faster detector (the liquidation streams) can feed it
 * later; the move is measured on the marks this process sees: the market poll's stored minutes
 * (`marketRange`) and the marks of the accounts it reads (`observe`).
 */
export type AdlSignal = { reason: 'crash-alert' } | { reason: 'fast-move'; direction: 'down' | 'up'; move: number; minutes: number };

export interface AdlConditions {
  /** Why ADL is plausible at `now` for a `side` position in `coin` whose mark is `mark`, or null. */
  plausible(coin: string, side: 'long' | 'short', mark: number, now: number): AdlSignal | null;
  /** A mark seen for `coin` (from an account read). */
  observe(coin: string, mark: number, at: number): void;
}

export interface MarketMoveOptions {
  movePct: number;
  windowMs: number;
  /** A crash alert is running for the coin (the market alerts; later the streams). */
  crashRunning?: (coin: string, now: number) => boolean;
  /** Lowest and highest mark of the coin on the venue within [from, to], from stored market data. */
  marketRange?: (coin: string, from: number, to: number) => { low: number; high: number } | undefined;
}

export class MarketMoves implements AdlConditions {
  private readonly seen = new Map<string, Array<{ at: number; mark: number }>>();

  constructor(private readonly options: MarketMoveOptions) {}

  observe(coin: string, mark: number, at: number): void {
    if (!(mark > 0)) return;
    const marks = this.seen.get(coin) ?? [];
    marks.push({ at, mark });
    const oldest = at - this.options.windowMs;
    while (marks.length > 0 && marks[0].at < oldest) marks.shift();
    this.seen.set(coin, marks);
  }

  plausible(coin: string, side: 'long' | 'short', mark: number, now: number): AdlSignal | null {
    if (this.options.crashRunning?.(coin, now)) return { reason: 'crash-alert' };
    const from = now - this.options.windowMs;
    let low = mark;
    let high = mark;
    for (const seen of this.seen.get(coin) ?? []) {
      if (seen.at < from) continue;
      low = Math.min(low, seen.mark);
      high = Math.max(high, seen.mark);
    }
    const market = this.options.marketRange?.(coin, from, now);
    if (market) {
      low = Math.min(low, market.low);
      high = Math.max(high, market.high);
    }
    if (!(low > 0 && mark > 0)) return null;
    // A short is threatened by a fall to the mark now, a long by a rise.
    const move = side === 'short' ? 1 - mark / high : mark / low - 1;
    const minutes = Math.round(this.options.windowMs / 60_000);
    return move >= this.options.movePct ? { reason: 'fast-move', direction: side === 'short' ? 'down' : 'up', move, minutes } : null;
  }
}
