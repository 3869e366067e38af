import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeExchange, type FakeCoin, type FakeMarket } from './fake-exchange.ts';
import { ManualClock, makeMarketService, silentLogger } from '../support/market.ts';
import { RecordingSender } from '../support/senders.ts';
import { openDatabase, type Db } from '../../src/store/database.ts';
import { PreferencesRepository } from '../../src/store/preferences.ts';
import { AlertsRepository } from '../../src/store/alerts-repository.ts';
import { AlertService } from '../../src/alerts/service.ts';
import { DEFAULT_THRESHOLDS } from '../../src/core/signals.ts';
import type { AlertCandidate } from '../../src/alerts/evaluate.ts';

/**
 * A scripted 10 Oct 2025: two calm days, funding and open interest climbing from 17:00 UTC
 * (crowded longs), then the cascade from 20:50 (BTC ≈122.5k → ≈104.8k by 21:15, OI flushed),
 * with Binance, then Bybit, raising their ADL flags. Replayed minute by minute through the
 * fake exchange with an injected clock.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (day: number, h: number, m = 0) => Date.UTC(2025, 9, day, h, m);
const RUN_UP = at(10, 17);
const CRASH = at(10, 20, 50);
const BOTTOM = at(10, 21, 15);
const END = at(10, 21, 30);

const lerp = (a: number, b: number, f: number) => a + (b - a) * Math.min(1, Math.max(0, f));

function coinAt(t: number, coin: string, basePrice: number, baseOi: number): FakeCoin {
  const calmPrice = basePrice * (1 + 0.002 * Math.sin(t / (3 * HOUR)));
  const peak = basePrice * 1.021;
  const bottom = basePrice * 0.873;
  let price: number, funding8h: number, oi: number;
  if (t < RUN_UP) {
    price = calmPrice;
    funding8h = 0.0001 + 0.00001 * Math.sin(t / (5 * HOUR));
    oi = baseOi * (1 + 0.01 * Math.sin(t / (7 * HOUR)));
  } else if (t < CRASH) {
    const f = (t - RUN_UP) / (CRASH - RUN_UP);
    price = lerp(basePrice * (1 + 0.002 * Math.sin(RUN_UP / (3 * HOUR))), peak, f);
    funding8h = lerp(0.0001, 0.0005, f);
    oi = baseOi * lerp(1, 1.25, f);
  } else {
    const f = (t - CRASH) / (BOTTOM - CRASH);
    price = t <= BOTTOM ? lerp(peak, bottom, f) : lerp(bottom, basePrice * 0.9, (t - BOTTOM) / (END - BOTTOM));
    funding8h = lerp(0.0005, 0.00005, f);
    oi = baseOi * 1.25 * lerp(1, 0.7, f);
  }
  return {
    coin,
    price,
    funding8h,
    openInterest: oi,
    change24h: 0.01,
    volumeUsd: 10e9,
    binanceAdlRisk: t >= at(10, 21, 5) ? 'high' : 'low',
    bybitPnlRatio: t >= at(10, 21, 10) ? -0.45 : -0.02,
  };
}

const marketAt = (t: number): FakeMarket => ({ time: t, coins: [coinAt(t, 'BTC', 120_000, 95_000), coinAt(t, 'ETH', 4_300, 2_000_000)] });

function* timeline(from: number, to: number): Generator<number> {
  for (let t = from; t <= to; ) {
    yield t;
    t += t < RUN_UP ? 2 * HOUR : t < CRASH ? 10 * MIN : MIN;
  }
}

const exchange = new FakeExchange(marketAt(at(8, 12)));
const dir = mkdtempSync(join(tmpdir(), 'adl-replay-'));
const dbPath = join(dir, 'sentinel.db');
const discord = new RecordingSender('discord');
const telegram = new RecordingSender('telegram');
telegram.dead.set('tg-kicked', { ok: false, reason: 'forbidden', detail: 'Forbidden: bot was kicked from the group chat' });

before(() => exchange.start());
after(async () => {
  await exchange.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Everything a process builds at start-up, on the one database file. */
function boot(clock: ManualClock): { db: Db; alerts: AlertService } {
  const db = openDatabase(dbPath);
  const market = makeMarketService(exchange.exchanges, clock, db);
  const alerts = new AlertService({
    market,
    repo: new AlertsRepository(db),
    preferences: new PreferencesRepository(db),
    senders: { discord, telegram },
    thresholds: DEFAULT_THRESHOLDS,
    cooldownMs: 4 * HOUR,
    defaultSymbols: ['BTC', 'ETH'],
    logger: silentLogger,
    now: clock.now,
    sleep: async () => undefined,
  });
  return { db, alerts };
}

