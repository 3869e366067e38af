import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { CrashMonitor, type StreamReadings } from '../../src/alerts/stream-crash.ts';
import { DEFAULT_STREAM_THRESHOLDS } from '../../src/core/stream-signals.ts';
import { DEFAULT_THRESHOLDS, type VenueSignals } from '../../src/core/signals.ts';
import { AlertService } from '../../src/alerts/service.ts';
import type { MarketService } from '../../src/market/service.ts';
import { AlertsRepository } from '../../src/store/alerts-repository.ts';
import { PreferencesRepository } from '../../src/store/preferences.ts';
import type { Venue } from '../../src/market/types.ts';
import { openDatabase } from '../../src/store/database.ts';
import { DigestRepository } from '../../src/store/digest-repository.ts';
import type { PulseView } from '../../src/streams/pulse.ts';
import type { StreamHealth } from '../../src/streams/types.ts';
import { ManualClock } from '../support/market.ts';

/** The crash monitor on scripted readings: episodes open, grow, end when calm, survive a restart. */
const T0 = Date.UTC(2025, 9, 10, 20, 50);
const logger = pino({ level: 'silent' });

function readings(): StreamReadings & { set(symbol: string, view: Omit<PulseView, 'symbol'>): void; longUsdUntil: (to: number) => number } {
  const views = new Map<string, PulseView>();
  const health = (venue: Venue, liquidations: boolean): StreamHealth => ({
    venue,
    liquidations,
    connected: true,
    lastMessageAt: T0,
    connectedSince: T0,
    reconnects: 0,
    rotations: 0,
    messages: 1,
    malformed: 0,
    downSince: null,
    lastError: null,
  });
  const self = {
    symbols: ['BTC', 'ETH'],
    /** Long liquidations over an hour ending at `to` (the ledger's answer). */
    longUsdUntil: (_to: number) => 0,
    pulse: { view: (symbol: string) => views.get(symbol) ?? { symbol, prices: [], liquidations: new Map() } },
    ledger: { longUsd: (_symbol: string, _from: number, to: number) => self.longUsdUntil(to) },
    health: () => [health('binance', true), health('bybit', true), health('okx', true), health('hyperliquid', false)],
    set: (symbol: string, view: Omit<PulseView, 'symbol'>) => views.set(symbol, { symbol, ...view }),
  };
  return self;
}

const falling = (price: number, high: number) => [
  { venue: 'binance' as const, price, high, low: price },
  { venue: 'hyperliquid' as const, price, high, low: price },
];
const burst = (usd: number) =>
  new Map<Venue, { long: number; short: number }>([
    ['binance', { long: usd / 2, short: 0 }],
    ['bybit', { long: usd / 2, short: 0 }],
  ]);
const calm = (price: number) => ({ prices: falling(price, price), liquidations: new Map() });

test('an episode opens on the first coin, grows as others join or worsen, and ends after the calm period', () => {
  const db = openDatabase(':memory:');
  const clock = new ManualClock(T0);
  const streams = readings();
  const monitor = new CrashMonitor({ streams, repo: new DigestRepository(db), thresholds: DEFAULT_STREAM_THRESHOLDS, logger, now: clock.now });
  const seen: string[] = [];
  monitor.onCrash((c) => seen.push(`${c.type}:${Object.keys(c.episode.coins).join(',')}`));

  streams.set('BTC', calm(122_500));
  assert.equal(monitor.tick(), undefined);
  assert.equal(monitor.isCrashRunning(), false);

  clock.time += 30_000;
  streams.set('BTC', { prices: falling(121_700, 122_500), liquidations: burst(3_000_000) });
  assert.equal(monitor.tick()?.type, 'start');
  assert.ok(monitor.isCrashRunning('BTC') && !monitor.isCrashRunning('ETH'));

  clock.time += 20_000;
  streams.set('ETH', { prices: falling(4_250, 4_350), liquidations: burst(40_000_000) });
  assert.equal(monitor.tick()?.type, 'update', 'ETH joins, critical');
  assert.equal(monitor.episode()?.coins.ETH.severity, 'critical');

  // Recovering (no fall) with liquidations still running: quiet, not yet over.
  streams.set('BTC', calm(118_000));
  streams.set('ETH', calm(4_000));
  clock.time += 9 * 60_000;
  assert.equal(monitor.tick(), undefined);
  assert.ok(monitor.isCrashRunning());
  assert.equal(monitor.episode()?.coins.BTC.low, 118_000, 'the low so far follows the price');
  clock.time += 60_000;
  assert.equal(monitor.tick()?.type, 'end');
  assert.equal(monitor.isCrashRunning(), false);
  assert.deepEqual(seen, ['start:BTC', 'update:BTC,ETH', 'end:BTC,ETH']);
});

