import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REST } from 'discord.js';
import { Api } from 'grammy';
import { pino } from 'pino';
import { until } from '../support/process.ts';
import { FakeVenues } from './fake-venues.ts';
import { FakeTelegram } from './fake-telegram.ts';
import { FakeDiscord, snowflake } from './fake-discord.ts';
import { CASCADE_START, CrashReplay, MINUTE, PEAK_MINUTE, pushSecond, type ReplaySecond } from '../support/crash-replay.ts';
import { ManualClock } from '../support/market.ts';
import { loadConfig } from '../../src/config.ts';
import type { ReplySender } from '../../src/chat/delivery.ts';
import { openDatabase, type Db } from '../../src/store/database.ts';
import { AlertsRepository } from '../../src/store/alerts-repository.ts';
import { DigestRepository } from '../../src/store/digest-repository.ts';
import { PreferencesRepository } from '../../src/store/preferences.ts';
import { StreamRepository } from '../../src/store/stream-repository.ts';
import { createStreamManager } from '../../src/streams/factory.ts';
import type { StreamManager } from '../../src/streams/manager.ts';
import { CrashMonitor, type CrashChange } from '../../src/alerts/stream-crash.ts';
import { LiveDigest } from '../../src/alerts/digest.ts';
import { streamDigestSource } from '../../src/alerts/live.ts';
import { TelegramSender } from '../../src/platforms/telegram/sender.ts';
import { DiscordSender } from '../../src/platforms/discord/sender.ts';

/**
 * 10 Oct 2025 through the stream fakes: the seeded second-by-second generator
 * (test/support/crash-replay.ts, facts and assumptions in test/fixtures/streams/crash-2025-10-10.json)
 * pushes each venue's real frames from 20:45 to 21:32 UTC; the bot's streams, crash monitor and
 * live digest run on a replayed clock and post through the real Telegram and Discord senders to
 * the local fakes, which enforce each platform's per-chat limits on that clock. At 21:05 the
 * process is killed (its database closed before anything in memory could be written) and started
 * again on the same file.
 *
 * What it shows: the crash alert comes within a minute of the cascade's first minute (the minute
 * poll's replay: nine minutes), once per chat, as the first version of a digest that is then
 * edited (at most every 10 s, never over a platform's limit) and closed with a final summary; after
 * the restart the same message keeps being edited.
 */
const TOKEN_TG = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi';
const TOKEN_DC = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX';
const FROM = CASCADE_START - 5 * MINUTE;
const RESTART_AT = CASCADE_START + 15 * MINUTE;
const TO = CASCADE_START + 42 * MINUTE;
const logger = pino({ level: 'silent' });

const venues = new FakeVenues();
const telegram = new FakeTelegram(TOKEN_TG);
const discord = new FakeDiscord({ token: TOKEN_DC });
const clock = new ManualClock(FROM);
const dir = mkdtempSync(join(tmpdir(), 'adl-stream-replay-'));
const dbPath = join(dir, 'sentinel.db');
const channel = snowflake();
const chats = { viGroup: '-1001234567890', enPrivate: '2001', crowdingOnly: '2002', discord: channel } as const;

