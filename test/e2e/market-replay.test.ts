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
import type { ReplySender } from '../../src/chat/delivery.ts';

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

/**
 * Discord as the process sees it: once armed, the next ADL alert is answered "429, retry in 30 s",
 * so it is still pending in the outbox when the process restarts.
 */
const held = { armed: true, deferred: false };
const discordFace: ReplySender = {
  platform: 'discord',
  pacing: discord.pacing,
  send: async (chatId, reply, lang) => {
    if (held.armed && reply.title?.includes('ADL risk')) {
      held.armed = false;
      held.deferred = true;
      return { ok: false, reason: 'retry', retryAfterMs: 30_000, detail: 'HTTP 429: You are being rate limited.' };
    }
    return discord.send(chatId, reply, lang);
  },
};

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
    senders: new Map<string, ReplySender>([['discord', discordFace], ['telegram', telegram]]),
    thresholds: DEFAULT_THRESHOLDS,
    cooldownMs: 4 * HOUR,
    defaultSymbols: ['BTC', 'ETH'],
    logger: silentLogger,
    now: clock.now,
    sleep: async () => undefined,
  });
  return { db, alerts };
}

interface Queued {
  t: number;
  process: number;
  platform: string;
  chatId: string;
  kind: string;
  symbol: string;
  severity: string;
}

