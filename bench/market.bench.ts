import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { FakeExchange, type FakeCoin } from '../test/e2e/fake-exchange.ts';
import { openDatabase } from '../src/store/database.ts';
import { MarketRepository } from '../src/store/market-repository.ts';
import { PreferencesRepository } from '../src/store/preferences.ts';
import { AlertsRepository } from '../src/store/alerts-repository.ts';
import { createVenueClients } from '../src/market/factory.ts';
import { MarketService } from '../src/market/service.ts';
import { AlertService } from '../src/alerts/service.ts';
import { DEFAULT_THRESHOLDS } from '../src/core/signals.ts';
import { BINANCE_WEIGHT_LIMIT_PER_MINUTE } from '../src/market/binance.ts';
import { BYBIT_REQUEST_LIMIT_PER_5S } from '../src/market/bybit.ts';
import { OKX_TIGHTEST_LIMIT_PER_2S } from '../src/market/okx.ts';
import { HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE } from '../src/market/hyperliquid.ts';
import type { MarketSnapshot, Venue } from '../src/market/types.ts';
import type { DeliveryResult, ReplySender } from '../src/chat/delivery.ts';

/**
 * `npm run bench` → market figures:
 * 1. one full cycle (HTTP from the local fake exchange + parse + store + evaluate + dedup) over
 *    ~1,500 (venue, symbol) pairs — Binance 550, Bybit 500, OKX 250, Hyperliquid 200, about the
 *    live listing counts — time and memory, and requests/weight per venue against the limits;
 * 2. the SQLite size for one day of minute snapshots of all of them (+ hourly aggregates);
 * 3. that pruning keeps the file bounded (three days, a tenth of the pairs).
 */
const LISTINGS: Record<Venue, number> = { binance: 550, bybit: 500, okx: 250, hyperliquid: 200 };

