import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/database.ts';
import { AlertsRepository } from '../../src/store/alerts-repository.ts';
import { DeliveryQueue } from '../../src/alerts/delivery.ts';
import { TELEGRAM_PROFILE } from '../../src/platforms/telegram/profile.ts';
import { ManualClock, silentLogger } from '../support/market.ts';
import { RecordingSender } from '../support/senders.ts';

function setUp() {
  const repo = new AlertsRepository(openDatabase(':memory:'));
  const clock = new ManualClock(Date.UTC(2025, 9, 10, 21, 0));
  const telegram = new RecordingSender('telegram');
  const discord = new RecordingSender('discord');
  const queue = new DeliveryQueue<{ text: string }>({
    repo,
    senders: new Map([['telegram', telegram], ['discord', discord]]),
    langOf: (_platform, chatId) => (chatId.startsWith('vi') ? 'vi' : 'en'),
    render: (alert, lang) => ({ title: `${lang}: ${alert.text}`, blocks: [] }),
    logger: silentLogger,
    now: clock.now,
    sleep: clock.sleep,
  });
  for (const chatId of ['vi-group', 'en-group']) {
    repo.subscribe({ platform: 'telegram', chatId, kinds: ['crash'], symbols: ['BTC'], venues: ['*'], minSeverity: 'warning', createdBy: 'u', createdAt: '' });
  }
  const enqueue = (platform: 'telegram' | 'discord', chatId: string, text: string, severity: 'warning' | 'critical' = 'warning') =>
    repo.enqueueUnlessDuplicate({ platform, chatId, venueGroup: '*', symbol: 'BTC', kind: 'crash' }, severity, { text }, clock.now(), 4 * 3_600_000);
  return { repo, clock, telegram, discord, queue, enqueue };
}

test('dedup: one alert per (target, venue group, symbol, kind) per cooldown, again only when severity escalates', () => {
  const { clock, enqueue } = setUp();
  assert.equal(enqueue('telegram', 'en-group', 'first'), true);
  assert.equal(enqueue('telegram', 'en-group', 'same again'), false);
  assert.equal(enqueue('telegram', 'vi-group', 'other chat'), true);
  assert.equal(enqueue('telegram', 'en-group', 'worse', 'critical'), true);
  assert.equal(enqueue('telegram', 'en-group', 'back to warning'), false);
  clock.time += 4 * 3_600_000;
  assert.equal(enqueue('telegram', 'en-group', 'after the cooldown'), true);
});

test('messages to one Telegram group are paced 3 s apart; each chat gets its language', async () => {
  const { telegram, queue, enqueue, clock } = setUp();
  const start = clock.now();
  enqueue('telegram', 'vi-group', 'a');
  enqueue('telegram', 'vi-group', 'b', 'critical');
  enqueue('telegram', 'en-group', 'c');
  const report = await queue.drain();
  assert.equal(report.sent, 3);
  assert.deepEqual(telegram.sent.map((s) => s.reply.title), ['vi: a', 'vi: b', 'en: c']);
  assert.ok(clock.now() - start >= TELEGRAM_PROFILE.push!.pacing.perChatMs, 'the second message to vi-group waited');
});

test('a 429 with retry-after is retried after that wait; a long one is deferred to a later drain', async () => {
  const { telegram, queue, enqueue, clock, repo } = setUp();
  enqueue('telegram', 'en-group', 'x');
  telegram.failNext({ ok: false, reason: 'retry', retryAfterMs: 2_000, detail: 'Too Many Requests: retry after 2' });
  assert.equal((await queue.drain()).sent, 1);
  assert.ok(clock.sleeps.includes(2_000));

  enqueue('telegram', 'vi-group', 'y');
  telegram.failNext({ ok: false, reason: 'retry', retryAfterMs: 30_000, detail: 'Too Many Requests: retry after 30' });
  const deferred = await queue.drain();
  assert.deepEqual([deferred.sent, deferred.retried], [0, 1]);
  assert.equal(repo.outboxRows.due(clock.now()).length, 0, 'not due yet');
  clock.time += 30_000;
  assert.equal((await queue.drain()).sent, 1);
});

test('server errors are retried with backoff, then given up after five attempts', async () => {
  const { discord, queue, enqueue, clock } = setUp();
  enqueue('discord', 'chan', 'z');
  const error = { ok: false as const, reason: 'retry' as const, detail: 'HTTP 502' };
  discord.failNext(error, error, error, error, error);
  let report = await queue.drain();
  for (let i = 0; i < 10 && report.failed === 0; i++) {
    clock.time += 60_000;
    report = await queue.drain();
  }
  assert.equal(report.failed, 1);
  assert.equal(discord.attempts.length, 5);
  assert.equal(discord.sent.length, 0);
});

test('a chat that is gone pauses its subscription and drops what was queued for it', async () => {
  const { telegram, queue, enqueue, repo } = setUp();
  telegram.dead.set('en-group', { ok: false, reason: 'gone', detail: 'Bad Request: chat not found' });
  enqueue('telegram', 'en-group', 'one');
  enqueue('telegram', 'en-group', 'two', 'critical');
  enqueue('telegram', 'vi-group', 'three');
  const report = await queue.drain();
  assert.deepEqual(report.paused, [{ platform: 'telegram', chatId: 'en-group', reason: 'gone: Bad Request: chat not found' }]);
  assert.equal(telegram.attempts.filter((c) => c === 'en-group').length, 1);
  assert.equal(report.sent, 1);
  assert.match(repo.get('telegram', 'en-group')!.pausedReason!, /chat not found/);
  assert.deepEqual(repo.active().map((s) => s.chatId), ['vi-group']);
});

