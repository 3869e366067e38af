import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Lang } from '../../src/chat/command.ts';
import { loadConfig } from '../../src/config.ts';
import type { HttpClock } from '../../src/market/http.ts';
import { openDatabase, type Db } from '../../src/store/database.ts';
import { createWatchService, hyperliquidLedger } from '../../src/watch/factory.ts';
import type { WatchNotice } from '../../src/watch/messages.ts';
import type { WatchService } from '../../src/watch/service.ts';
import { FakeExchange, sampleMarket } from '../e2e/fake-exchange.ts';
import { adlFill, plainFill } from '../support/fake-hyperliquid.ts';
import { RecordingSender } from '../support/senders.ts';

/**
 * The watch list end to end inside one process: the real Hyperliquid client against the local
 * fake /info (real-format answers), SQLite in a file, a recording sender for the private chats and
 * a clock the test moves. One story: a position slides towards liquidation (each tier once, a
 * wobble once), a profitable short climbs to the front of the ADL queue and alerts only once the
 * coin moves fast, then an ADL fill closes part of it: one receipt, which a restart neither
 * repeats nor loses.
 */
const ADDRESS = '0x2ea18c23f72a4b6172c55b411823cdc5335923f4';
const OWNER = { platform: 'telegram', userId: '7001' };
const T0 = Date.UTC(2025, 9, 10, 20, 0);

const exchange = new FakeExchange(sampleMarket(T0));
const accounts = exchange.hyperliquidAccounts;
let dir: string;
let now = T0;
const clock: HttpClock = { now: () => now, sleep: async (ms) => void (now += ms), random: () => 0.5 };

before(async () => {
  await exchange.start();
  accounts.now = () => now;
  dir = mkdtempSync(join(tmpdir(), 'watch-service-'));
});

after(async () => {
  await exchange.stop();
  rmSync(dir, { recursive: true, force: true });
});

function build(db: Db, sender: RecordingSender, preferences?: { userLang(face: string, userId: string): Lang | undefined }): WatchService {
  const config = loadConfig({ HYPERLIQUID_BASE_URL: exchange.baseUrl('hyperliquid'), DATABASE_PATH: ':memory:' });
  return createWatchService({
    config,
    db,
    ledger: hyperliquidLedger(),
    senders: new Map([[sender.platform, sender]]),
    preferences,
    logger: pino({ level: 'silent' }),
    clock,
  });
}

/** Moves the clock by `ms` and runs the ticks that fall due meanwhile (2 s apart), as the timer would. */
async function advance(service: WatchService, ms: number): Promise<void> {
  const end = now + ms;
  while (now < end) {
    now = Math.min(end, now + 2_000);
    await service.tick();
  }
}

function setMarks(eth: number, btc: number): void {
  const account = accounts.account(ADDRESS);
  account.positions[0].markPx = eth;
  account.positions[1].markPx = btc;
}

const notices = (sender: RecordingSender) => sender.sent.map((s) => s.reply.data?.notice as WatchNotice);
const describe = (n: WatchNotice) =>
  n.type === 'receipt' ? `receipt ${n.kind} ${n.coin}` : n.type === 'adl-queue' ? `adl ${n.coin} ${n.tier}` : n.type === 'key-rejected' ? `key rejected ${n.label}` : `distance ${n.coin} ${n.tier}`;