function universe(time: number): { time: number; coins: FakeCoin[] } {
  const coins: FakeCoin[] = [];
  for (let i = 0; i < LISTINGS.binance; i++) {
    const venues = (Object.keys(LISTINGS) as Venue[]).filter((v) => i < LISTINGS[v]);
    coins.push({
      coin: `C${i}`,
      price: 1 + ((i * 7919) % 10_000) / 10,
      funding8h: 0.0001 * (1 + Math.sin(i + time / 3_600_000)),
      openInterest: 1e6 + i * 1000,
      change24h: Math.sin(i) * 0.05,
      volumeUsd: 1e10 / (i + 1),
      binanceIntervalHours: i % 10 === 0 ? 4 : undefined,
      venues,
    });
  }
  return { time, coins };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const silent = pino({ level: 'silent' });
const nullSender = (platform: string): ReplySender => ({ platform, pacing: { globalMs: 0, perChatMs: 0 }, send: async (): Promise<DeliveryResult> => ({ ok: true }) });

export async function cycleBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'adl-bench-'));
  const start = Date.UTC(2025, 9, 10, 12, 0);
  const exchange = new FakeExchange(universe(start));
  exchange.quirks = { malformed: false, extraContracts: false };
  await exchange.start();
  try {
    let now = start;
    const clock = { now: () => now, sleep: async () => undefined, random: Math.random };
    const db = openDatabase(join(dir, 'bench.db'));
    const market = new MarketService({
      clients: createVenueClients({ exchanges: exchange.exchanges, market: { httpTimeoutMs: 10_000, staleAfterMs: 180_000, binanceOpenInterestTopN: 100 } }, clock),
      repo: new MarketRepository(db),
      logger: silent,
      now: clock.now,
    });
    const makeAlerts = (charts: boolean) =>
      new AlertService({
        market,
        repo: new AlertsRepository(db),
        preferences: new PreferencesRepository(db),
        senders: new Map([['discord', nullSender('discord')], ['telegram', nullSender('telegram')]]),
        thresholds: DEFAULT_THRESHOLDS,
        cooldownMs: 4 * 3_600_000,
        defaultSymbols: ['BTC'],
        logger: silent,
        now: clock.now,
        sleep: async () => undefined,
        charts,
      });
    const alerts = makeAlerts(false);
    for (let i = 0; i < 50; i++) {
      alerts.repo.subscribe({ platform: i % 2 ? 'discord' : 'telegram', chatId: `chat-${i}`, kinds: ['crowding', 'crash', 'adl'], symbols: ['*'], venues: ['*'], minSeverity: 'info', createdBy: 'bench', createdAt: '' });
    }
    // Warm-up: one hour of minute history so look-backs and peaks have rows to read. The first
    // poll is the costliest minute (Binance fundingInfo and symbolAdlRisk are fetched, not cached).
    let coldMinute: Awaited<ReturnType<MarketService['poll']>>['venues'] | undefined;
    const perVenueMax = new Map<Venue, { requests: number; weight: number }>();
    const track = (venues: Awaited<ReturnType<MarketService['poll']>>['venues']) => {
      for (const v of venues) {
        const m = perVenueMax.get(v.venue) ?? { requests: 0, weight: 0 };
        perVenueMax.set(v.venue, { requests: Math.max(m.requests, v.requests), weight: Math.max(m.weight, v.weight) });
      }
    };
    for (let m = 0; m < 60; m++) {
      exchange.market = universe(now);
      const warm = await market.poll();
      coldMinute ??= warm.venues;
      track(warm.venues);
      now += 60_000;
    }
    global.gc?.();
    const cycles = 5;
    const timings: number[] = [];
    let peakRss = 0;
    let peakHeap = 0;
    let last: Awaited<ReturnType<AlertService['runCycle']>> | undefined;
    for (let i = 0; i < cycles; i++) {
      exchange.market = universe(now);
      const t0 = performance.now();
      last = await alerts.runCycle();
      timings.push(performance.now() - t0);
      track(last.poll);
      const mem = process.memoryUsage();
      peakRss = Math.max(peakRss, mem.rss);
      peakHeap = Math.max(peakHeap, mem.heapUsed);
      now += 60_000;
    }
    // The same evaluation without HTTP: the CPU part of a cycle.
    const t1 = performance.now();
    const { poll } = await alerts.evaluate();
    const pollAndEval = performance.now() - t1;
    const t2 = performance.now();
    market.signals(poll, DEFAULT_THRESHOLDS);
    const signalsOnly = performance.now() - t2;

    // A crash minute: 20 coins listed everywhere drop 8% and lose 15% of OI. Delivery to 50 chats
    // (at most 5 alerts each) through senders that answer at once, with the charts drawn.
    const burstAlerts = makeAlerts(true);
    const crashed = universe(now);
    for (const coin of crashed.coins.slice(0, 20)) {
      coin.price *= 0.92;
      coin.openInterest *= 0.85;
    }
    exchange.market = crashed;
    const t3 = performance.now();
    const burst = await burstAlerts.runCycle();
    const burstMs = performance.now() - t3;

    const pairs = last!.poll.reduce((n, v) => n + v.snapshots, 0);
    timings.sort((a, b) => a - b);
    console.log(`market cycle (${pairs} venue-symbol pairs, ${cycles} cycles after 60 warm-up minutes, 50 subscribed chats):`);
    console.log(`  full cycle poll→store→evaluate→dedup→deliver: median ${timings[Math.floor(cycles / 2)].toFixed(0)} ms, max ${timings.at(-1)!.toFixed(0)} ms`);
    console.log(`  of which signals (look-backs, baselines, scores): ${signalsOnly.toFixed(0)} ms; poll+evaluate again: ${pollAndEval.toFixed(0)} ms`);
    console.log(`  memory: peak RSS ${mb(peakRss)}, peak heap used ${mb(peakHeap)}`);
    console.log(`  calm minute: ${last!.candidates.length} alert candidates`);
    console.log(`  crash minute (20 coins −8%, OI −15%): ${burst.candidates.length} candidates, ${burst.queued.length} queued for 50 chats, ${burst.delivery?.sent} delivered with charts, in ${burstMs.toFixed(0)} ms (pacing waits skipped)`);
    // Published limits (per IP) and where they come from; see src/market/<venue>.ts.
    const steady = (venue: Venue) => last!.poll.find((v) => v.venue === venue)!;
    const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(part / whole < 0.01 ? 2 : 1)}%`;
    const worst = (venue: Venue) => perVenueMax.get(venue)!;
    const limits: Record<Venue, string> = {
      binance: `REQUEST_WEIGHT ${BINANCE_WEIGHT_LIMIT_PER_MINUTE}/min (exchangeInfo rateLimits; endpoint weights from binance-connector-js v37): steady ${pct(steady('binance').weight, BINANCE_WEIGHT_LIMIT_PER_MINUTE)}, worst minute ${pct(worst('binance').weight, BINANCE_WEIGHT_LIMIT_PER_MINUTE)}`,
      bybit: `${BYBIT_REQUEST_LIMIT_PER_5S} requests/5 s (Bybit v5 rate-limit doc): a whole cycle in one 5-s window is ${pct(worst('bybit').requests, BYBIT_REQUEST_LIMIT_PER_5S)}`,
      okx: `per endpoint 10/2 s (funding-rate, mark-price) or 20/2 s (open-interest, tickers) (OKX v5 docs): 1 call per endpoint per cycle = ${pct(1, OKX_TIGHTEST_LIMIT_PER_2S)} of the tightest 2-s window, ${pct(1, OKX_TIGHTEST_LIMIT_PER_2S * 30)} of its minute`,
      hyperliquid: `${HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE} weight/min (Hyperliquid rate-limits doc; info requests weigh 20): ${pct(worst('hyperliquid').weight, HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE)}`,
    };
    console.log('  requests / weight per venue per cycle: steady minute (caches warm) | worst minute seen (cold caches) | limit:');
    for (const v of last!.poll) {
      const cold = coldMinute!.find((c) => c.venue === v.venue)!;
      console.log(
        `    ${v.venue.padEnd(12)} ${String(v.snapshots).padStart(4)} symbols  ${String(v.requests).padStart(3)} req, weight ${String(v.weight).padStart(3)} | ${String(worst(v.venue).requests).padStart(3)} req, weight ${String(worst(v.venue).weight).padStart(3)} (first minute: ${cold.requests}/${cold.weight}) | ${limits[v.venue]}`,
      );
    }
    db.close();
  } finally {
    await exchange.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One day of minute rows for 1,500 pairs written through the repository, then measured on disk. */
export function storageBench(minutes = Number(process.env.BENCH_DB_MINUTES ?? 1440)): void {
  boundedStorageBench();
  const dir = mkdtempSync(join(tmpdir(), 'adl-bench-db-'));
  try {
    const path = join(dir, 'day.db');
    const db = openDatabase(path);
    const repo = new MarketRepository(db);
    const start = Date.UTC(2025, 9, 10);
    const base: MarketSnapshot[] = [];
    for (const venue of Object.keys(LISTINGS) as Venue[]) {
      for (let i = 0; i < LISTINGS[venue]; i++) {
        base.push({
          venue, symbol: `C${i}`, instrument: `C${i}USDT`, mark: 1 + i / 7, index: 1 + i / 7, last: 1 + i / 7, fundingRate: 0.0001, fundingIntervalHours: 8,
          fundingApr: 0.1095, openInterest: 1e6 + i, openInterestUsd: 1e7 + i, volume24hUsd: 1e8 + i, change24hPct: 0.01, adlRisk: venue === 'binance' || venue === 'bybit' ? 'low' : null, time: start,
        });
      }
    }
    const t0 = performance.now();
    for (let m = 0; m < minutes; m++) {
      const wobble = 1 + Math.sin(m / 30) * 0.01;
      repo.store(
        base.map((s, i) => ({ ...s, mark: s.mark * wobble * (1 + ((i * m) % 97) / 1e5), fundingRate: 0.0001 * wobble, openInterest: (s.openInterest ?? 0) * wobble, openInterestUsd: (s.openInterestUsd ?? 0) * wobble })),
        start + m * 60_000,
      );
    }
    const writeMs = performance.now() - t0;
    db.pragma('wal_checkpoint(TRUNCATE)');
    const size = statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
    const rows = (db.prepare('SELECT count(*) AS n FROM market_minutes').get() as { n: number }).n;
    const hourly = (db.prepare('SELECT count(*) AS n FROM market_hourly').get() as { n: number }).n;
    // Bytes per table (tables and their indexes) from SQLite's dbstat.
    const bytes = (names: string[]) =>
      (db.prepare(`SELECT sum(pgsize) AS b FROM dbstat WHERE name IN (${names.map(() => '?').join(',')})`).get(...names) as { b: number }).b;
    const minuteBytes = bytes(['market_minutes']);
    const hourlyBytes = bytes(['market_hourly']);
    db.close();
    const scale = 1440 / minutes;
    const minutesPerDay = minuteBytes * scale;
    const hourlyPer90Days = (hourlyBytes / hourly) * base.length * 24 * 90;
    console.log(`storage: ${minutes} minutes × ${base.length} pairs = ${rows.toLocaleString('en')} minute rows + ${hourly.toLocaleString('en')} hourly rows, written in ${(writeMs / 1000).toFixed(1)} s (${(writeMs / minutes).toFixed(1)} ms per minute)`);
    console.log(`  database file after ${minutes} minutes: ${mb(size)}${minutes === 1440 ? '' : ` (measured on ${minutes} minutes, scaled ×${scale.toFixed(1)} below)`}`);
    console.log(`  minute table: ${(minuteBytes / rows).toFixed(0)} bytes/row → ${mb(minutesPerDay)} per day, ${mb(minutesPerDay * 2)} for the 48 h kept`);
    console.log(`  hourly table: ${(hourlyBytes / hourly).toFixed(0)} bytes/row → ${mb((hourlyBytes / hourly) * base.length * 24)} per day, ${mb(hourlyPer90Days)} for the 90 days kept`);
    console.log(`  steady state (bounded by pruning): ≈ ${mb(minutesPerDay * 2 + hourlyPer90Days)} plus market_latest (${base.length} rows)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The file stays bounded: three days of minutes for a tenth of the pairs, pruned every minute the
 * way the scheduler does. After the 48 h window fills, the minute table stops growing and freed
 * pages are reused; only the hourly table keeps growing, until its 90 days.
 */
