import { Decimal } from 'decimal.js';
import { pino } from 'pino';
import type { DeliveryResult, ReplySender } from '../src/chat/delivery.ts';
import type { TierTable } from '../src/core/tier-table.ts';
import { parseHyperliquidMeta } from '../src/market/tiers/hyperliquid.ts';
import { HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE } from '../src/market/hyperliquid.ts';
import { WeightLedger } from '../src/market/weight-ledger.ts';
import { openDatabase } from '../src/store/database.ts';
import { WatchRepository } from '../src/store/watch-repository.ts';
import { HYPERLIQUID_WEIGHTS } from '../src/watch/hyperliquid.ts';
import { DEFAULT_INTERVALS_MS } from '../src/watch/pacing.ts';
import { MarketMoves } from '../src/watch/plausibility.ts';
import { WatchService } from '../src/watch/service.ts';
import { BINANCE_WEIGHTS } from '../src/watch/keyed/binance.ts';
import { KEYED_BUDGETS } from '../src/watch/keyed/limits.ts';
import type { AccountClient, AccountPosition, AccountState, FillsPage, WatchVenue } from '../src/watch/types.ts';

/**
 * `npm run bench watch`: how the watch list spends Hyperliquid's per-IP budget (1,200 weight a
 * minute; the watch list and the market poll together keep to half of it). The real WatchService
 * (pacing, evaluation with src/core, tiers, SQLite, the delivery queue) runs on a simulated clock
 * with the production tick (2 s); the account client is in-process and charges the documented
 * weights (clearinghouseState 2, userFillsByTime 20 + 1 per 20 fills, meta 20) to the same ledger
 * the market poll charges its 20 a minute to. Accounts are a mix: 5% near liquidation, 10%
 * elevated, 80% calm, 5% with no position; every ten minutes 1% of them shrink a position (a
 * fills read follows).
 *
 * Printed: for 1,000 addresses, how often a risky and a calm account is read, the fills reads, and
 * the weight used per minute (worst and mean, by source); then the cadence for other list sizes.
 */
const TICK_MS = 2_000;

/** One venue's budget as the watch list sees it: its limit, the share for the watch list and the market poll, and what a read costs. */
interface VenueProfile {
  venue: WatchVenue;
  name: string;
  /** The venue's documented per-IP limit per minute, in its unit. */
  limit: number;
  /** What the watch list and the market poll may spend together. */
  budget: number;
  unit: string;
  cost: { account: number; fills: number };
  /** What the market poll spends per minute on the same budget. */
  market: number;
  /** Hyperliquid's margin tables (meta) are read hourly. */
  meta: number;
}

const HYPERLIQUID: VenueProfile = {
  venue: 'hyperliquid',
  name: 'Hyperliquid',
  limit: HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE,
  budget: HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE / 2,
  unit: 'weight',
  cost: { account: HYPERLIQUID_WEIGHTS.clearinghouseState, fills: HYPERLIQUID_WEIGHTS.userFills },
  market: 20,
  meta: HYPERLIQUID_WEIGHTS.meta,
};

/**
 * The keyed venues (src/watch/keyed/limits.ts). The market poll's own spend per minute: Binance
 * premiumIndex 10 + ticker/24hr 40 + openInterest for the top 100 symbols 100 + symbolAdlRisk 1;
 * Bybit tickers + adlAlert (2 requests); OKX funding-rate, open-interest, tickers, mark-price (4).
 */
const KEYED: VenueProfile[] = [
  { venue: 'binance', name: 'Binance', limit: KEYED_BUDGETS.binance.limitPerMinute, budget: KEYED_BUDGETS.binance.budgetPerMinute, unit: 'weight', cost: { account: BINANCE_WEIGHTS.positionRisk + BINANCE_WEIGHTS.adlQuantile + BINANCE_WEIGHTS.account, fills: BINANCE_WEIGHTS.forceOrders }, market: 151, meta: 0 },
  { venue: 'bybit', name: 'Bybit', limit: KEYED_BUDGETS.bybit.limitPerMinute, budget: KEYED_BUDGETS.bybit.budgetPerMinute, unit: 'requests', cost: { account: 2, fills: 2 }, market: 2, meta: 0 },
  { venue: 'okx', name: 'OKX', limit: KEYED_BUDGETS.okx.limitPerMinute, budget: KEYED_BUDGETS.okx.budgetPerMinute, unit: 'requests', cost: { account: 2, fills: 2 }, market: 4, meta: 0 },
];
const BUDGET = HYPERLIQUID.budget;