test('tiers fire once each, ADL only while plausible, and an ADL fill is receipted once across a restart', async () => {
  // ETH long isolated 10x, the venue's liquidation at 3,600; BTC short cross 20x, far from liquidation and deep in profit.
  const account = accounts.account(ADDRESS);
  account.crossAccountValue = 24_000;
  account.positions = [
    { coin: 'ETH', szi: 10, entryPx: 4000, markPx: 4600, leverage: 10, type: 'isolated', liquidationPx: 3600 },
    { coin: 'BTC', szi: -1, entryPx: 122_000, markPx: 104_800, leverage: 20, type: 'cross', liquidationPx: 140_000 },
  ];
  account.fills = [plainFill({ coin: 'BTC', dir: 'Open Short', side: 'A', size: 1, px: 122_000, time: T0 - 86_400_000, tid: 1 })];

  const path = join(dir, 'watch.db');
  let db = openDatabase(path);
  let sender = new RecordingSender('telegram', { globalMs: 0, perChatMs: 0 });
  let service = build(db, sender);
  service.touch(OWNER, 'en', '7001');
  const watch = service.add(OWNER, { venue: 'hyperliquid', account: ADDRESS, label: 'main' });

  await advance(service, 2_000);
  assert.deepEqual(notices(sender), [], 'ETH 21.7% away, BTC at the front of the queue but nothing is happening: quiet');
  assert.equal(service.repo.account('hyperliquid', ADDRESS)!.risk, 'risky', 'the BTC short at the front of the queue is read most often');

  setMarks(4235, 104_800); // ETH 15% from liquidation
  await advance(service, 40_000);
  setMarks(3913, 104_800); // 8%
  await advance(service, 40_000);
  assert.deepEqual(notices(sender).map(describe), ['distance ETH 0.2', 'distance ETH 0.1']);

  for (const eth of [3790, 3785, 3795, 3789]) {
    setMarks(eth, 104_800); // 4.9%–5.1%: one alert for 5%
    await advance(service, 40_000);
  }
  assert.deepEqual(notices(sender).map(describe), ['distance ETH 0.2', 'distance ETH 0.1', 'distance ETH 0.05']);

  // BTC falls 5.5% within a few minutes: ADL is plausible for the profitable short.
  setMarks(3789, 102_000);
  await advance(service, 60_000);
  setMarks(3789, 99_000);
  await advance(service, 60_000);
  const adl = notices(sender).filter((n) => n.type === 'adl-queue');
  assert.equal(adl.length, 1);
  assert.equal(adl[0].coin, 'BTC');
  assert.ok(adl[0].type === 'adl-queue' && adl[0].lights >= 4 && adl[0].signal?.reason === 'fast-move');

  // ADL closes 0.4 of the short: the next read sees it shrink, the one after reads the fills.
  const adlTime = now - 1_000;
  account.positions[1].szi = -0.6;
  account.fills.push(adlFill({ coin: 'BTC', side: 'short', size: 0.4, px: 99_100, markPx: 99_000, closedPnl: 9_160, time: adlTime, tid: 42 }));
  const fillsCallsBefore = accounts.calls.filter((c) => c.type === 'userFillsByTime').length;
  await advance(service, 40_000);
  const receipts = notices(sender).filter((n) => n.type === 'receipt');
  assert.equal(receipts.length, 1);
  assert.ok(receipts[0].type === 'receipt');
  assert.deepEqual(
    { kind: receipts[0].kind, coin: receipts[0].coin, side: receipts[0].side, size: receipts[0].size, price: receipts[0].price, markPrice: receipts[0].markPrice, closedPnl: receipts[0].closedPnl },
    { kind: 'adl', coin: 'BTC', side: 'short', size: '0.4', price: '99100', markPrice: '99000', closedPnl: '9160' },
  );
  assert.equal(accounts.calls.filter((c) => c.type === 'userFillsByTime').length - fillsCallsBefore, 1, 'fills read once, because the position shrank');
  assert.ok(sender.sent.every((s) => s.chatId === '7001'), 'everything went to the owner’s private chat');
  const receiptReply = sender.sent.find((s) => s.reply.data?.notice === receipts[0])!.reply;
  assert.deepEqual(receiptReply.actions, [{ label: 'How ADL works', payload: 'explain:adl', style: 'primary' }]);

  // A second ADL fill while the chat refuses (a 429 with a long wait): queued, not lost.
  account.positions[1].szi = -0.3;
  account.fills.push(adlFill({ coin: 'BTC', side: 'short', size: 0.3, px: 98_000, markPx: 97_900, closedPnl: 7_200, time: now + 500, tid: 43 }));
  sender.failNext({ ok: false, reason: 'retry', retryAfterMs: 120_000, detail: '429' });
  const sentBefore = sender.sent.length;
  await advance(service, 40_000);
  assert.equal(sender.sent.length, sentBefore, 'not delivered yet');
  assert.equal(service.repo.outbox(watch.id).filter((m) => m.status === 'pending').length, 1);

  // Restart: a new service on the same file. The pending receipt goes out once; nothing is repeated.
  await service.stop();
  db.close();
  db = openDatabase(path);
  sender = new RecordingSender('telegram', { globalMs: 0, perChatMs: 0 });
  service = build(db, sender);
  now += 120_000;
  await service.drain();
  await advance(service, 120_000);
  assert.deepEqual(notices(sender).map(describe), ['receipt adl BTC']);
  assert.equal((notices(sender)[0] as { size: string }).size, '0.3');
  // The fills are read again from the cursor (the last fill's time): both ADL fills come back, neither is receipted twice.
  account.positions[1].szi = -0.2;
  await advance(service, 40_000);
  assert.deepEqual(notices(sender).map(describe), ['receipt adl BTC']);
  assert.deepEqual(service.repo.outbox(watch.id).map((m) => m.status).filter((s) => s !== 'sent'), []);
  await service.stop();
  db.close();
});