test('replay of 10 Oct 2025: crowding before the crash, crash during it, each once per target, across a restart', async () => {
  const clock = new ManualClock(at(8, 12));
  let { db, alerts } = boot(clock);
  const subscription = { kinds: ['crowding', 'crash', 'adl'] as const, venues: ['*'], minSeverity: 'warning' as const, createdBy: 'admin', createdAt: '2025-10-08T12:00:00Z' };
  alerts.repo.subscribe({ ...subscription, kinds: [...subscription.kinds], platform: 'discord', chatId: 'chan-en', symbols: ['BTC'] });
  alerts.repo.subscribe({ ...subscription, kinds: [...subscription.kinds], platform: 'telegram', chatId: 'tg-vi', symbols: ['BTC', 'ETH'] });
  alerts.repo.subscribe({ ...subscription, kinds: [...subscription.kinds], platform: 'telegram', chatId: 'tg-kicked', symbols: ['BTC'] });
  new PreferencesRepository(db).setChatLang('telegram', 'tg-vi', 'vi');

  const firstAlertAt = new Map<string, number>();
  let restarted = false;
  for (const t of timeline(at(8, 12), END)) {
    if (!restarted && t >= at(10, 21, 3)) {
      // A restart mid-crash: new process objects, same database file.
      await alerts.stop();
      db.close();
      ({ db, alerts } = boot(clock));
      restarted = true;
    }
    clock.time = t;
    exchange.market = marketAt(t);
    const report = await alerts.runCycle();
    for (const { alert } of report.queued) {
      const key = `${alert.kind}:${alert.symbol}`;
      if (!firstAlertAt.has(key)) firstAlertAt.set(key, t);
    }
  }
  assert.ok(restarted);

  // Discord, English, BTC only.
  const en = discord.titlesFor('chan-en');
  assert.deepEqual(
    en.map((title) => title.replace(/ on .*| flagged by .*/, '')),
    ['🚨 BTC: crowded longs', '🚨 BTC: crash in progress', '⚠️ BTC: ADL risk', '🚨 BTC: ADL risk'],
    'crowding, then crash, then the ADL flag and its escalation: nothing twice',
  );
  const crowdingAt = firstAlertAt.get('crowding:BTC')!;
  const crashAt = firstAlertAt.get('crash:BTC')!;
  assert.ok(crowdingAt < CRASH, `crowding warned at ${new Date(crowdingAt).toISOString()}, before the crash`);
  assert.ok(crashAt >= CRASH && crashAt <= BOTTOM, `crash alert at ${new Date(crashAt).toISOString()}, during the fall`);
  const crashReply = discord.sent.find((s) => s.reply.title?.includes('crash'))!.reply;
  assert.equal(crashReply.actions?.[0].payload, 'explain:adl');
  assert.match(crashReply.footer ?? '', /Not financial advice/);
  assert.ok(crashReply.image && crashReply.image.png.subarray(1, 4).toString() === 'PNG', 'a funding + OI chart is attached');
  assert.equal(discord.sent.find((s) => s.reply.title?.includes('crowded'))!.reply.actions?.[0].payload, 'explain:funding');

  // Telegram, Vietnamese, BTC and ETH: each kind once per coin, crowding first.
  const vi = telegram.sent.filter((s) => s.chatId === 'tg-vi');
  assert.ok(vi.every((s) => s.lang === 'vi'));
  for (const coin of ['BTC', 'ETH']) {
    const titles = vi.map((s) => s.reply.title ?? '').filter((title) => title.includes(`${coin}:`));
    const kinds = titles.map((title) => (title.includes('quá đông') ? 'crowding' : title.includes('sập') ? 'crash' : 'adl'));
    assert.deepEqual(kinds, ['crowding', 'crash', 'adl', 'adl'], `${coin}: ${titles.join(' | ')}`);
  }
  assert.match(vi[0].reply.footer ?? '', /không phải lời khuyên đầu tư/);

  // The kicked group: tried once, then paused, never tried again.
  assert.equal(telegram.attempts.filter((c) => c === 'tg-kicked').length, 1);
  const kicked = alerts.repo.get('telegram', 'tg-kicked')!;
  assert.match(kicked.pausedReason ?? '', /forbidden: .*kicked/);
  db.close();
});