before(async () => {
  await Promise.all([venues.start(), telegram.start(), discord.start()]);
  // The platforms' own per-chat limits, judged on the replayed clock.
  telegram.chatLimit = { perMinute: 20, now: clock.now };
  discord.channelLimit = { count: 5, windowMs: 5_000, now: clock.now };
  senders.set('telegram', recorded(new TelegramSender(new Api(TOKEN_TG, { apiRoot: telegram.apiRoot }), logger, [TOKEN_TG])));
  senders.set('discord', recorded(new DiscordSender(new REST({ api: discord.apiRoot, retries: 0, rejectOnRateLimit: () => true }).setToken(TOKEN_DC), logger, [TOKEN_DC])));
});
after(async () => {
  await Promise.all([venues.stop(), telegram.stop(), discord.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

interface Process {
  db: Db;
  manager: StreamManager;
  monitor: CrashMonitor;
  digest: LiveDigest;
}

/** Every version the senders delivered, on the replayed clock. */
const deliveries: Array<{ at: number; platform: string; chatId: string; op: 'send' | 'edit'; messageId?: string; ok: boolean; title: string }> = [];

function recorded(sender: ReplySender): ReplySender {
  return {
    platform: sender.platform,
    pacing: sender.pacing,
    send: async (chatId, reply, lang) => {
      const at = clock.now();
      const result = await sender.send(chatId, reply, lang);
      deliveries.push({ at, platform: sender.platform, chatId, op: 'send', messageId: result.ok ? result.messageId : undefined, ok: result.ok, title: reply.title ?? '' });
      return result;
    },
    edit: async (chatId, messageId, reply, lang) => {
      const at = clock.now();
      const result = await sender.edit!(chatId, messageId, reply, lang);
      deliveries.push({ at, platform: sender.platform, chatId, op: 'edit', messageId, ok: result.ok, title: reply.title ?? '' });
      return result;
    },
  };
}

/** The real senders on the fakes (filled once they listen). */
const senders = new Map<string, ReplySender>();

let replaySecond: ReplaySecond | undefined;

function boot(): Process {
  const db = openDatabase(dbPath);
  const config = loadConfig({ ...venues.env(), STREAMS_SYMBOLS: 'BTC,ETH,SOL', DATABASE_PATH: dbPath });
  // Liquidations are flushed by the replay loop every 5 replayed seconds (the timer runs on real time).
  const manager = createStreamManager(config, db, logger, { now: clock.now, flushMs: 3_600_000 });
  const digests = new DigestRepository(db);
  const monitor = new CrashMonitor({ streams: manager, repo: digests, thresholds: config.streamCrash, logger, now: clock.now });
  const preferences = new PreferencesRepository(db);
  const digest = new LiveDigest({
    episode: () => monitor.episode(),
    digests,
    alerts: new AlertsRepository(db),
    senders,
    langOf: (platform, chatId) => preferences.chatLang(platform, chatId) ?? 'en',
    source: streamDigestSource({
      ledger: manager.ledger,
      pulse: manager.pulse,
      repo: new StreamRepository(db),
      health: () => manager.health(),
      // Binance's symbolAdlRisk comes from the minute poll: here, the replay's flag.
      polledAdl: () => [{ venue: 'binance', risk: replaySecond?.binanceAdlHigh ? 'high' : 'low' }],
      editIntervalMs: config.digest.editIntervalMs,
    }),
    editIntervalMs: config.digest.editIntervalMs,
    logger,
    now: clock.now,
    sleep: async (ms) => {
      clock.time += ms;
    },
  });
  manager.start();
  return { db, manager, monitor, digest };
}

/** Items each venue's stream delivered to this process (to wait for a second's frames). */
function counter(manager: StreamManager): Record<string, number> {
  const received: Record<string, number> = { binance: 0, bybit: 0, okx: 0, hyperliquid: 0 };
  manager.onEvents((events) => {
    for (const e of events) received[e.venue]++;
  });
  return received;
}

test('10 Oct 2025 replayed through the stream fakes: the crash alert within a minute, one live digest per chat, continued after a restart', async (t) => {
  let proc = boot();
  const alerts = new AlertsRepository(proc.db);
  const subscription = { venues: ['*'], minSeverity: 'warning' as const, createdBy: 'admin', createdAt: '2025-10-10T12:00:00Z' };
  alerts.subscribe({ ...subscription, platform: 'telegram', chatId: chats.viGroup, kinds: ['crowding', 'crash', 'adl'], symbols: ['BTC', 'ETH'] });
  alerts.subscribe({ ...subscription, platform: 'telegram', chatId: chats.enPrivate, kinds: ['crash'], symbols: ['*'] });
  alerts.subscribe({ ...subscription, platform: 'telegram', chatId: chats.crowdingOnly, kinds: ['crowding'], symbols: ['BTC'] });
  alerts.subscribe({ ...subscription, platform: 'discord', chatId: chats.discord, kinds: ['crash'], symbols: ['BTC'] });
  new PreferencesRepository(proc.db).setChatLang('telegram', chats.viGroup, 'vi');

  let received = counter(proc.manager);
  const sent = { binance: 0, bybit: 0, okx: 0, hyperliquid: 0 };
  const changes: Array<{ at: number; change: CrashChange['type']; episode: number; coins: string[] }> = [];
  const listen = (monitor: CrashMonitor) => monitor.onCrash((c) => changes.push({ at: clock.now(), change: c.type, episode: c.episode.id, coins: Object.keys(c.episode.coins) }));
  listen(proc.monitor);
  await until('four streams', () => proc.manager.health().every((h) => h.connected));

  let restartedMessages: Map<string, string | null> | undefined;
  let runningMidCrash = false;
  let streamedUsd = 0;
  let trueUsd = 0;
  for (const second of new CrashReplay().seconds(FROM, TO)) {
    if (second.time === RESTART_AT) {
      const before = new Map(new DigestRepository(proc.db).digests(proc.monitor.episode()!.id).map((d) => [`${d.platform}:${d.chatId}`, d.messageId]));
      // Killed: the database goes first, so nothing the process held in memory is written.
      proc.db.close();
      await proc.manager.stop();
      proc = boot();
      received = counter(proc.manager);
      for (const venue of Object.keys(sent) as Array<keyof typeof sent>) sent[venue] = 0;
      listen(proc.monitor);
      await until('four streams after the restart', () => proc.manager.health().every((h) => h.connected));
      assert.ok(proc.monitor.isCrashRunning('BTC'), 'the new process continues the stored episode');
      restartedMessages = before;
    }
    clock.time = second.time;
    replaySecond = second;
    const pushed = pushSecond(venues, second);
    for (const venue of Object.keys(sent) as Array<keyof typeof sent>) sent[venue] += pushed[venue];
    await until(`the frames of ${new Date(second.time).toISOString()}`, () => (Object.keys(sent) as Array<keyof typeof sent>).every((v) => received[v] >= sent[v]), { everyMs: 0 });
    for (const venue of ['binance', 'bybit', 'okx'] as const) for (const order of second.orders[venue]) streamedUsd += order.usd;
    trueUsd += second.trueUsd;
    if (second.time % 5_000 === 0) proc.manager.flush();
    proc.monitor.tick();
    await proc.digest.tick();
    if (second.time === PEAK_MINUTE) runningMidCrash = proc.monitor.isCrashRunning('BTC') && proc.monitor.isCrashRunning();
  }
  proc.manager.flush();

  // The crash alert: the episode opened within 60 s of the cascade's first minute…
  const start = changes.find((c) => c.change === 'start');
  assert.ok(start, 'a crash episode started');
  const latency = (start.at - CASCADE_START) / 1000;
  t.diagnostic(`crash detected ${latency} s after 20:50:00 UTC (the minute poll's replay: 9 minutes)`);
  assert.ok(latency >= 0 && latency <= 60, `detected ${latency} s after the cascade began`);
  // …and reached every crash subscriber at once, as the first version of its digest.
  for (const [platform, chatId] of [['telegram', chats.viGroup], ['telegram', chats.enPrivate], ['discord', chats.discord]]) {
    const first = deliveries.find((d) => d.platform === platform && d.chatId === chatId && d.ok);
    assert.ok(first && first.op === 'send', `${platform}:${chatId} got the alert`);
    assert.ok((first.at - CASCADE_START) / 1000 <= 60, `${platform}:${chatId} alerted ${(first.at - CASCADE_START) / 1000} s after 20:50`);
  }
  assert.ok(runningMidCrash, 'isCrashRunning() during the cascade (the watch feature asks it)');

  // One message per chat: one send, then edits of that message only, at least 10 s apart, within the platforms' limits.
  for (const [platform, chatId] of [['telegram', chats.viGroup], ['telegram', chats.enPrivate], ['discord', chats.discord]]) {
    const mine = deliveries.filter((d) => d.platform === platform && d.chatId === chatId && d.ok);
    const sends = mine.filter((d) => d.op === 'send');
    assert.equal(sends.length, 1, `${platform}:${chatId}: one message`);
    const edits = mine.filter((d) => d.op === 'edit');
    assert.ok(edits.length >= 10, `${platform}:${chatId}: ${edits.length} edits`);
    assert.ok(edits.every((e) => e.messageId === sends[0].messageId), 'every edit is of that message');
    const gaps = mine.slice(1).map((d, i) => d.at - mine[i].at);
    assert.ok(Math.min(...gaps) >= 10_000, `${platform}:${chatId}: versions at least 10 s apart (closest ${Math.min(...gaps)} ms)`);
    t.diagnostic(`${platform}:${chatId}: 1 message, ${edits.length} edits, the last at ${new Date(mine.at(-1)!.at).toISOString().slice(11, 19)} UTC`);
  }
  assert.equal(telegram.calls.filter((c) => c.error?.error_code === 429).length, 0, 'Telegram never answered 429');
  assert.equal(discord.requests.filter((r) => r.status === 429).length, 0, 'Discord never answered 429');
  assert.equal(telegram.callsOf('sendMessage').length + telegram.callsOf('sendPhoto').length, 2, 'Telegram: two chats, one message each');
  assert.ok(!deliveries.some((d) => d.chatId === chats.crowdingOnly), 'a chat subscribed to crowding only gets no crash digest');

  // After the restart the digests continued the same messages.
  assert.ok(restartedMessages && restartedMessages.size === 3);
  const episodeId = changes.find((c) => c.change === 'end')?.episode;
  assert.ok(episodeId !== undefined, 'the episode ended');
  for (const digest of new DigestRepository(proc.db).digests(episodeId)) {
    assert.equal(digest.messageId, restartedMessages.get(`${digest.platform}:${digest.chatId}`), `${digest.platform}:${digest.chatId} kept its message`);
    assert.equal(digest.status, 'final');
  }
  assert.ok(deliveries.some((d) => d.op === 'edit' && d.at > RESTART_AT && d.chatId === chats.discord), 'edited after the restart');

  // The final summary, in each chat's language, in the same message.
  const end = changes.find((c) => c.change === 'end');
  assert.ok(end && end.at > PEAK_MINUTE, 'the episode ended once calm');
  assert.equal(proc.monitor.isCrashRunning(), false);
  const viMessage = telegram.message(Number(chats.viGroup), Number(restartedMessages.get(`telegram:${chats.viGroup}`)))!;
  assert.match(viMessage.text ?? '', /^✅ Đợt sập giá đã dịu: BTC, ETH/);
  assert.match(viMessage.text ?? '', /Long bị thanh lý/);
  assert.match(viMessage.text ?? '', /tỷ USD|triệu USD/, 'Vietnamese amounts');
  const enMessage = telegram.message(Number(chats.enPrivate), Number(restartedMessages.get(`telegram:${chats.enPrivate}`)))!;
  assert.match(enMessage.text ?? '', /^✅ Crash over: BTC, ETH, SOL|^✅ Crash over: (BTC|ETH|SOL)(, (BTC|ETH|SOL)){2}/);
  assert.match(enMessage.text ?? '', /Binance publishes at most one liquidation per coin per second/);
  assert.match(enMessage.text ?? '', /Hyperliquid publishes no liquidation stream/);
  const discordMessage = discord.messages.get(restartedMessages.get(`discord:${chats.discord}`)!)!;
  assert.match(discordMessage.embeds[0].title, /^✅ Crash over: BTC$/);

  // The poll would not repeat the crash for these chats: it is recorded as sent.
  assert.ok(new AlertsRepository(proc.db).isDuplicate({ platform: 'discord', chatId: chats.discord, venueGroup: '*', symbol: 'BTC', kind: 'crash' }, 'critical', clock.now(), 4 * 3_600_000));

  // What the streams saw against the generated truth (Binance's sampling undercounts).
  const stored = new StreamRepository(proc.db).totals(Math.floor(FROM / MINUTE), Math.floor(TO / MINUTE));
  let storedUsd = 0;
  for (const sides of stored.values()) storedUsd += sides.long.usd + sides.short.usd;
  t.diagnostic(`streamed $${(streamedUsd / 1e9).toFixed(2)}B of $${(trueUsd / 1e9).toFixed(2)}B liquidated on Binance, Bybit and OKX (Binance sampled); stored $${(storedUsd / 1e9).toFixed(2)}B (the kill lost what was not flushed)`);
  assert.ok(storedUsd <= streamedUsd * 1.000001 && storedUsd > streamedUsd * 0.95, 'stored what was streamed, less at most a few seconds lost in the kill');
  assert.ok(streamedUsd < trueUsd, 'Binance totals are a lower bound');
  proc.db.close();
  await proc.manager.stop();
});