test('remove deletes what was stored: the watch, its tiers and messages, and the account state once nobody watches it', async () => {
  const db = openDatabase(':memory:');
  const sender = new RecordingSender('telegram', { globalMs: 0, perChatMs: 0 });
  const service = build(db, sender);
  const address = `0x${'b'.repeat(40)}`;
  const account = accounts.account(address);
  account.crossAccountValue = 1000;
  account.positions = [{ coin: 'ETH', szi: 1, entryPx: 4000, markPx: 3900, leverage: 10, type: 'isolated', liquidationPx: 3700 }];
  service.touch(OWNER, 'vi', '7001');
  const watch = service.add(OWNER, { venue: 'hyperliquid', account: address, label: 'test' });
  await advance(service, 2_000);
  assert.equal(sender.sent.length, 1, 'ETH 5.1% from liquidation: the 10% alert');
  assert.equal(sender.sent[0].lang, 'vi');
  const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  assert.ok(count('watch_tiers') > 0 && count('watch_outbox') > 0 && count('watch_accounts') === 1);
  assert.equal(service.remove(watch.id), true);
  for (const table of ['watches', 'watch_tiers', 'watch_outbox', 'watch_accounts', 'watch_fills', 'watch_owners']) assert.equal(count(table), 0, table);
  db.close();
});

test('alerts come in the owner’s stored language (/lang) when they chose one, else the one they used /watch in', async () => {
  const address = `0x${'c'.repeat(40)}`;
  const account = accounts.account(address);
  account.crossAccountValue = 1000;
  account.positions = [{ coin: 'ETH', szi: 1, entryPx: 4000, markPx: 3900, leverage: 10, type: 'isolated', liquidationPx: 3700 }];
  for (const [stored, expected] of [[undefined, 'vi'], ['en', 'en']] as const) {
    const db = openDatabase(':memory:');
    const sender = new RecordingSender('telegram', { globalMs: 0, perChatMs: 0 });
    const service = build(db, sender, { userLang: (face, userId) => (face === 'telegram' && userId === OWNER.userId ? stored : undefined) });
    service.touch(OWNER, 'vi', '7001');
    service.add(OWNER, { venue: 'hyperliquid', account: address, label: 'lang' });
    await advance(service, 2_000);
    assert.deepEqual(sender.sent.map((s) => s.lang), [expected]);
    db.close();
  }
});