type Kind = 'risky' | 'elevated' | 'calm' | 'idle';

function kindOf(i: number): Kind {
  const r = i % 100;
  return r < 5 ? 'risky' : r < 15 ? 'elevated' : r < 95 ? 'calm' : 'idle';
}

/** A venue as the watch list sees it, in-process: scripted accounts, the documented costs charged to the ledger. */
class SimulatedVenue implements AccountClient {
  readonly venue: WatchVenue;
  readonly cost: { account: number; fills: number };
  readonly reads = new Map<string, number[]>();
  fillsReads = 0;
  /** Weight charged, by minute since the start. */
  readonly spentByMinute = new Map<number, number>();
  start = 0;
  readonly sizes = new Map<string, number>();
  private metaAt = Number.NEGATIVE_INFINITY;
  private readonly rules: TierTable = parseHyperliquidMeta({ universe: [{ name: 'ETH', maxLeverage: 25 }] }, 'ETH', 'ETHUSDT', new Date(0).toISOString());

  constructor(
    private readonly ledger: WeightLedger,
    private readonly clock: () => number,
    private readonly kinds: ReadonlyMap<string, Kind>,
    private readonly profile: VenueProfile,
  ) {
    this.venue = profile.venue;
    this.cost = profile.cost;
  }

  async account(account: string): Promise<AccountState> {
    const now = this.clock();
    this.charge(this.cost.account, now);
    const reads = this.reads.get(account);
    if (reads) reads.push(now);
    else this.reads.set(account, [now]);
    const kind = this.kinds.get(account)!;
    const positions: AccountPosition[] = [];
    if (kind !== 'idle') {
      // Distance to the venue's liquidation price: 7% (risky), 15% (elevated), 40% (calm); a 10x long at a small loss.
      const distance = kind === 'risky' ? 0.07 : kind === 'elevated' ? 0.15 : 0.4;
      const mark = new Decimal(3900);
      const size = new Decimal(this.sizes.get(account) ?? 10);
      positions.push({
        coin: 'ETH',
        side: 'long',
        size,
        entryPrice: new Decimal(4000),
        markPrice: mark,
        liquidationPrice: mark.times(1 - distance),
        leverage: new Decimal(10),
        marginMode: 'isolated',
        isolatedMargin: size.times(400),
        unrealizedPnl: size.times(-100),
        positionValue: size.times(mark),
      });
    }
    return { venue: this.venue, account, time: now, accountValue: new Decimal(5000), crossAccountValue: new Decimal(1000), positions };
  }

  async fills(): Promise<FillsPage> {
    this.fillsReads++;
    this.charge(this.cost.fills, this.clock());
    return { fills: [], count: 0, newestTime: null, truncated: false };
  }

  private charge(weight: number, at: number): void {
    this.ledger.record(weight, at, 'watch');
    const minute = Math.floor((at - this.start) / 60_000);
    this.spentByMinute.set(minute, (this.spentByMinute.get(minute) ?? 0) + weight);
  }

  async rulesFor(): Promise<TierTable> {
    const now = this.clock();
    if (this.profile.meta > 0 && now - this.metaAt > 3_600_000) {
      this.charge(this.profile.meta, now);
      this.metaAt = now;
    }
    return this.rules;
  }
}