test('a restart continues the stored episode; one stored long ago is not running', () => {
  const db = openDatabase(':memory:');
  const clock = new ManualClock(T0);
  const streams = readings();
  const repo = new DigestRepository(db);
  const first = new CrashMonitor({ streams, repo, thresholds: DEFAULT_STREAM_THRESHOLDS, logger, now: clock.now });
  streams.set('BTC', { prices: falling(121_700, 122_500), liquidations: burst(3_000_000) });
  first.tick();
  const id = first.episode()!.id;
  const second = new CrashMonitor({ streams, repo, thresholds: DEFAULT_STREAM_THRESHOLDS, logger, now: clock.now });
  assert.equal(second.episode()?.id, id);
  assert.ok(second.isCrashRunning('BTC'));
  clock.time += 3 * 3_600_000;
  const later = new CrashMonitor({ streams, repo, thresholds: DEFAULT_STREAM_THRESHOLDS, logger, now: clock.now });
  assert.equal(later.isCrashRunning(), false, 'the bot was down for hours: nothing is running');
  streams.set('BTC', calm(110_000));
  assert.equal(later.tick()?.type, 'end', 'and the first tick closes it (the digests get their final summary)');
});

test("the usual minute is the hour before the episode, not the cascade itself", () => {
  const db = openDatabase(':memory:');
  const clock = new ManualClock(T0);
  const streams = readings();
  const monitor = new CrashMonitor({ streams, repo: new DigestRepository(db), thresholds: DEFAULT_STREAM_THRESHOLDS, logger, now: clock.now });
  // $100k a minute in the hour before 20:50, $2M a minute in any hour that includes the cascade.
  streams.longUsdUntil = (to) => (to < T0 ? 60 * 100_000 : 60 * 2_000_000);
  streams.set('BTC', { prices: falling(121_700, 122_500), liquidations: burst(3_000_000) });
  assert.equal(monitor.tick()?.type, 'start');
  // Twenty minutes in, the last hour is mostly cascade; judged against it, ETH's $5M would not count.
  clock.time += 20 * 60_000;
  streams.set('ETH', { prices: falling(4_250, 4_350), liquidations: burst(5_000_000) });
  assert.equal(monitor.tick()?.type, 'update');
  assert.ok('ETH' in monitor.episode()!.coins);
});

test('the minute poll leaves crash alerts to the streams for the coins they cover, and stands in for the others', async () => {
  const db = openDatabase(':memory:');
  const alerts = new AlertsRepository(db);
  alerts.subscribe({ platform: 'chat', chatId: 'c', kinds: ['crash'], symbols: ['BTC', 'ETH'], venues: ['*'], minSeverity: 'warning', createdBy: 'u', createdAt: '' });
  const falling = (venue: string, symbol: string): VenueSignals => ({
    venue,
    symbol,
    fundingApr: 0.1,
    fundingZ: null,
    oiChange1h: null,
    oiChange4h: null,
    oiChange24h: null,
    priceChange5m: null,
    priceChange15m: -0.08,
    priceChange1h: -0.1,
    crowding: null,
    dropFromPeak: 0.08,
    oiFlush: null,
    adlRisk: null,
    volume24hUsd: 10e9,
  });
  const market = {
    poll: async () => ({ at: T0, venues: [], fresh: [] }),
    signals: () => ['binance', 'bybit'].flatMap((venue) => [falling(venue, 'BTC'), falling(venue, 'ETH')]),
    prune: () => ({ minutes: 0, hours: 0 }),
  } as unknown as MarketService;
  const service = new AlertService({
    market,
    repo: alerts,
    preferences: new PreferencesRepository(db),
    senders: new Map(),
    thresholds: DEFAULT_THRESHOLDS,
    cooldownMs: 4 * 3_600_000,
    defaultSymbols: ['BTC'],
    logger,
    streamCrash: { covers: (symbol) => symbol === 'BTC' },
  });
  const report = await service.runCycle();
  assert.deepEqual(report.candidates.map((c) => `${c.kind}:${c.symbol}`).sort(), ['crash:BTC', 'crash:ETH'], 'both judged');
  assert.deepEqual(report.queued.map((q) => q.alert.symbol), ['ETH'], 'BTC is the streams\' to alert');
});

test('ended episodes and their digests are kept a week', () => {
  const db = openDatabase(':memory:');
  const clock = new ManualClock(T0);
  const repo = new DigestRepository(db);
  const old = repo.startEpisode(T0 - 8 * 24 * 3_600_000, {});
  repo.saveEpisode({ ...old, endedAt: T0 - 8 * 24 * 3_600_000 + 3_600_000 });
  repo.openDigest(old.id, 'chat', 'c', T0);
  const recent = repo.startEpisode(T0 - 24 * 3_600_000, {});
  repo.saveEpisode({ ...recent, endedAt: T0 - 23 * 3_600_000 });
  new CrashMonitor({ streams: readings(), repo, thresholds: DEFAULT_STREAM_THRESHOLDS, logger, now: clock.now }).tick();
  assert.equal(repo.episode(old.id), undefined);
  assert.deepEqual(repo.digests(old.id), []);
  assert.ok(repo.episode(recent.id));
});