test('a private chat that blocks the bot pauses the owner’s watches (no more reads for them) until they use /watch in private again', async () => {
  const address = `0x${'d'.repeat(40)}`;
  const account = accounts.account(address);
  account.crossAccountValue = 1000;
  account.positions = [{ coin: 'ETH', szi: 1, entryPx: 4000, markPx: 3900, leverage: 10, type: 'isolated', liquidationPx: 3700 }];
  const db = openDatabase(':memory:');
  const sender = new RecordingSender('telegram', { globalMs: 0, perChatMs: 0 });
  sender.dead.set('7001', { ok: false, reason: 'forbidden', detail: '403: Forbidden: bot was blocked by the user' });
  const service = build(db, sender);
  service.touch(OWNER, 'en', '7001');
  service.add(OWNER, { venue: 'hyperliquid', account: address, label: 'blocked' });
  await advance(service, 2_000);
  assert.ok(service.repo.owner(OWNER)!.pausedAt, 'paused by the refused delivery');
  assert.deepEqual(service.repo.accountsToPoll(), []);
  const reads = accounts.calls.length;
  await advance(service, 120_000);
  assert.equal(accounts.calls.length, reads, 'not read while nobody can be told');
  service.touch(OWNER, 'en', '7001');
  assert.equal(service.repo.owner(OWNER)!.pausedAt, null);
  assert.equal(service.repo.accountsToPoll().length, 1);
  db.close();
});

test('an alert whose send has an unknown fate: Telegram never repeats it, not even after a restart; Discord repeats it with the same nonce within its window', async () => {
  const address = `0x${'e'.repeat(40)}`;
  const account = accounts.account(address);
  account.crossAccountValue = 1000;
  account.positions = [{ coin: 'ETH', szi: 1, entryPx: 4000, markPx: 3900, leverage: 10, type: 'isolated', liquidationPx: 3700 }];
  const path = join(dir, 'uncertain.db');
  let db = openDatabase(path);
  const telegram = new RecordingSender('telegram', { globalMs: 0, perChatMs: 0 });
  telegram.failNext({ ok: false, reason: 'uncertain', detail: 'Network request for sendMessage failed: socket hang up' });
  let service = build(db, telegram);
  service.touch(OWNER, 'en', '7001');
  const watch = service.add(OWNER, { venue: 'hyperliquid', account: address, label: 'maybe' });
  await advance(service, 2_000);
  assert.deepEqual(service.repo.outbox(watch.id).map((m) => m.status), ['uncertain']);
  await service.stop();
  db.close();
  db = openDatabase(path);
  service = build(db, telegram);
  await service.drain();
  await advance(service, 60_000);
  assert.equal(telegram.attempts.length, 1, 'at most once');
  assert.deepEqual(telegram.sent, []);
  await service.stop();
  db.close();

  const discordOwner = { platform: 'discord', userId: '7002' };
  const discord = new RecordingSender('discord', { globalMs: 0, perChatMs: 0 });
  discord.deduplicates = { windowMs: 120_000 };
  discord.failNext({ ok: false, reason: 'uncertain', detail: '503 Service Unavailable' });
  const memory = openDatabase(':memory:');
  const onDiscord = build(memory, discord);
  onDiscord.touch(discordOwner, 'en', 'dm-7002');
  const discordWatch = onDiscord.add(discordOwner, { venue: 'hyperliquid', account: address, label: 'maybe' });
  await advance(onDiscord, 2_000);
  assert.equal(discord.sent.length, 1);
  assert.equal(discord.keys.length, 2);
  assert.ok(discord.keys[0]?.startsWith('w') && discord.keys[0] === discord.keys[1], `the watch outbox's key, twice: ${discord.keys.join(', ')}`);
  assert.deepEqual(onDiscord.repo.outbox(discordWatch.id).map((m) => m.status), ['sent']);
  memory.close();
});