interface RunFigures {
  addresses: number;
  minutes: number;
  /** Minutes until every account had been read once (the list added at once at the start). */
  firstPassMinutes: number;
  /** After the first pass. */
  interval: Record<Kind, { mean: number; max: number }>;
  fillsReads: number;
  worstMinute: number;
  /** Mean weight per minute after the first pass, by source. */
  meanMinute: { watch: number; market: number };
}

async function simulate(addresses: number, minutes: number, profile: VenueProfile = HYPERLIQUID): Promise<RunFigures> {
  const start = Date.UTC(2025, 9, 10, 12, 0);
  let now = start;
  const ledger = new WeightLedger(profile.limit);
  const db = openDatabase(':memory:');
  const repo = new WatchRepository(db);
  const kinds = new Map<string, Kind>();
  const client = new SimulatedVenue(ledger, () => now, kinds, profile);
  client.start = start;
  const sender: ReplySender = { platform: 'bench', pacing: { globalMs: 0, perChatMs: 0 }, send: async (): Promise<DeliveryResult> => ({ ok: true }) };
  const service = new WatchService({
    repo,
    clients: new Map([[profile.venue, client]]),
    ledgers: new Map([[profile.venue, ledger]]),
    senders: new Map([['bench', sender]]),
    conditions: new MarketMoves({ movePct: 0.05, windowMs: 5 * 60_000 }),
    maxPerUser: 10,
    tiers: { distanceTiers: [0.2, 0.1, 0.05], rearmFactor: 1.25, adlTiers: [4, 5], repeatAfterMs: 86_400_000 },
    adlMove: { pct: 0.05, minutes: 5 },
    pacing: { budgetPerMinute: profile.budget, intervalsMs: DEFAULT_INTERVALS_MS, fillsEveryMs: 6 * 3_600_000, tickMs: TICK_MS, burst: 2 },
    risk: { riskyDistance: 0.1, elevatedDistance: 0.2 },
    logger: pino({ level: 'silent' }),
    now: () => now,
    sleep: async (ms) => void (now += ms),
  });
  // One owner per ten addresses (the default cap), each reachable in a private chat.
  for (let i = 0; i < addresses; i++) {
    const account = `0x${i.toString(16).padStart(40, '0')}`;
    kinds.set(account, kindOf(i));
    const owner = { platform: 'bench', userId: String(Math.floor(i / 10)) };
    if (i % 10 === 0) service.touch(owner, 'en', owner.userId);
    service.add(owner, { venue: profile.venue, account, label: `w${i % 10}` });
  }
  const windows: number[] = [];
  const accounts = [...kinds.keys()];
  for (let t = 0; now < start + minutes * 60_000; t++) {
    if ((now - start) % 60_000 === 0) ledger.record(profile.market, now, 'market');
    if ((now - start) % 600_000 === 0 && now > start) {
      // 1% of the positions shrink (the poller notices on its next read and reads the fills).
      for (let k = 0; k < addresses / 100; k++) client.sizes.set(accounts[(t * 37 + k * 101) % addresses], 5);
    }
    await service.tick();
    windows.push(ledger.used(now));
    now += TICK_MS;
  }
  // The first pass (every account new, read as soon as the budget allows) is reported apart.
  const firstReads = accounts.map((a) => client.reads.get(a)?.[0] ?? Number.POSITIVE_INFINITY);
  const warm = Math.max(...firstReads);
  const steadyFrom = Math.ceil((warm - start) / 60_000) * 60_000 + start;
  const steadyMinutes = [...client.spentByMinute.entries()].filter(([m]) => start + m * 60_000 >= steadyFrom);
  const watchMean = steadyMinutes.length ? steadyMinutes.reduce((sum, [, w]) => sum + w, 0) / steadyMinutes.length : Number.NaN;
  const interval = {} as RunFigures['interval'];
  for (const kind of ['risky', 'elevated', 'calm', 'idle'] as Kind[]) {
    const gaps: number[] = [];
    for (const account of accounts) {
      if (kinds.get(account) !== kind) continue;
      const times = client.reads.get(account) ?? [];
      for (let k = 1; k < times.length; k++) if (times[k] >= steadyFrom) gaps.push(times[k] - times[k - 1]);
    }
    interval[kind] = gaps.length ? { mean: gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000, max: Math.max(...gaps) / 1000 } : { mean: NaN, max: NaN };
  }
  db.close();
  return {
    addresses,
    minutes,
    firstPassMinutes: Number.isFinite(warm) ? (warm - start) / 60_000 : Number.NaN,
    interval,
    fillsReads: client.fillsReads,
    worstMinute: Math.max(...windows),
    meanMinute: { watch: watchMean, market: profile.market },
  };
}