test('replay of 10 Oct 2025: crowding before the crash, crash during it, each once per target in its language, across two restarts', async () => {
  const clock = new ManualClock(at(8, 12));
  let { db, alerts } = boot(clock);
  const subscription = { kinds: ['crowding', 'crash', 'adl'] as const, venues: ['*'], minSeverity: 'warning' as const, createdBy: 'admin', createdAt: '2025-10-08T12:00:00Z' };
  alerts.repo.subscribe({ ...subscription, kinds: [...subscription.kinds], platform: 'discord', chatId: 'chan-en', symbols: ['BTC'] });
  alerts.repo.subscribe({ ...subscription, kinds: [...subscription.kinds], platform: 'telegram', chatId: 'tg-vi', symbols: ['BTC', 'ETH'] });
  alerts.repo.subscribe({ ...subscription, kinds: [...subscription.kinds], platform: 'telegram', chatId: 'tg-kicked', symbols: ['BTC'] });
  new PreferencesRepository(db).setChatLang('telegram', 'tg-vi', 'vi');

  const queued: Queued[] = [];
  /** Per process: the candidates its cycles raised (before dedup). */
  const raised: Array<Set<string>> = [new Set()];
  const restarts: number[] = [];
  let process = 0;
  const restart = async (t: number) => {
    // New process objects, same database file: nothing in memory survives.
    await alerts.stop();
    db.close();
    ({ db, alerts } = boot(clock));
    restarts.push(t);
    raised.push(new Set());
    process++;
  };
  let sentBeforeSecondRestart = 0;
  for (const t of timeline(at(8, 12), END)) {
    // Restart 1: mid-crash, after the crash alert went out and while the crash condition holds.
    if (restarts.length === 0 && t >= at(10, 21, 3)) await restart(t);
    // Restart 2: right after Discord deferred the ADL alert, with it still pending in the outbox.
    if (restarts.length === 1 && held.deferred) {
      sentBeforeSecondRestart = discord.sent.length;
      await restart(t);
    }
    clock.time = t;
    exchange.market = marketAt(t);
    const report = await alerts.runCycle();
    for (const c of report.candidates) raised[process].add(`${c.kind}:${c.symbol}:${c.severity}`);
    for (const q of report.queued) {
      queued.push({ t, process, platform: q.platform, chatId: q.chatId, kind: q.alert.kind, symbol: q.alert.symbol, severity: q.alert.severity });
    }
  }
  assert.equal(restarts.length, 2, 'both restarts happened');
  const first = (kind: string, symbol: string) => queued.find((q) => q.kind === kind && q.symbol === symbol);

  // In order: crowding warned before the crash began, the crash alert during the fall.
  const crowdingAt = first('crowding', 'BTC')!.t;
  const crashAt = first('crash', 'BTC')!.t;
  assert.ok(crowdingAt < CRASH, `crowding warned at ${new Date(crowdingAt).toISOString()}, before the crash`);
  assert.ok(crashAt >= CRASH && crashAt <= BOTTOM, `crash alert at ${new Date(crashAt).toISOString()}, during the fall`);

  // The restart really had something to repeat: the crash was alerted before it and still raised after it.
  assert.ok(crashAt < restarts[0]);
  assert.ok(raised[1].has('crash:BTC:critical'), 'the new process saw the same crash');
  assert.ok(!queued.some((q) => q.process > 0 && q.kind === 'crash'), 'and queued it for nobody again');

  // Once: no (target, kind, coin, severity) is queued or delivered twice, across both restarts.
  const keys = queued.map((q) => `${q.platform}:${q.chatId}:${q.kind}:${q.symbol}:${q.severity}`);
  assert.deepEqual(keys, [...new Set(keys)], 'nothing queued twice');

  // Discord, English, BTC only: each alert once, in order; the ADL flag once, then its escalation.
  const en = discord.sent.filter((s) => s.chatId === 'chan-en');
  assert.deepEqual(
    en.map((s) => s.reply.title!.replace(/ on .*| flagged by .*/, '')),
    ['🚨 BTC: crowded longs', '🚨 BTC: crash in progress', '⚠️ BTC: ADL risk', '🚨 BTC: ADL risk'],
    'crowding, then crash, then the ADL flag and its escalation: nothing twice',
  );
  assert.ok(en.every((s) => s.lang === 'en'), 'a chat with no language set gets English');
  assert.ok(en.every((s) => /Not financial advice/.test(s.reply.footer ?? '')));
  // The ADL warning deferred by Discord before restart 2 was delivered once, by the new process.
  const adlWarning = en.findIndex((s) => s.reply.title!.startsWith('⚠️ BTC: ADL risk'));
  assert.ok(adlWarning >= sentBeforeSecondRestart, 'delivered after the restart, from the persisted outbox');
  assert.equal(first('adl', 'BTC')!.process, 1, 'it had been queued by the process before');

  const crashReply = en.find((s) => s.reply.title?.includes('crash'))!.reply;
  assert.equal(crashReply.actions?.[0].payload, 'explain:adl');
  assert.ok(crashReply.image && crashReply.image.png.subarray(1, 4).toString() === 'PNG', 'a funding + OI chart is attached');
  assert.equal(en.find((s) => s.reply.title?.includes('crowded'))!.reply.actions?.[0].payload, 'explain:funding');

  // Telegram, Vietnamese, BTC and ETH: each kind once per coin, crowding first, all in Vietnamese.
  const vi = telegram.sent.filter((s) => s.chatId === 'tg-vi');
  assert.ok(vi.every((s) => s.lang === 'vi'));
  for (const coin of ['BTC', 'ETH']) {
    const titles = vi.map((s) => s.reply.title ?? '').filter((title) => title.includes(`${coin}:`));
    const kinds = titles.map((title) => (title.includes('quá đông') ? 'crowding' : title.includes('sập') ? 'crash' : 'adl'));
    assert.deepEqual(kinds, ['crowding', 'crash', 'adl', 'adl'], `${coin}: ${titles.join(' | ')}`);
  }
  assert.ok(vi.every((s) => /không phải lời khuyên đầu tư/.test(s.reply.footer ?? '')));
  assert.ok(vi.every((s) => ['Funding là gì?', 'ADL là gì?'].includes(s.reply.actions?.[0].label ?? '')), 'buttons in Vietnamese');
  assert.ok(!vi.some((s) => /Not financial advice|crowded|crash in progress/.test(`${s.reply.title} ${s.reply.footer}`)), 'no English leaks in');

  // The kicked group: tried once, then paused, never queued or tried again, nothing left pending.
  assert.equal(telegram.attempts.filter((c) => c === 'tg-kicked').length, 1);
  const kicked = alerts.repo.get('telegram', 'tg-kicked')!;
  assert.match(kicked.pausedReason ?? '', /forbidden: .*kicked/);
  assert.ok(!alerts.repo.active().some((s) => s.chatId === 'tg-kicked'));
  const kickedQueued = queued.filter((q) => q.chatId === 'tg-kicked');
  assert.ok(kickedQueued.length > 0 && kickedQueued.every((q) => q.t === kickedQueued[0].t), 'nothing queued for it after the pause');
  const pending = db.prepare(`SELECT count(*) AS n FROM alert_outbox WHERE chat_id = 'tg-kicked' AND status = 'pending'`).get() as { n: number };
  assert.equal(pending.n, 0);
  // The other targets kept getting theirs after the pause.
  assert.ok(vi.length === 8 && en.length === 4);
  db.close();
});