test('an alert still queued 30 minutes after it was raised (bot down, long 429s) is dropped, never sent late', async () => {
  const { telegram, queue, enqueue, clock, repo } = setUp();
  enqueue('telegram', 'en-group', 'old news');
  clock.time += 31 * 60_000; // e.g. the process was down
  enqueue('telegram', 'vi-group', 'fresh');
  const report = await queue.drain();
  assert.deepEqual([report.sent, report.expired], [1, 1]);
  assert.deepEqual(telegram.sent.map((s) => s.reply.title), ['vi: fresh']);
  assert.equal(repo.outboxRows.due(clock.now() + 3_600_000).length, 0, 'nothing left to send');
  const row = repo.db.prepare(`SELECT status, last_error FROM alert_outbox WHERE alert LIKE '%old news%'`).get() as { status: string; last_error: string };
  assert.equal(row.status, 'dropped');
  assert.match(row.last_error, /expired/);
});

test('unsubscribing drops what is still queued for the chat', async () => {
  const { telegram, queue, enqueue, clock, repo } = setUp();
  enqueue('telegram', 'en-group', 'x');
  telegram.failNext({ ok: false, reason: 'retry', retryAfterMs: 30_000, detail: 'Too Many Requests: retry after 30' });
  await queue.drain();
  assert.equal(repo.unsubscribe('telegram', 'en-group'), true);
  clock.time += 60_000;
  assert.equal((await queue.drain()).sent, 0);
  assert.equal(telegram.sent.length, 0);
});

// --- How often an alert is posted when the platform's answer is lost (README, "Alert guarantees") ---

const uncertain = { ok: false as const, reason: 'uncertain' as const, detail: 'The operation was aborted due to timeout' };

test('Telegram (no idempotency key): a send of unknown fate is recorded as uncertain and never repeated', async () => {
  const { telegram, queue, enqueue, repo, clock } = setUp();
  enqueue('telegram', 'en-group', 'x');
  telegram.failNext(uncertain);
  const report = await queue.drain();
  assert.deepEqual([report.sent, report.uncertain], [0, 1]);
  clock.time += 60_000;
  await queue.drain();
  assert.equal(telegram.attempts.length, 1, 'one attempt, ever');
  assert.equal((repo.db.prepare('SELECT status FROM alert_outbox').get() as { status: string }).status, 'uncertain');
});

test('Discord (nonce): a send of unknown fate is repeated with the same key while Discord still de-duplicates it', async () => {
  const { discord, queue, enqueue, repo } = setUp();
  discord.deduplicates = { windowMs: 120_000 };
  enqueue('discord', 'chan', 'x');
  discord.failNext(uncertain);
  const report = await queue.drain();
  assert.equal(report.sent, 1);
  assert.equal(discord.keys.length, 2);
  assert.ok(discord.keys[0] && discord.keys[0] === discord.keys[1], 'the same idempotency key');
  assert.equal((repo.db.prepare('SELECT status FROM alert_outbox').get() as { status: string }).status, 'sent');
});

test('a send interrupted by a restart (row left `sending`): repeated only within the de-duplication window', async () => {
  const { telegram, discord, queue, enqueue, repo, clock } = setUp();
  discord.deduplicates = { windowMs: 120_000 };
  enqueue('discord', 'recent', 'a');
  enqueue('discord', 'old', 'b');
  enqueue('telegram', 'en-group', 'c');
  // What a process killed during each send leaves behind.
  const [recent, old, tg] = repo.outboxRows.due<{ text: string }>(clock.now());
  repo.outboxRows.markSending(recent.id, 1, clock.now() - 30_000);
  repo.outboxRows.markSending(old.id, 1, clock.now() - 5 * 60_000);
  repo.outboxRows.markSending(tg.id, 1, clock.now() - 1_000);
  const report = await queue.drain();
  assert.deepEqual([report.sent, report.uncertain], [1, 2]);
  assert.deepEqual(discord.sent.map((s) => s.chatId), ['recent']);
  assert.equal(telegram.attempts.length, 0, 'Telegram: never repeated');
  const statuses = repo.db.prepare('SELECT chat_id, status FROM alert_outbox ORDER BY id').all();
  assert.deepEqual(statuses, [
    { chat_id: 'recent', status: 'sent' },
    { chat_id: 'old', status: 'uncertain' },
    { chat_id: 'en-group', status: 'uncertain' },
  ]);
});

test('two drains asked for at once run one after the other: nothing is sent twice', async () => {
  const { telegram, queue, enqueue } = setUp();
  enqueue('telegram', 'en-group', 'x');
  enqueue('telegram', 'vi-group', 'y');
  const [a, b] = await Promise.all([queue.drain(), queue.drain()]);
  assert.equal(a.sent + b.sent, 2);
  assert.equal(telegram.attempts.length, 2);
});

test('a row is marked sending before the platform call', async () => {
  const { repo, clock } = setUp();
  let seen: string | undefined;
  const probe = {
    platform: 'telegram',
    pacing: { globalMs: 0, perChatMs: 0 },
    send: async () => {
      seen = (repo.db.prepare('SELECT status FROM alert_outbox').get() as { status: string }).status;
      return { ok: true as const };
    },
  };
  const queue = new DeliveryQueue<{ text: string }>({
    repo,
    senders: new Map([['telegram', probe]]),
    langOf: () => 'en',
    render: (alert) => ({ title: alert.text, blocks: [] }),
    logger: silentLogger,
    now: clock.now,
    sleep: clock.sleep,
  });
  repo.enqueueUnlessDuplicate({ platform: 'telegram', chatId: 'en-group', venueGroup: '*', symbol: 'BTC', kind: 'crash' }, 'warning', { text: 'x' }, clock.now(), 1);
  await queue.drain();
  assert.equal(seen, 'sending');
});