const seconds = (s: number) => (Number.isNaN(s) ? 'not read again' : s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);

export async function watchBench(): Promise<void> {
  const started = performance.now();
  const main = await simulate(1000, 60);
  console.log(`1,000 addresses, 60 simulated minutes (tick ${TICK_MS / 1000} s; budget ${BUDGET} weight/min = half of Hyperliquid's ${HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE}, shared with the market poll):`);
  console.log(`  first pass (all 1,000 added at once): every account read within ${main.firstPassMinutes.toFixed(1)} min`);
  for (const kind of ['risky', 'elevated', 'calm', 'idle'] as Kind[]) {
    const wanted = DEFAULT_INTERVALS_MS[kind] / 1000;
    console.log(`  ${kind.padEnd(8)} read every ${seconds(main.interval[kind].mean).padStart(8)} on average (longest gap ${seconds(main.interval[kind].max)}; wanted ${seconds(wanted)})`);
  }
  console.log(`  fills reads: ${main.fillsReads} (each shrunk position; the 6-hourly sweep is not due within the hour)`);
  console.log(`  weight per minute after the first pass: watch ${main.meanMinute.watch.toFixed(0)} + market poll ${main.meanMinute.market} = ${(main.meanMinute.watch + main.meanMinute.market).toFixed(0)}; worst 60-s window of the run: ${main.worstMinute} (limit ${BUDGET})`);
  console.log(`  simulated in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  console.log('\ncadence vs list size (60 simulated minutes each; intervals after the first pass):');
  console.log('  addresses  first pass  risky every  elevated every  calm every  idle every  worst minute');
  for (const n of [100, 1000, 3000, 10_000]) {
    const r = n === 1000 ? main : await simulate(n, 60);
    const cells = [
      String(n).padStart(9),
      `${r.firstPassMinutes.toFixed(1)} min`.padStart(10),
      seconds(r.interval.risky.mean).padStart(11),
      seconds(r.interval.elevated.mean).padStart(14),
      seconds(r.interval.calm.mean).padStart(10),
      seconds(r.interval.idle.mean).padStart(10),
      String(r.worstMinute).padStart(12),
    ];
    console.log(`  ${cells.join('  ')}`);
  }
}

/**
 * `npm run bench keyed`: the same simulation for the keyed venues, 1,000 read-only keys each, on
 * each venue's own budget (src/watch/keyed/limits.ts): how often a risky and a calm account is
 * read, and what the watch list and the market poll spend per minute against the venue's limit.
 */
export async function keyedWatchBench(): Promise<void> {
  console.log('1,000 keys per venue, 60 simulated minutes; intervals after the first pass; spend per minute = watch list + market poll:');
  console.log('  venue     budget (of limit)        first pass  risky every  calm every  mean/min  worst 60 s');
  for (const profile of KEYED) {
    const r = await simulate(1000, 60, profile);
    const cells = [
      profile.name.padEnd(8),
      `${profile.budget} of ${profile.limit} ${profile.unit}`.padEnd(24),
      `${r.firstPassMinutes.toFixed(1)} min`.padStart(10),
      seconds(r.interval.risky.mean).padStart(11),
      seconds(r.interval.calm.mean).padStart(10),
      (r.meanMinute.watch + r.meanMinute.market).toFixed(0).padStart(8),
      String(r.worstMinute).padStart(10),
    ];
    console.log(`  ${cells.join('  ')}`);
  }
}