export function boundedStorageBench(pairs = 150, days = 3): void {
  const dir = mkdtempSync(join(tmpdir(), 'adl-bench-bounded-'));
  try {
    const path = join(dir, 'bounded.db');
    const db = openDatabase(path);
    const repo = new MarketRepository(db);
    const start = Date.UTC(2025, 9, 8);
    const venues = Object.keys(LISTINGS) as Venue[];
    const base: MarketSnapshot[] = Array.from({ length: pairs }, (_, i) => ({
      venue: venues[i % 4], symbol: `C${i}`, instrument: `C${i}USDT`, mark: 1 + i / 7, index: null, last: null, fundingRate: 0.0001, fundingIntervalHours: 8,
      fundingApr: 0.1095, openInterest: 1e6 + i, openInterestUsd: 1e7 + i, volume24hUsd: 1e8, change24hPct: 0.01, adlRisk: null, time: start,
    }));
    const fileSize = () => statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
    const tableBytes = (name: string) => (db.prepare('SELECT sum(pgsize) AS b FROM dbstat WHERE name = ?').get(name) as { b: number }).b;
    const lines: string[] = [];
    for (let m = 0; m < days * 1440; m++) {
      const now = start + m * 60_000;
      repo.store(base.map((s, i) => ({ ...s, mark: s.mark * (1 + ((i * m) % 97) / 1e5) })), now);
      repo.prune(now);
      if ((m + 1) % 1440 === 0) {
        db.pragma('wal_checkpoint(TRUNCATE)');
        const rows = (db.prepare('SELECT count(*) AS n FROM market_minutes').get() as { n: number }).n;
        lines.push(`  after day ${(m + 1) / 1440}: file ${mb(fileSize())}, minute rows ${rows.toLocaleString('en')} (${mb(tableBytes('market_minutes'))}), hourly ${mb(tableBytes('market_hourly'))}`);
      }
    }
    db.close();
    console.log(`bounded: ${pairs} pairs, ${days} days, pruned every minute (48 h of minutes, 90 days of hours):`);
    for (const line of lines) console.log(line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
